"""The results store: one directory per experiment — docs/design.md §8.

::

    DIR/manifest.json     what was asked (the request), by which code, when; θ and root seed
    DIR/results.parquet   run_id, scenario, replicate, seed, year, area, indicator, value
    DIR/runs.parquet      one row per run: inputs, status ('ok' | 'failed'), error, wall time
    DIR/parts/            while running: one results and one runs part per finished run

Runs stream to disk as they finish (each part written to a temporary file, then renamed), so an
interrupted batch (Ctrl-C, a killed process) loses at most the runs in flight; `StoreWriter.
consolidate` merges the parts into the two tables at the end, one run at a time (one Parquet row
group per run, in run_id order), so that memory stays flat however large the batch. Every file is
written to a temporary name and moved into place with ``os.replace``. `read_results` and
`read_runs` read the tables and any parts, so they work on an interrupted store too;
`read_results` can select indicators, areas and years without loading the rest.

Output-directory rule: a new directory is created; an existing store whose manifest request
matches resumes (finished runs are skipped, failed ones are retried); one that does not match is
an `InputError` naming the first difference; ``overwrite=True`` replaces it. Nothing is created
when the request is refused.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import uuid
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from westdev import __version__
from westdev.errors import InputError

SCHEMA_VERSION = 1
KINDS = ("run", "compare", "sweep", "ensemble", "sensitivity", "calibration")
MANIFEST = "manifest.json"
RESULTS = "results.parquet"
RUNS = "runs.parquet"
PARTS = "parts"

RESULTS_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("scenario", pa.string()), ("replicate", pa.int64()),
    ("seed", pa.int64()), ("year", pa.int64()), ("area", pa.string()),
    ("indicator", pa.string()), ("value", pa.float64()),
])
# schema metadata of results parts whose rows are already sorted by year, area, indicator
SORTED = {b"westdev.sorted": b"year,area,indicator"}
RUNS_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("scenario", pa.string()), ("scenario_hash", pa.string()),
    ("parameter_vintage", pa.string()), ("resolution", pa.string()), ("replicate", pa.int64()),
    ("seed", pa.int64()), ("inputs_json", pa.string()), ("status", pa.string()),
    ("error", pa.string()), ("wall_s", pa.float64()),
])
RESULT_KEY = ["run_id", "year", "area", "indicator"]
STATUSES = ("ok", "failed")


# ---------------------------------------------------------------------- reading
class ResultsStore:
    """An existing results store: `.results`, `.runs` (DataFrames), `.manifest`, `.path`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.manifest: dict[str, Any] = read_manifest(self.path)
        self._results: pd.DataFrame | None = None
        self._runs: pd.DataFrame | None = None

    @property
    def results(self) -> pd.DataFrame:
        """Tidy results of the successful runs, sorted by run_id, year, area, indicator."""
        if self._results is None:
            self._results = read_results(self.path)
        return self._results

    @property
    def runs(self) -> pd.DataFrame:
        """One row per run, sorted by run_id."""
        if self._runs is None:
            self._runs = read_runs(self.path)
        return self._runs

    @property
    def failed(self) -> pd.DataFrame:
        """The runs whose status is 'failed' (with their error text)."""
        runs = self.runs
        return runs[runs["status"] != "ok"]

    def __repr__(self) -> str:
        kind = self.manifest.get("kind", "?")
        return f"ResultsStore({str(self.path)!r}, kind={kind!r}, runs={len(self.runs)})"


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of the store at `path` (`InputError` if there is none or it is broken)."""
    file = Path(path) / MANIFEST
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("not a westdev results store (no manifest.json)", file=str(path),
                         allowed="a directory written by westdev run/compare") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"unreadable manifest: {exc}", file=str(file)) from None
    if not isinstance(manifest, dict) or "request" not in manifest:
        raise InputError("manifest has no 'request'", file=str(file), field="request")
    return manifest


def read_runs(path: str | Path) -> pd.DataFrame:
    """The runs table: the consolidated file overlaid with any parts (interrupted stores)."""
    path = Path(path)
    table = _overlay(path / RUNS, sorted((path / PARTS).glob("*.run.parquet")), RUNS_SCHEMA)
    df = table.to_pandas()
    return df.sort_values("run_id", kind="stable").reset_index(drop=True)


def read_results(path: str | Path, *, indicators: Any = None, areas: Any = None,
                 years: Any = None) -> pd.DataFrame:
    """The results of the runs whose status is 'ok', sorted by run_id, year, area, indicator.

    `indicators`, `areas` and `years` (each an iterable, or None for all) select rows while
    reading, so that e.g. the three goal ratios of a large ensemble load without the rest.
    """
    path = Path(path)
    runs = read_runs(path)
    ok = set(runs.loc[runs["status"] == "ok", "run_id"])
    selection = _selection(indicators, areas, years)
    parts = sorted((path / PARTS).glob("*.results.parquet"))
    by_stem = {_part_stem(r): r for r in runs["run_id"]}
    table = _overlay(path / RESULTS, parts, RESULTS_SCHEMA, selection,
                     part_ids=[by_stem.get(_stem_of(p), "") for p in parts])
    df = table.to_pandas()
    df = df[df["run_id"].isin(ok)]
    return df.sort_values(RESULT_KEY, kind="stable").reset_index(drop=True)


def _selection(indicators: Any, areas: Any, years: Any) -> Any:
    """A pyarrow filter expression for the given selections (None: everything)."""
    expr = None
    for column, values, kind in (("indicator", indicators, pa.string()),
                                 ("area", areas, pa.string()), ("year", years, pa.int64())):
        if values is None:
            continue
        if isinstance(values, str | int):
            values = [values]
        cond = pc.field(column).isin(pa.array(list(values), kind))
        expr = cond if expr is None else expr & cond
    return expr


def _overlay(consolidated: Path, parts: list[Path], schema: pa.Schema,
             selection: Any = None, part_ids: list[str] | None = None) -> pa.Table:
    """Consolidated rows, with the rows of any run that also has a part replaced by the part.

    `part_ids` are the runs the parts belong to (default: read from the parts themselves).
    """
    tables = [_read(p, schema, selection) for p in parts]
    if consolidated.is_file():
        base = _read(consolidated, schema, selection)
        if part_ids is None:
            part_ids = [t.column("run_id")[0].as_py() for t in tables if t.num_rows]
        in_parts = {i for i in part_ids if i}
        if in_parts:
            keep = pc.invert(pc.is_in(base.column("run_id"),
                                      value_set=pa.array(sorted(in_parts), pa.string())))
            base = base.filter(keep)
        tables.insert(0, base)
    if not tables:
        return schema.empty_table()
    return pa.concat_tables(tables)


def _read(file: Path, schema: pa.Schema, selection: Any = None) -> pa.Table:
    """A Parquet file, or only its selected rows (filtered one row group at a time, so that
    memory holds one run's rows plus the selection, not the whole file)."""
    if selection is None:
        return pq.read_table(file, schema=schema)
    pf = pq.ParquetFile(file)
    pieces = [pf.read_row_group(i).cast(schema).filter(selection)
              for i in range(pf.metadata.num_row_groups)]
    pf.close()
    return pa.concat_tables(pieces) if pieces else schema.empty_table()


def _stem_of(part: Path) -> str:
    """The run stem of a part file name (see `_part_stem`)."""
    for suffix in (".results.parquet", ".run.parquet"):
        if part.name.endswith(suffix):
            return part.name[:-len(suffix)]
    return part.name


# ---------------------------------------------------------------------- writing
# key of a run row saying that its worker has already written its parts (local worker
# processes write their own parts, so the parent only books runs as finished)
RESULTS_WRITTEN = "_results_written"


def write_results_part(parts: Path, run: Mapping[str, Any], results: pd.DataFrame | None) -> Path:
    """Write one ok run's results part (atomically), rows in the store's order."""
    df = pd.DataFrame(results if results is not None else {},
                      columns=["year", "area", "indicator", "value"])
    n = len(df)
    year = df["year"].to_numpy(dtype="int64")
    area, indicator = df["area"].astype(str), df["indicator"].astype(str)
    # rows in the store's order (year, area, indicator), so consolidating need not sort
    order = np.lexsort((pd.factorize(indicator, sort=True)[0],
                        pd.factorize(area, sort=True)[0], year))
    columns = {
        "run_id": pa.repeat(pa.scalar(run["run_id"], pa.string()), n),
        "scenario": pa.repeat(pa.scalar(run["scenario"], pa.string()), n),
        "replicate": pa.repeat(pa.scalar(run["replicate"], pa.int64()), n),
        "seed": pa.repeat(pa.scalar(run["seed"], pa.int64()), n),
        "year": pa.array(year, pa.int64()),
        "area": pa.array(area, pa.string()),
        "indicator": pa.array(indicator, pa.string()),
        "value": pa.array(df["value"].to_numpy(dtype="float64"), pa.float64()),
    }
    table = pa.table(columns, schema=RESULTS_SCHEMA).take(order)
    target = Path(parts) / f"{_part_stem(str(run['run_id']))}.results.parquet"
    _write_atomic(table.replace_schema_metadata(SORTED), target)
    return target


def write_run_parts(parts: Path, run: Mapping[str, Any], results: pd.DataFrame | None) -> None:
    """Store one finished run in the parts folder: its results part (if ok) first, then its
    runs part. The runs part marks the run as finished, so a crash between the two only
    leaves an orphan results part that readers ignore and a resume overwrites.

    Called by the parent's `StoreWriter.write_run`, or by a local worker process before it
    reports the run (the parent then only books it)."""
    row = {name: run.get(name) for name in RUNS_SCHEMA.names}
    if row["status"] not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {row['status']!r}")
    stem = _part_stem(str(row["run_id"]))
    result_part = Path(parts) / f"{stem}.results.parquet"
    if row["status"] == "ok":
        write_results_part(parts, row, results)
    elif result_part.exists():
        result_part.unlink()
    _write_atomic(pa.Table.from_pylist([row], schema=RUNS_SCHEMA),
                  Path(parts) / f"{stem}.run.parquet")


class StoreWriter:
    """Writes one store: opened (new, resumed or replaced), fed finished runs, consolidated."""

    def __init__(self, path: Path, manifest: dict[str, Any], finished: set[str]) -> None:
        self.path = path
        self.manifest = manifest
        self.finished = finished  # run_ids with status 'ok' already on disk

    @classmethod
    def open(cls, path: str | Path, *, kind: str, request: Mapping[str, Any], root_seed: int,
             goal_thresholds: Mapping[str, Any], overwrite: bool = False,
             extra: Mapping[str, Any] | None = None) -> StoreWriter:
        """Apply the output-directory rule and return a writer (docs/design.md §8).

        `request` is the canonical description of what was asked (JSON-serialisable); an
        existing store resumes only if its request and kind are equal to these.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        path = Path(path)
        request = json.loads(json.dumps(request, sort_keys=True))
        if path.exists() and not path.is_dir():
            raise InputError("exists and is not a directory", file=str(path),
                             allowed="a new directory or an existing results store")
        if path.is_dir() and (path / MANIFEST).exists():
            old = read_manifest(path)
            if not overwrite:
                diff = first_difference({"kind": old.get("kind"), "request": old["request"]},
                                         {"kind": kind, "request": request})
                if diff is not None:
                    field, had, wants = diff
                    raise InputError(
                        f"the existing results store was made for another request: {field} is "
                        f"{had} there but {wants} now", file=str(path / MANIFEST), field=field,
                        allowed="the same request (to resume), --overwrite (to replace it) or "
                        "another --out")
                return cls(path, old, _finished_ok(path))
            _remove_store(path)
        elif path.is_dir() and any(path.iterdir()):
            raise InputError("exists, is not empty and is not a westdev results store "
                             "(no manifest.json)", file=str(path),
                             allowed="a new or empty directory, or an existing results store")
        manifest = build_manifest(kind=kind, request=request, root_seed=root_seed,
                                  goal_thresholds=goal_thresholds, extra=extra)
        _create(path, manifest)
        return cls(path, manifest, set())

    def write_run(self, run: Mapping[str, Any], results: pd.DataFrame | None = None) -> None:
        """Store one finished run: its results part (if ok) first, then its runs part.

        The runs part marks the run as finished, so a crash between the two only leaves an
        orphan results part that readers ignore and a resume overwrites.
        """
        parts = self.path / PARTS
        parts.mkdir(exist_ok=True)
        if run.get(RESULTS_WRITTEN):  # a local worker wrote both parts, in this order
            if not (parts / f"{_part_stem(str(run['run_id']))}.run.parquet").exists():
                raise ValueError(f"run {run['run_id']!r}: its worker wrote no runs part")
        else:
            write_run_parts(parts, run, results)
        if run["status"] == "ok":
            self.finished.add(str(run["run_id"]))

    def consolidate(self) -> ResultsStore:
        """Merge parts into results.parquet and runs.parquet (atomically), then drop the parts.

        Results are copied one run at a time (parts, or row groups of the previous
        results.parquet of a resumed store), so memory holds one run's rows, not the batch's.
        """
        parts_dir = self.path / PARTS
        parts = sorted(parts_dir.glob("*.parquet")) if parts_dir.is_dir() else []
        runs = read_runs(self.path)
        ok = sorted(runs.loc[runs["status"] == "ok", "run_id"])
        _stream_results(self.path, ok)
        _write_atomic(pa.Table.from_pandas(runs, schema=RUNS_SCHEMA, preserve_index=False),
                      self.path / RUNS)
        for p in parts:
            p.unlink(missing_ok=True)
        if parts_dir.is_dir() and not any(parts_dir.iterdir()):
            parts_dir.rmdir()
        self.manifest["updated"] = _now()
        self.manifest["n_runs"] = int(len(runs))
        self.manifest["n_failed"] = int((runs["status"] != "ok").sum())
        _write_json_atomic(self.manifest, self.path / MANIFEST)
        return ResultsStore(self.path)


def _stream_results(path: Path, ok_runs: list[str]) -> None:
    """Write results.parquet from the parts and the old file, one row group per run."""
    files = sorted((path / PARTS).glob("*.results.parquet")) if (path / PARTS).is_dir() else []
    by_stem = {_stem_of(f): f for f in files}
    parts = {r: by_stem[_part_stem(r)] for r in ok_runs if _part_stem(r) in by_stem}
    old_file = path / RESULTS
    old = pq.ParquetFile(old_file) if old_file.is_file() else None
    old_groups: dict[str, list[int]] = {}
    old_table = None
    if old is not None:
        meta = old.metadata
        col = RESULTS_SCHEMA.get_field_index("run_id")
        for i in range(meta.num_row_groups):
            stats = meta.row_group(i).column(col).statistics
            if stats is None or not stats.has_min_max or stats.min != stats.max:
                old_table, old_groups = pq.read_table(old_file, schema=RESULTS_SCHEMA), {}
                break  # not one run per row group: read it whole (stores of older versions)
            old_groups.setdefault(stats.min, []).append(i)
    order = [("year", "ascending"), ("area", "ascending"), ("indicator", "ascending")]
    tmp = old_file.with_name(f".{old_file.name}.{uuid.uuid4().hex}.tmp")
    try:
        with pq.ParquetWriter(tmp, RESULTS_SCHEMA) as writer:
            for run_id in ok_runs:
                if run_id in parts:
                    table = pq.read_table(parts[run_id], schema=RESULTS_SCHEMA)
                    if pq.read_schema(parts[run_id]).metadata != SORTED:  # parts of older versions
                        table = table.sort_by(order)
                elif run_id in old_groups:
                    table = old.read_row_groups(old_groups[run_id])
                elif old_table is not None:
                    table = old_table.filter(pc.equal(old_table.column("run_id"), run_id))
                    table = table.sort_by(order)
                else:
                    continue
                if table.num_rows:
                    writer.write_table(table.cast(RESULTS_SCHEMA), row_group_size=table.num_rows)
        if old is not None:
            old.close()
        os.replace(tmp, old_file)
    finally:
        if tmp.exists():
            tmp.unlink()


def build_manifest(*, kind: str, request: Mapping[str, Any], root_seed: int,
                   goal_thresholds: Mapping[str, Any],
                   extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Provenance of a store: versions, git commit, root seed, θ, time and the request."""
    commit, dirty = _git_state()
    libs = {}
    for lib in ("numpy", "pandas", "mesa", "pyarrow", "scipy", "matplotlib"):
        try:
            libs[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            libs[lib] = None
    manifest = {
        "kind": kind,
        "schema_version": SCHEMA_VERSION,
        "westdev_version": __version__,
        "git_commit": commit,
        "git_dirty": dirty,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": libs,
        "root_seed": root_seed,
        "goal_thresholds": dict(goal_thresholds),
        "created": _now(),
        "request": dict(request),
    }
    manifest.update(extra or {})
    return json.loads(json.dumps(manifest))


# ---------------------------------------------------------------------- helpers
def _finished_ok(path: Path) -> set[str]:
    runs = read_runs(path)
    return set(runs.loc[runs["status"] == "ok", "run_id"])


def first_difference(old: Any, new: Any, where: str = "") -> tuple[str, str, str] | None:
    """The dotted path of the first difference between two JSON values, with both sides."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=lambda k: (k not in old, k not in new, k)):
            sub = f"{where}.{key}" if where else str(key)
            if key not in old:
                return sub, "absent", _short(new[key])
            if key not in new:
                return sub, _short(old[key]), "absent"
            diff = first_difference(old[key], new[key], sub)
            if diff is not None:
                return diff
        return None
    if isinstance(old, list) and isinstance(new, list):
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            diff = first_difference(a, b, f"{where}[{i}]")
            if diff is not None:
                return diff
        if len(old) != len(new):
            return f"{where} (length)", str(len(old)), str(len(new))
        return None
    if old != new:
        return where, _short(old), _short(new)
    return None


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _part_stem(run_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)[:80]
    return f"{safe}-{hashlib.sha1(run_id.encode('utf-8')).hexdigest()[:10]}"


def _write_atomic(table: pa.Table, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _write_json_atomic(data: Mapping[str, Any], target: Path) -> None:
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _create(path: Path, manifest: Mapping[str, Any]) -> None:
    """Create the directory and its manifest, or nothing at all (`InputError`)."""
    first_new = None
    for p in [path, *path.parents]:
        if p.exists():
            break
        first_new = p
    try:
        path.mkdir(parents=True, exist_ok=True)
        _write_json_atomic(manifest, path / MANIFEST)
    except OSError as exc:
        if first_new is not None and first_new.exists():
            shutil.rmtree(first_new, ignore_errors=True)
        reason = exc.strerror or str(exc)
        raise InputError(f"cannot write the results store here: {reason}", file=str(path),
                         allowed="a directory you can write to") from None


def _remove_store(path: Path) -> None:
    """Delete a results store (only called on a directory holding a manifest)."""
    try:
        shutil.rmtree(path)
    except OSError as exc:
        raise InputError(f"cannot remove the old results store: {exc.strerror or exc}",
                         file=str(path), allowed="a directory you can write to") from None


def _git_state() -> tuple[str | None, bool | None]:
    """(commit, dirty) of the source tree the package is imported from, when it is a git repo."""
    here = Path(__file__).resolve().parent
    if not any((p / ".git").exists() for p in [here, *here.parents]):
        return None, None
    try:
        commit = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True, timeout=5).stdout.strip()
        status = subprocess.run(["git", "-C", str(here), "status", "--porcelain",
                                 "--untracked-files=no"], check=True, capture_output=True,
                                text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit or None, bool(status.strip())


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def write_frame(df: pd.DataFrame, target: str | Path) -> Path:
    """Write a DataFrame atomically as Parquet or CSV (by the file's suffix)."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        if target.suffix == ".csv":
            df.to_csv(tmp, index=False)
        else:
            df.to_parquet(tmp, index=False)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def results_digest(path: str | Path) -> str:
    """A digest of a store's sorted results table (run_id, year, area, indicator, value...),
    read one row group at a time: equal digests mean identical tables."""
    path = Path(path)
    digest = hashlib.sha256()
    file = path / RESULTS
    if file.is_file() and not (path / PARTS).is_dir():
        pf = pq.ParquetFile(file)
        for i in range(pf.metadata.num_row_groups):
            df = pf.read_row_group(i).to_pandas()
            digest.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    else:  # an interrupted store: the parts overlay, read whole
        df = read_results(path)
        digest.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return digest.hexdigest()
