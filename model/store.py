"""The results store: one directory per experiment — DESIGN §8.

::

    DIR/manifest.json     what was asked (the request), by which code, when; θ and root seed
    DIR/results.parquet   run_id, scenario, replicate, seed, year, area, indicator, value
    DIR/runs.parquet      one row per run: inputs, status ('ok' | 'failed'), error, wall time
    DIR/parts/            while running: one results and one runs part per finished run

Runs stream to disk as they finish (each part written to a temporary file, then renamed), so an
interrupted batch loses at most the runs in flight; `StoreWriter.consolidate` merges the parts
into the two tables at the end. `read_results` and `read_runs` read the tables and any parts, so
they work on an interrupted store too.

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

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from westdev.errors import InputError

SCHEMA_VERSION = 1
KINDS = ("run", "compare", "sweep", "sensitivity", "calibration")
MANIFEST = "manifest.json"
RESULTS = "results.parquet"
RUNS = "runs.parquet"
PARTS = "parts"

RESULTS_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("scenario", pa.string()), ("replicate", pa.int64()),
    ("seed", pa.int64()), ("year", pa.int64()), ("area", pa.string()),
    ("indicator", pa.string()), ("value", pa.float64()),
])
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


def read_results(path: str | Path) -> pd.DataFrame:
    """The results of the runs whose status is 'ok', sorted by run_id, year, area, indicator."""
    path = Path(path)
    runs = read_runs(path)
    ok = set(runs.loc[runs["status"] == "ok", "run_id"])
    table = _overlay(path / RESULTS, sorted((path / PARTS).glob("*.results.parquet")),
                     RESULTS_SCHEMA)
    df = table.to_pandas()
    df = df[df["run_id"].isin(ok)]
    return df.sort_values(RESULT_KEY, kind="stable").reset_index(drop=True)


def _overlay(consolidated: Path, parts: list[Path], schema: pa.Schema) -> pa.Table:
    """Consolidated rows, with the rows of any run that also has a part replaced by the part."""
    tables = [pq.read_table(p, schema=schema) for p in parts]
    if consolidated.is_file():
        base = pq.read_table(consolidated, schema=schema)
        in_parts = set()
        for t in tables:
            in_parts.update(t.column("run_id").to_pylist())
        if in_parts:
            keep = pc.invert(pc.is_in(base.column("run_id"),
                                      value_set=pa.array(sorted(in_parts), pa.string())))
            base = base.filter(keep)
        tables.insert(0, base)
    if not tables:
        return schema.empty_table()
    return pa.concat_tables(tables)


# ---------------------------------------------------------------------- writing
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
        """Apply the output-directory rule and return a writer (DESIGN §8).

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
                diff = _first_difference({"kind": old.get("kind"), "request": old["request"]},
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
        row = {name: run.get(name) for name in RUNS_SCHEMA.names}
        if row["status"] not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {row['status']!r}")
        parts = self.path / PARTS
        parts.mkdir(exist_ok=True)
        stem = _part_stem(str(row["run_id"]))
        result_part = parts / f"{stem}.results.parquet"
        if row["status"] == "ok":
            df = pd.DataFrame(results if results is not None else {},
                              columns=["year", "area", "indicator", "value"])
            for name in ("seed", "replicate", "scenario", "run_id"):
                df.insert(0, name, row[name])
            _write_atomic(pa.Table.from_pandas(df[RESULTS_SCHEMA.names], schema=RESULTS_SCHEMA,
                                               preserve_index=False), result_part)
        elif result_part.exists():
            result_part.unlink()
        _write_atomic(pa.Table.from_pylist([row], schema=RUNS_SCHEMA),
                      parts / f"{stem}.run.parquet")
        if row["status"] == "ok":
            self.finished.add(str(row["run_id"]))

    def consolidate(self) -> ResultsStore:
        """Merge parts into results.parquet and runs.parquet (atomically), then drop the parts."""
        parts = sorted((self.path / PARTS).glob("*.parquet")) if (self.path / PARTS).is_dir() else []
        runs = read_runs(self.path)
        results = read_results(self.path)
        _write_atomic(pa.Table.from_pandas(results, schema=RESULTS_SCHEMA, preserve_index=False),
                      self.path / RESULTS)
        _write_atomic(pa.Table.from_pandas(runs, schema=RUNS_SCHEMA, preserve_index=False),
                      self.path / RUNS)
        for p in parts:
            p.unlink()
        if (self.path / PARTS).is_dir() and not any((self.path / PARTS).iterdir()):
            (self.path / PARTS).rmdir()
        self.manifest["updated"] = _now()
        self.manifest["n_runs"] = int(len(runs))
        self.manifest["n_failed"] = int((runs["status"] != "ok").sum())
        _write_json_atomic(self.manifest, self.path / MANIFEST)
        return ResultsStore(self.path)


def build_manifest(*, kind: str, request: Mapping[str, Any], root_seed: int,
                   goal_thresholds: Mapping[str, Any],
                   extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Provenance of a store: versions, git commit, root seed, θ, time and the request."""
    from westdev import __version__

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


def _first_difference(old: Any, new: Any, where: str = "") -> tuple[str, str, str] | None:
    """The dotted path of the first difference between two JSON values, with both sides."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=lambda k: (k not in old, k not in new, k)):
            sub = f"{where}.{key}" if where else str(key)
            if key not in old:
                return sub, "absent", _short(new[key])
            if key not in new:
                return sub, _short(old[key]), "absent"
            diff = _first_difference(old[key], new[key], sub)
            if diff is not None:
                return diff
        return None
    if isinstance(old, list) and isinstance(new, list):
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            diff = _first_difference(a, b, f"{where}[{i}]")
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
