"""The results store: one directory per batch, compact, columnar and read lazily — docs/design.md
§8.

::

    DIR/manifest.json        kind, schema_version, the request, what runs record, the files
                             the store wrote; versions, git commit, θ, root seed, times
    DIR/runs/NNNNNN.parquet  one row per run: run (an integer), run_id, scenario, ..., status
                             ('ok' | 'failed'), error, wall time, n_rows (its results rows)
    DIR/results/NNNNNN.parquet  run, year, area, indicator, value: the rows of the runs of
                             runs/NNNNNN.parquet, sorted by indicator, area, year and run
    DIR/parts/               while running: one results and one runs part per finished run
    DIR/.westdev.lock        while a batch writes: who writes (`westdev.experiments.lock`)

**Compact.** A run is an integer (`run`, its rank among the batch's run ids); areas and
indicators are dictionary-encoded strings; years are 16-bit; values are split by byte and
compressed (zstd). Each chunk pair (`runs/N`, `results/N`) holds a few thousand runs; within a
results file the rows are sorted by indicator, area, year and run and cut into row groups whose
statistics let a reader skip what it does not need (by indicator, area, year and run), and the
runs file tells it which runs a chunk holds.

**Lazy.** `ResultsStore.select` reads only the row groups a selection needs and returns pandas:
the columns ``run_id, scenario, replicate, seed, year, area, indicator, value`` (strings as
categoricals), sorted by run_id, year, area, indicator. `ResultsStore.results` is the whole
table, for stores small enough to hold (`RESULTS_MAX_ROWS`); above that it refuses and names
`select`. `iter_select` yields a selection chunk by chunk (aggregates over 10^5 runs);
`to_ema` gives the (experiments, outcomes) pair of ema_workbench's analyses. Pyarrow reads the
Parquet files directly (it is a dependency already; a selection is a filter on a few columns,
which needs neither SQL nor another engine).

**Streaming and atomic.** A finished run's results and runs rows go to ``parts/`` (Arrow IPC
files, each written to a temporary name and renamed), its results part first: its runs part
marks it finished. Every `CHUNK_ROWS` rows the writer compacts the parts into a chunk pair —
results file first, then runs file, which commits it — then deletes the parts. A batch stopped
at any point (Ctrl-C, ``kill -9``, a full disk) loses at most the runs in flight.

**Resume verifies.** Reopening a store for the same request checks what is there before
trusting it: every run marked ok must have its rows (a chunk's file must hold the rows its runs
say, a part its rows); damaged or missing files are dropped and their runs run again, together
with the failed ones. Readers meeting a damaged file name it and the remedy.

**A store knows its files.** The manifest needs ``kind`` and ``schema_version`` to be a store's;
it lists the files the store and its analyses wrote (and the folders ``runs``, ``results`` and
``parts``, in which only westdev's own file names count). ``overwrite=True`` deletes exactly
those — never the directory itself, never a file it did not write, never a directory that is not
a store. A non-empty directory that is not a store is refused, naming it.

**One writer.** `StoreWriter.open` takes the store's lock before it looks at anything and holds
it until `StoreWriter.consolidate` (or `close`); a second writer is told who holds it.
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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
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
from westdev.experiments.lock import LOCK, StoreLock
from westdev.experiments.record import EVERYTHING, Record, record_from_json
from westdev.inputs.files import load_json
from westdev.policy.goal import OUTCOMES

SCHEMA_VERSION = 2
KINDS = ("run", "compare", "sweep", "ensemble", "sensitivity", "calibration")
MANIFEST = "manifest.json"
RUNS_DIR = "runs"
RESULTS_DIR = "results"
PARTS = "parts"
OWN_DIRS = (RUNS_DIR, RESULTS_DIR, PARTS)
V1_FILES = ("results.parquet", "runs.parquet")  # schema 1: one table each
CHUNK_ROWS = 2_000_000  # results rows per chunk (≈ 900 default-record runs, 60 "all" runs)
CHUNK_RUNS = 20_000  # runs per chunk at most (failed runs have no rows)
ROW_GROUP = 65_536  # rows per row group of a results file: the unit a reader skips
RESULTS_MAX_ROWS = 5_000_000  # ResultsStore.results refuses more (about 0.6 GB in pandas)
REMEDY = ("run the same command again (or westdev rerun DIR): a resume drops damaged files and "
          "runs their runs again")

RESULT_COLUMNS = ["run_id", "scenario", "replicate", "seed", "year", "area", "indicator",
                  "value"]
RESULTS_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("scenario", pa.string()), ("replicate", pa.int64()),
    ("seed", pa.int64()), ("year", pa.int64()), ("area", pa.string()),
    ("indicator", pa.string()), ("value", pa.float64()),
])  # the columns `select` returns (strings as categoricals)
RUNS_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("scenario", pa.string()), ("scenario_hash", pa.string()),
    ("parameter_vintage", pa.string()), ("resolution", pa.string()), ("replicate", pa.int64()),
    ("seed", pa.int64()), ("inputs_json", pa.string()), ("status", pa.string()),
    ("error", pa.string()), ("wall_s", pa.float64()),
])  # the columns of `ResultsStore.runs`
_RUN_FILE_SCHEMA = pa.schema([("run", pa.int32()), *RUNS_SCHEMA, ("n_rows", pa.int64())])
_PART_SCHEMA = pa.schema([("year", pa.int16()), ("area", pa.string()),
                          ("indicator", pa.string()), ("value", pa.float64())])
_CHUNK_SCHEMA = pa.schema([("run", pa.int32()), *_PART_SCHEMA])
STATUSES = ("ok", "failed")
# key of a run row saying that its worker has already written its parts (local worker
# processes write their own parts, so the parent only books runs as finished)
RESULTS_WRITTEN = "_results_written"
_CHUNK_RE = re.compile(r"^(\d{6})\.parquet$")
_PART_RE = re.compile(r"^(.+)\.(run|results)\.arrow$")
_TMP_RE = re.compile(r"^\..+\.[0-9a-f]{32}\.tmp$")


# ====================================================================== the manifest
def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of the store at `path`, checked for the shape readers rely on.

    `InputError` when there is none, when it is damaged, when it is not a westdev store's
    (no ``kind`` or ``schema_version``), or when another version of westdev wrote it.
    """
    manifest = _manifest_json(Path(path))
    _check_manifest(manifest, str(Path(path) / MANIFEST))
    return manifest


def _manifest_json(path: Path) -> dict[str, Any]:
    """The parsed manifest, checked only for being a westdev store's (kind, schema_version)."""
    file = path / MANIFEST
    if not file.exists() and not file.is_symlink():
        raise InputError("not a westdev results store (no manifest.json)", file=str(path),
                         allowed="a directory written by westdev run, compare, sweep or "
                         "sensitivity")
    manifest = load_json(file, what="manifest", remedy="the manifest.json westdev wrote "
                         "(re-run the batch into a new directory if it is lost)")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("kind"), str) or \
            not isinstance(manifest.get("schema_version"), int) or \
            isinstance(manifest.get("schema_version"), bool):
        raise InputError("this manifest.json is not a westdev store's (it has no 'kind' and "
                         "'schema_version')", file=str(file), field="kind",
                         allowed="a directory written by westdev run, compare, sweep or "
                         "sensitivity; westdev never writes into or deletes another "
                         "program's directory")
    return manifest


def _check_manifest(m: dict[str, Any], file: str) -> None:
    """`InputError` naming the first field of a hand-edited manifest that readers cannot use."""
    version = m["schema_version"]
    if version != SCHEMA_VERSION:
        older = version < SCHEMA_VERSION
        raise InputError(
            f"this store was written by {'an older' if older else 'a newer'} westdev (store "
            f"format {version}; this version reads format {SCHEMA_VERSION})", file=file,
            field="schema_version",
            allowed="re-run the command that made it with --overwrite (or into a new --out)"
            if older else "the westdev version that wrote it")
    if m["kind"] not in KINDS:
        raise InputError(f"unknown store kind {m['kind']!r}", file=file, field="kind",
                         allowed=" | ".join(KINDS))
    checks: list[tuple[str, Any, bool]] = [
        ("request", m.get("request"), isinstance(m.get("request"), dict)),
        ("root_seed", m.get("root_seed"), m.get("root_seed") is None
         or (isinstance(m.get("root_seed"), int) and not isinstance(m.get("root_seed"), bool))),
        ("goal_thresholds", m.get("goal_thresholds"), _is_thresholds(m.get("goal_thresholds"))),
        ("goal_thresholds_by_scenario", m.get("goal_thresholds_by_scenario"),
         m.get("goal_thresholds_by_scenario") is None
         or (isinstance(m.get("goal_thresholds_by_scenario"), dict)
             and all(_is_thresholds(v) for v in m["goal_thresholds_by_scenario"].values()))),
        ("experiment", m.get("experiment"), m.get("experiment") is None
         or isinstance(m.get("experiment"), dict)),
        ("files", m.get("files"), isinstance(m.get("files"), list)
         and all(isinstance(f, str) for f in m["files"])),
    ]
    for name, value, ok in checks:
        if not ok:
            raise InputError(f"'{name}' has the wrong shape ({type(value).__name__})",
                             file=file, field=name, allowed="the manifest westdev wrote")
    request = m["request"]
    for key in ("experiment", "scenarios"):
        if key in request and not isinstance(request[key], dict | list):
            raise InputError(f"'request.{key}' has the wrong shape", file=file,
                             field=f"request.{key}", allowed="the manifest westdev wrote")
    record_from_json(m.get("record"), file=file)


def _is_thresholds(value: Any) -> bool:
    return value is None or (isinstance(value, dict) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()))


def build_manifest(*, kind: str, request: Mapping[str, Any], root_seed: int,
                   goal_thresholds: Mapping[str, Any], record: Record = EVERYTHING,
                   extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Provenance of a store: versions, git commit, root seed, θ, time, the request, what runs
    record, and the files the store owns."""
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
        "record": record.to_json(),
        "files": [MANIFEST, *(f"{d}/" for d in OWN_DIRS)],
    }
    manifest.update(extra or {})
    return json.loads(json.dumps(manifest))


# ====================================================================== what is on disk
@dataclass
class _Chunk:
    """One committed chunk: its runs file, its results file and what its runs say."""

    number: int
    runs_file: Path
    results_file: Path
    runs: pd.DataFrame | None = None  # the runs file (internal columns)


@dataclass
class _Scan:
    """The store's files: committed chunks, orphan results, parts and leftover temporaries."""

    chunks: dict[int, _Chunk] = field(default_factory=dict)
    orphans: list[Path] = field(default_factory=list)  # results without their runs file
    run_parts: dict[str, Path] = field(default_factory=dict)  # stem → file
    result_parts: dict[str, Path] = field(default_factory=dict)
    temporaries: list[Path] = field(default_factory=list)

    @property
    def next_chunk(self) -> int:
        numbers = [*self.chunks, *(int(_CHUNK_RE.match(p.name).group(1)) for p in self.orphans)]
        return max(numbers, default=0) + 1


def _scan(path: Path) -> _Scan:
    scan = _Scan()
    listing = {d: sorted((path / d).iterdir()) if (path / d).is_dir() else [] for d in OWN_DIRS}
    results = {}
    for p in listing[RESULTS_DIR]:
        m = _CHUNK_RE.match(p.name)
        if m:
            results[int(m.group(1))] = p
        elif _TMP_RE.match(p.name):
            scan.temporaries.append(p)
    for p in listing[RUNS_DIR]:
        m = _CHUNK_RE.match(p.name)
        if m:
            n = int(m.group(1))
            scan.chunks[n] = _Chunk(n, p, path / RESULTS_DIR / p.name)
        elif _TMP_RE.match(p.name):
            scan.temporaries.append(p)
    scan.orphans = [p for n, p in sorted(results.items()) if n not in scan.chunks]
    for p in listing[PARTS]:
        m = _PART_RE.match(p.name)
        if m:
            (scan.run_parts if m.group(2) == "run" else scan.result_parts)[m.group(1)] = p
        elif _TMP_RE.match(p.name):
            scan.temporaries.append(p)
    return scan


class _State:
    """The runs of a store and where each one's rows are: a snapshot for readers.

    A run may appear in several places (a failed run retried later, or a part not yet deleted
    after its chunk was committed): the part wins over chunks, a later chunk over an earlier.
    """

    def __init__(self, path: Path, *, strict: bool = True) -> None:
        self.path = path
        self.scan = _scan(path)
        self.damaged: list[tuple[Path, str]] = []  # (file, reason): only when not strict
        frames = []
        for chunk in self.scan.chunks.values():
            df = self._read_runs_file(chunk.runs_file, strict)
            if df is None:
                continue
            chunk.runs = df
            frames.append(df.assign(_source=chunk.number))
        part_rows = []
        for stem, file in self.scan.run_parts.items():
            row = self._read_run_part(file, strict)
            if row is not None:
                row["_source"] = 0  # parts: the newest
                row["_stem"] = stem
                part_rows.append(row)
        if part_rows:
            frames.append(pd.DataFrame(part_rows))
        cols = [*_RUN_FILE_SCHEMA.names, "_source"]
        if frames:
            runs = pd.concat([f.reindex(columns=[*cols, "_stem"]) for f in frames],
                             ignore_index=True)
        else:
            runs = pd.DataFrame(columns=[*cols, "_stem"])
        order = runs["_source"].where(runs["_source"] != 0, np.inf)
        runs = runs.assign(_order=order).sort_values(["run_id", "_order"], kind="stable")
        runs = runs.drop_duplicates("run_id", keep="last").drop(columns="_order")
        self.runs = runs.sort_values("run_id", kind="stable").reset_index(drop=True)
        self.runs["run"] = self.runs["run"].fillna(-1).astype("int64")
        self.runs["n_rows"] = self.runs["n_rows"].fillna(0).astype("int64")

    # ------------------------------------------------------------------ reading the parts
    def _read_runs_file(self, file: Path, strict: bool) -> pd.DataFrame | None:
        try:
            table = pq.read_table(file)
            if set(_RUN_FILE_SCHEMA.names) - set(table.column_names):
                raise ValueError("columns are missing")
            return table.select(_RUN_FILE_SCHEMA.names).to_pandas()
        except Exception as exc:  # noqa: BLE001 - any damage is reported the same way
            return self._damage(file, exc, strict)

    def _read_run_part(self, file: Path, strict: bool) -> dict[str, Any] | None:
        try:
            rows = _read_ipc(file).to_pylist()
            if len(rows) != 1 or set(_RUN_FILE_SCHEMA.names) - set(rows[0]):
                raise ValueError("not one run row")
            return rows[0]
        except Exception as exc:  # noqa: BLE001
            return self._damage(file, exc, strict)

    def _damage(self, file: Path, exc: BaseException, strict: bool) -> None:
        if strict:
            raise damaged(file, exc)
        self.damaged.append((file, f"{type(exc).__name__}: {exc}"))
        return None

    # ------------------------------------------------------------------ where rows are
    @property
    def ok(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] == "ok"]

    def sources(self, keep: set[int] | None = None) -> tuple[list[tuple[_Chunk, set[int] | None]],
                                                            list[tuple[int, Path]]]:
        """(chunks with the runs whose rows to take from each: None for all of the chunk's
        ok runs, and the parts with their run) for the ok runs (in `keep` when given)."""
        ok = self.ok
        if keep is not None:
            ok = ok[ok["run"].isin(keep)]
        chunks = []
        for number, group in ok.groupby("_source", sort=True):
            if number == 0:
                continue
            chunk = self.scan.chunks[int(number)]
            mine = chunk.runs
            all_ok = mine[mine["status"] == "ok"]["run"]
            wanted = set(group["run"].astype(int))
            chunks.append((chunk, None if wanted == set(all_ok.astype(int)) else wanted))
        parts = []
        for run, stem in zip(ok.loc[ok["_source"] == 0, "run"],
                             ok.loc[ok["_source"] == 0, "_stem"], strict=True):
            file = self.scan.result_parts.get(stem)
            if file is None:
                raise damaged(self.scan.run_parts[stem], FileNotFoundError(
                    "its results part is missing"))
            parts.append((int(run), file))
        return chunks, parts

    def n_rows(self) -> int:
        """Rows of the ok runs, from the runs tables (no results file is read)."""
        return int(self.ok["n_rows"].sum())


def damaged(file: Path, exc: BaseException | str) -> InputError:
    """The one message for a store file that cannot be read: the file and the remedy."""
    reason = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    reason = reason.splitlines()[0][:200] if reason else "unreadable"
    return InputError(f"damaged results store file ({reason})", file=str(file), allowed=REMEDY)


# ====================================================================== reading
class ResultsStore:
    """An existing results store: `.runs`, `.select(...)`, `.results`, `.manifest`, `.path`.

    A snapshot: the files are scanned when first needed; `refresh()` scans again.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            raise InputError("not a westdev results store (not a directory)", file=str(path),
                             allowed="a directory written by westdev run, compare, sweep or "
                             "sensitivity")
        self.manifest: dict[str, Any] = read_manifest(self.path)
        self.record: Record = record_from_json(self.manifest.get("record"),
                                               file=str(self.path / MANIFEST))
        self._state: _State | None = None
        self._runs: pd.DataFrame | None = None

    # ------------------------------------------------------------------ runs
    def refresh(self) -> ResultsStore:
        """Forget the snapshot (a batch may have written more since)."""
        self._state, self._runs = None, None
        return self

    @property
    def state(self) -> _State:
        if self._state is None:
            self._state = _State(self.path)
        return self._state

    @property
    def runs(self) -> pd.DataFrame:
        """One row per run (inputs, status, error, wall time), sorted by run_id."""
        if self._runs is None:
            runs = self.state.runs
            df = runs[RUNS_SCHEMA.names].copy()
            for col, kind in (("replicate", "int64"), ("seed", "int64"), ("wall_s", "float64")):
                df[col] = df[col].astype(kind)
            self._runs = df.reset_index(drop=True)
        return self._runs

    @property
    def failed(self) -> pd.DataFrame:
        """The runs whose status is 'failed' (with their error text)."""
        runs = self.runs
        return runs[runs["status"] != "ok"]

    @property
    def n_rows(self) -> int:
        """Results rows of the successful runs (from the runs tables: nothing else is read)."""
        return self.state.n_rows()

    # ------------------------------------------------------------------ results
    @property
    def results(self) -> pd.DataFrame:
        """Every results row of the successful runs, with plain string columns (as stores
        have always given them), for stores of at most `RESULTS_MAX_ROWS` rows; larger ones
        raise `InputError` naming `select` (whose categorical columns take far less memory)."""
        n = self.n_rows
        if n > RESULTS_MAX_ROWS:
            raise InputError(
                f"the store holds {n:,} results rows, too many to load at once (at most "
                f"{RESULTS_MAX_ROWS:,})", file=str(self.path), field="results",
                allowed="store.select(indicators=[...], areas=[...], years=[...], runs=[...]) "
                "for the rows you need, or store.iter_select(...) chunk by chunk")
        return self.select(categorical=False)

    def select(self, indicators: Iterable[str] | str | None = None,
               areas: Iterable[str] | str | None = None,
               years: Iterable[int] | int | None = None,
               runs: Iterable[str] | str | None = None,
               scenarios: Iterable[str] | str | None = None, *,
               categorical: bool = True) -> pd.DataFrame:
        """The rows of the successful runs in the selection, as pandas.

        Each argument is a value or an iterable of values (None: no restriction); `runs` are
        run ids. Only the row groups that can hold selected rows are read. Columns
        ``run_id, scenario, replicate, seed, year, area, indicator, value``, sorted by run_id,
        year, area, indicator; run_id, scenario, area and indicator are categorical (a few
        bytes a row; ``categorical=False`` for plain strings). Asking for an indicator the
        store did not record raises `InputError` (see its ``record``).
        """
        sel = self._selection(indicators, areas, years, runs, scenarios)
        pieces = [t for group in self._groups(sel) for t in group]
        df = self._frame(pieces, sort=True)
        if not categorical:
            for col in ("run_id", "scenario", "area", "indicator"):
                df[col] = df[col].astype("str")
        return df

    def iter_select(self, indicators: Iterable[str] | str | None = None,
                    areas: Iterable[str] | str | None = None,
                    years: Iterable[int] | int | None = None,
                    runs: Iterable[str] | str | None = None,
                    scenarios: Iterable[str] | str | None = None,
                    rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
        """`select` in pieces of at least `rows` rows or a chunk's (each piece holds every
        selected row of the runs in it, sorted within the piece), for aggregates whose memory
        must not grow with the runs."""
        sel = self._selection(indicators, areas, years, runs, scenarios)
        batch: list[pa.Table] = []
        size = 0
        for group in self._groups(sel):
            batch += group
            size += sum(t.num_rows for t in group)
            if size >= rows:
                yield self._frame(batch, sort=True)
                batch, size = [], 0
        if batch:
            yield self._frame(batch, sort=True)

    def to_ema(self, outcomes: Sequence[str] | None = None,
               years: Sequence[int] | None = None) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        """(experiments, outcomes) in ema_workbench's layout, for its analyses (PRIM, CART,
        feature scoring): one experiments row per successful run — its design point (numbers
        as floats, choices as categoricals), scenario, replicate and seed — and for each
        outcome ("Area:indicator", default the experiment's outcomes, else the goal ratios) an
        array runs × years in the same run order (years: default every recorded year)."""
        exp = self.manifest.get("experiment") or {}
        outcomes = list(outcomes or exp.get("outcomes") or OUTCOMES)
        runs = self.runs[self.runs["status"] == "ok"].reset_index(drop=True)
        points = [json.loads(js or "{}").get("design_point", {}) for js in runs["inputs_json"]]
        experiments = pd.DataFrame(points, index=runs.index)
        experiments = experiments.drop(columns=[c for c in ("name",) if c in experiments])
        for col in experiments.columns:
            values = experiments[col]
            if values.map(lambda v: isinstance(v, bool | int | float)).all():
                experiments[col] = values.astype("float64")  # PRIM wants floats (EMA #448)
            else:
                experiments[col] = values.astype(str).astype("category")
        experiments["scenario"] = runs["scenario"].astype("category")
        experiments["replicate"] = runs["replicate"].to_numpy()
        experiments["seed"] = runs["seed"].to_numpy()
        experiments.insert(len(experiments.columns), "run_id", runs["run_id"])
        areas = sorted({o.split(":", 1)[0] for o in outcomes})
        indicators = sorted({o.split(":", 1)[1] for o in outcomes})
        df = self.select(indicators=indicators, areas=areas, years=years)
        df = df.assign(outcome=df["area"].astype(str) + ":" + df["indicator"].astype(str))
        all_years = sorted(int(y) for y in df["year"].unique())
        position = pd.Series(np.arange(len(runs)), index=runs["run_id"])
        out: dict[str, np.ndarray] = {}
        for outcome in outcomes:
            sub = df[df["outcome"] == outcome]
            arr = np.full((len(runs), len(all_years)), np.nan)
            if len(sub):
                rows = position.reindex(sub["run_id"].astype(str)).to_numpy()
                cols = np.searchsorted(all_years, sub["year"].to_numpy())
                arr[rows, cols] = sub["value"].to_numpy()
            out[outcome] = arr
        return experiments, out

    def add_files(self, names: Iterable[str]) -> None:
        """Record files an analysis wrote into the store (so that `overwrite` replaces them)."""
        names = [str(n) for n in names]
        with StoreLock(self.path):
            manifest = read_manifest(self.path)
            files = list(manifest.get("files", []))
            new = [n for n in names if n not in files]
            if new:
                manifest["files"] = files + new
                _write_json_atomic(manifest, self.path / MANIFEST)
                self.manifest = manifest

    def __repr__(self) -> str:
        kind = self.manifest.get("kind", "?")
        return f"ResultsStore({str(self.path)!r}, kind={kind!r}, runs={len(self.runs)})"

    # ------------------------------------------------------------------ internals
    def _selection(self, indicators: Any, areas: Any, years: Any, runs: Any,
                   scenarios: Any) -> _Selection:
        indicators, areas = _as_list(indicators), _as_list(areas)
        years = _as_list(years)
        missing = self.record.missing(indicators, areas)
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more"
                                              if len(missing) > 5 else "")
            raise InputError(
                f"this store did not record {shown}: its runs recorded the "
                f"{self.record.label} selection", file=str(self.path / MANIFEST),
                field="record", allowed='what it recorded (store.record), or run the batch '
                'again with [outputs] record = "all" (or the outcome added to '
                '[outputs] outcomes)')
        ok = self.state.ok
        keep: set[int] | None = None
        if runs is not None:
            ids = set(_as_list(runs) or [])
            keep = set(ok.loc[ok["run_id"].isin(ids), "run"].astype(int))
        if scenarios is not None:
            names = set(_as_list(scenarios) or [])
            mine = set(ok.loc[ok["scenario"].isin(names), "run"].astype(int))
            keep = mine if keep is None else keep & mine
        return _Selection(indicators, areas, None if years is None else
                          [int(y) for y in years], keep)

    def _groups(self, sel: _Selection) -> Iterator[list[pa.Table]]:
        """Arrow tables (run, year, area, indicator, value; strings dictionary-encoded) of the
        selected rows: one list per chunk (its row groups read), then one per part."""
        state = self.state
        chunks, parts = state.sources(sel.runs)
        for chunk, runs in chunks:
            if not chunk.results_file.is_file():
                raise damaged(chunk.results_file, "missing: the results of "
                              f"{chunk.runs_file.name}'s runs")
            wanted = runs if runs is not None else (sel.runs if sel.runs is not None else None)
            yield list(_read_chunk(chunk.results_file, sel, wanted))
        for run, file in parts:
            try:
                table = _read_ipc(file)
            except Exception as exc:  # noqa: BLE001
                raise damaged(file, exc) from None
            table = table.cast(_PART_SCHEMA)
            mask = sel.mask(table)
            if mask is not None:
                table = table.filter(mask)
            if table.num_rows:
                run_col = pa.array(np.full(table.num_rows, run, dtype=np.int32))
                table = pa.table([run_col, table.column("year"),
                                  pc.dictionary_encode(table.column("area")),
                                  pc.dictionary_encode(table.column("indicator")),
                                  table.column("value")], names=_CHUNK_SCHEMA.names)
                yield [table]

    def _frame(self, pieces: list[pa.Table], *, sort: bool) -> pd.DataFrame:
        """The pandas frame of `pieces` (run → run_id, scenario, replicate, seed); empties
        `pieces`, so that its Arrow tables are freed as soon as their columns are copied."""
        ok = self.state.ok
        run_ids = ok["run_id"].to_numpy(dtype=object)
        ok_runs = ok["run"].to_numpy(dtype=np.int64)
        # run integer → position among the ok runs (-1: not ok), as int32 to keep rows small
        lookup = np.full(int(ok_runs.max(initial=-1)) + 2, -1, dtype=np.int32)
        lookup[ok_runs] = np.arange(len(ok), dtype=np.int32)
        run = np.concatenate([p.column("run").to_numpy() for p in pieces]) if pieces else \
            np.zeros(0, np.int32)
        year = np.concatenate([p.column("year").to_numpy() for p in pieces]) if pieces else \
            np.zeros(0, np.int16)
        value = np.concatenate([p.column("value").to_numpy() for p in pieces]) if pieces else \
            np.zeros(0)
        area_codes, areas = _codes([p.column("area") for p in pieces])
        ind_codes, indicators = _codes([p.column("indicator") for p in pieces])
        pieces.clear()  # the Arrow tables are no longer needed: free them before sorting
        pa.default_memory_pool().release_unused()  # and give their memory back to the system
        # categories: only the areas and indicators selected (a row group's dictionary holds
        # every value of its file, and groupby over unused categories would multiply groups)
        area_codes, areas = _used(area_codes, areas)
        ind_codes, indicators = _used(ind_codes, indicators)
        pos = lookup[np.clip(run, -1, len(lookup) - 2)] if len(run) else np.zeros(0, np.int32)
        del run
        if sort and len(pos):
            order = np.lexsort((ind_codes, area_codes, year, pos))
            # one column at a time, so that each unsorted copy is freed before the next
            pos = pos[order]
            year = year[order]
            value = value[order]
            area_codes = area_codes[order]
            ind_codes = ind_codes[order]
            del order
        present = np.unique(pos)
        remap = np.full(len(ok) + 1, -1, dtype=np.int32)
        remap[present] = np.arange(len(present), dtype=np.int32)
        scen_codes, scen_names = pd.factorize(ok["scenario"].to_numpy(dtype=object)[present],
                                              sort=True)
        new = remap[pos]
        return pd.DataFrame({
            "run_id": pd.Categorical.from_codes(new, categories=pd.Index(
                run_ids[present], dtype=object)),
            "scenario": pd.Categorical.from_codes(scen_codes[new], categories=pd.Index(
                scen_names, dtype=object)),
            "replicate": ok["replicate"].to_numpy(dtype="int64")[present][new],
            "seed": ok["seed"].to_numpy(dtype="int64")[present][new],
            "year": year.astype("int64"),
            "area": pd.Categorical.from_codes(area_codes, categories=pd.Index(areas,
                                                                                dtype=object)),
            "indicator": pd.Categorical.from_codes(ind_codes, categories=pd.Index(
                indicators, dtype=object)),
            "value": value.astype("float64", copy=False),
        })


@dataclass(frozen=True)
class _Selection:
    indicators: list[str] | None
    areas: list[str] | None
    years: list[int] | None
    runs: set[int] | None  # run integers (None: every ok run)

    def mask(self, table: pa.Table) -> pa.Array | None:
        """The rows of `table` in the selection (None: all of them)."""
        conds = []
        for name, values, kind in (("indicator", self.indicators, pa.string()),
                                   ("area", self.areas, pa.string()),
                                   ("year", self.years, pa.int16())):
            if values is None:
                continue
            col = table.column(name)
            if pa.types.is_dictionary(col.type):
                col = col.cast(pa.string()) if name != "year" else col
            valid = [v for v in values if name != "year" or -2**15 <= v < 2**15]
            conds.append(pc.is_in(col, value_set=pa.array(valid, kind)))
        if self.runs is not None and "run" in table.column_names:
            conds.append(pc.is_in(table.column("run"),
                                  value_set=pa.array(sorted(self.runs), pa.int32())))
        if not conds:
            return None
        out = conds[0]
        for c in conds[1:]:
            out = pc.and_(out, c)
        return out

    def may_hold(self, stats: Mapping[str, tuple[Any, Any]]) -> bool:
        """Whether a row group with these (min, max) statistics can hold selected rows."""
        for name, values in (("indicator", self.indicators), ("area", self.areas),
                             ("year", self.years), ("run", self.runs)):
            if values is None or name not in stats:
                continue
            lo, hi = stats[name]
            if lo is None or hi is None:
                continue
            if not any(lo <= v <= hi for v in values):
                return False
        return True


def _read_chunk(file: Path, sel: _Selection, runs: set[int] | None) -> Iterator[pa.Table]:
    """The selected rows of one results file, row group by row group (skipping those whose
    statistics exclude the selection)."""
    sel = _Selection(sel.indicators, sel.areas, sel.years, runs)
    try:
        pf = pq.ParquetFile(file, read_dictionary=["area", "indicator"])
        meta = pf.metadata
        names = pf.schema_arrow.names
        if names != _CHUNK_SCHEMA.names:
            raise ValueError(f"columns {names}")
        for i in range(meta.num_row_groups):
            rg = meta.row_group(i)
            stats = {}
            for j, name in enumerate(names):
                st = rg.column(j).statistics
                if st is not None and st.has_min_max:
                    stats[name] = (st.min, st.max)
            if not sel.may_hold(stats):
                continue
            table = pf.read_row_group(i)
            mask = sel.mask(table)
            if mask is not None:
                table = table.filter(mask)
            if table.num_rows:
                yield table
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - truncated, garbage, wrong columns
        raise damaged(file, exc) from None


def _codes(columns: list[pa.ChunkedArray | pa.Array]) -> tuple[np.ndarray, list[str]]:
    """Codes into one sorted category list for dictionary-encoded string columns."""
    chunks = []
    for col in columns:
        chunks += col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    names: set[str] = set()
    for ch in chunks:
        names.update(ch.dictionary.to_pylist())
    cats = sorted(names)
    lookup = {n: i for i, n in enumerate(cats)}
    out = []
    for ch in chunks:
        mapping = np.array([lookup[n] for n in ch.dictionary.to_pylist()], dtype=np.int32)
        idx = ch.indices.to_numpy(zero_copy_only=False)
        out.append(mapping[idx] if len(mapping) else idx.astype(np.int32))
    return (np.concatenate(out) if out else np.zeros(0, np.int32)), cats


def _used(codes: np.ndarray, categories: list[str]) -> tuple[np.ndarray, list[str]]:
    """`codes` into the categories they use (still sorted)."""
    if not len(codes):
        return codes, []
    used = np.bincount(codes, minlength=len(categories)) > 0
    if used.all():
        return codes, categories
    remap = (np.cumsum(used) - 1).astype(np.int32)
    return remap[codes], [c for c, u in zip(categories, used, strict=True) if u]


def _as_list(values: Any) -> list | None:
    if values is None:
        return None
    if isinstance(values, str | int | np.integer):
        return [values]
    return list(values)


def read_runs(path: str | Path) -> pd.DataFrame:
    """The runs table of the store at `path` (interrupted stores too)."""
    return ResultsStore(path).runs


def read_results(path: str | Path, *, indicators: Any = None, areas: Any = None,
                 years: Any = None) -> pd.DataFrame:
    """`ResultsStore(path).select(indicators=..., areas=..., years=...)`."""
    return ResultsStore(path).select(indicators=indicators, areas=areas, years=years)


def results_digest(path: str | Path) -> str:
    """A digest of a store's sorted results (run_id, year, area, indicator, value...), read
    a batch of runs at a time: equal digests mean identical tables, however they were chunked."""
    store = ResultsStore(path)
    digest = hashlib.sha256()
    ok = store.state.ok
    per_run = max(1, int(ok["n_rows"].max())) if len(ok) else 1
    ids = list(ok["run_id"])
    step = max(1, CHUNK_ROWS // per_run)
    for i in range(0, len(ids), step):
        df = store.select(runs=ids[i:i + step])
        plain = df.astype({c: str for c in ("run_id", "scenario", "area", "indicator")})
        digest.update(pd.util.hash_pandas_object(plain, index=False).to_numpy().tobytes())
    return digest.hexdigest()


# ====================================================================== writing
def part_table(results: pd.DataFrame | pa.Table | None) -> pa.Table:
    """A run's results as a part (year, area, indicator, value)."""
    if isinstance(results, pa.Table):
        return results.cast(_PART_SCHEMA)
    df = results if results is not None else pd.DataFrame(columns=_PART_SCHEMA.names)
    return pa.table({
        "year": pa.array(np.asarray(df["year"], dtype=np.int64).astype(np.int16)),
        "area": pa.array(df["area"], pa.string()),
        "indicator": pa.array(df["indicator"], pa.string()),
        "value": pa.array(np.asarray(df["value"], dtype=np.float64)),
    }, schema=_PART_SCHEMA)


def write_run_parts(parts: Path, run: Mapping[str, Any],
                    results: pd.DataFrame | pa.Table | None) -> None:
    """Store one finished run in the parts folder: its results part (if ok) first, then its
    runs part, which marks the run as finished (a crash between the two leaves an orphan
    results part that readers ignore and a resume deletes).

    Called by the parent's `StoreWriter.write_run`, or by a local worker process before it
    reports the run (the parent then only books it)."""
    row = {name: run.get(name) for name in _RUN_FILE_SCHEMA.names if name != "n_rows"}
    if row["status"] not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {row['status']!r}")
    stem = part_stem(str(row["run_id"]))
    result_part = Path(parts) / f"{stem}.results.arrow"
    n_rows = 0
    if row["status"] == "ok":
        table = part_table(results)
        n_rows = table.num_rows
        _write_ipc_atomic(table, result_part)
    elif result_part.exists():
        result_part.unlink()
    row["n_rows"] = n_rows
    _write_ipc_atomic(pa.Table.from_pylist([row], schema=_RUN_FILE_SCHEMA),
                      Path(parts) / f"{stem}.run.arrow")


class StoreWriter:
    """Writes one store: opened (new, resumed or replaced) under its lock, fed finished runs,
    compacted as it goes, consolidated."""

    def __init__(self, path: Path, manifest: dict[str, Any], finished: set[str],
                 lock: StoreLock, run_index: Mapping[str, int], next_chunk: int,
                 pending: Mapping[str, int] | None = None) -> None:
        self.path = path
        self.manifest = manifest
        self.finished = finished  # run_ids with status 'ok' and their rows on disk
        self.lock = lock
        self.run_index = dict(run_index)  # run_id → its integer
        self._next_index = max(self.run_index.values(), default=-1) + 1
        self.next_chunk = next_chunk
        # runs booked (their parts on disk) but not yet in a chunk: run_id → results rows
        self.pending: dict[str, int] = dict(pending or {})
        self.pending_rows = sum(self.pending.values())

    def index(self, run_id: str) -> int:
        """The integer of a run (its rank in the batch; new ids get the next free one)."""
        if run_id not in self.run_index:
            self.run_index[run_id] = self._next_index
            self._next_index += 1
        return self.run_index[run_id]

    @classmethod
    def open(cls, path: str | Path, *, kind: str, request: Mapping[str, Any], root_seed: int,
             goal_thresholds: Mapping[str, Any], overwrite: bool = False,
             extra: Mapping[str, Any] | None = None, record: Record = EVERYTHING,
             run_ids: Sequence[str] | None = None) -> StoreWriter:
        """Apply the output-directory rule under the store's lock and return a writer.

        `request` is the canonical description of what was asked (JSON-serialisable); an
        existing store resumes only if its request and kind are equal to these. `run_ids` are
        the batch's runs (their rank is each run's integer). Nothing is created or deleted when
        the request is refused.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        path = Path(path)
        request = json.loads(json.dumps(request, sort_keys=True))
        if path.exists() and not path.is_dir():
            raise InputError("exists and is not a directory", file=str(path),
                             allowed="a new directory or an existing results store")
        if path.is_dir():
            _check_is_store_or_empty(path)
        created = _make_dir(path)
        lock = StoreLock(path)
        try:
            lock.acquire()
        except InputError:
            _undo(created)
            raise
        try:
            writer = cls._open_locked(path, lock, kind=kind, request=request,
                                      root_seed=root_seed, goal_thresholds=goal_thresholds,
                                      overwrite=overwrite, extra=extra, record=record,
                                      run_ids=run_ids)
        except BaseException:
            lock.release()
            _undo(created)
            raise
        return writer

    @classmethod
    def _open_locked(cls, path: Path, lock: StoreLock, *, kind: str, request: dict[str, Any],
                     root_seed: int, goal_thresholds: Mapping[str, Any], overwrite: bool,
                     extra: Mapping[str, Any] | None, record: Record,
                     run_ids: Sequence[str] | None) -> StoreWriter:
        index = {rid: i for i, rid in enumerate(sorted(run_ids or []))}
        _check_is_store_or_empty(path)  # again, now that no other writer can change it
        if (path / MANIFEST).exists():
            old = _manifest_json(path)
            if overwrite:
                remove_store_files(path, old)
            else:
                _check_manifest(old, str(path / MANIFEST))
                diff = first_difference({"kind": old.get("kind"), "request": old["request"]},
                                         {"kind": kind, "request": request})
                if diff is not None:
                    where, had, wants = diff
                    raise InputError(
                        f"the existing results store was made for another request: {where} "
                        f"is {had} there but {wants} now", file=str(path / MANIFEST),
                        field=where, allowed="the same request (to resume), --overwrite (to "
                        "replace it) or another --out")
                finished, next_chunk, known, pending = _recover(path)
                for rid, i in known.items():
                    if index and index.get(rid, i) != i:
                        raise InputError(f"run {rid!r} has the integer {i} in this store but "
                                         f"{index[rid]} in the request", file=str(path),
                                         field="runs", allowed="--overwrite or another --out")
                return cls(path, old, finished, lock, {**known, **index}, next_chunk, pending)
        manifest = build_manifest(kind=kind, request=request, root_seed=root_seed,
                                  goal_thresholds=goal_thresholds, record=record, extra=extra)
        try:
            _write_json_atomic(manifest, path / MANIFEST)
        except OSError as exc:
            raise InputError(f"cannot write the results store here: {exc.strerror or exc}",
                             file=str(path), allowed="a directory you can write to") from None
        return cls(path, manifest, set(), lock, index, 1)

    # ------------------------------------------------------------------ runs
    def write_run(self, run: Mapping[str, Any],
                  results: pd.DataFrame | pa.Table | None = None) -> None:
        """Store one finished run (its parts, unless its worker wrote them) and compact the
        parts into a chunk once they hold `CHUNK_ROWS` rows."""
        parts = self.path / PARTS
        parts.mkdir(exist_ok=True)
        run = dict(run)
        run["run"] = self.index(str(run["run_id"]))
        stem = part_stem(str(run["run_id"]))
        if run.get(RESULTS_WRITTEN):  # a local worker wrote both parts, in this order
            if not (parts / f"{stem}.run.arrow").exists():
                raise ValueError(f"run {run['run_id']!r}: its worker wrote no runs part")
            n_rows = int(run.get("n_rows") or 0)
        else:
            write_run_parts(parts, run, results)
            n_rows = 0 if results is None else len(results)
        if run["status"] == "ok":
            self.finished.add(str(run["run_id"]))
        else:
            self.finished.discard(str(run["run_id"]))
        self.pending_rows += n_rows - self.pending.get(str(run["run_id"]), 0)
        self.pending[str(run["run_id"])] = n_rows
        if self.pending_rows >= CHUNK_ROWS or len(self.pending) >= CHUNK_RUNS:
            self.compact()

    def compact(self) -> None:
        """Move the booked runs' parts into the next chunk: results file, then runs file (the
        commit), then delete the parts."""
        if not self.pending:
            return
        parts = self.path / PARTS
        run_rows, tables = [], []
        for run_id in sorted(self.pending):
            stem = part_stem(run_id)
            row = _read_ipc(parts / f"{stem}.run.arrow").to_pylist()[0]
            row["run"] = self.index(run_id)
            if row["status"] == "ok":
                table = _read_ipc(parts / f"{stem}.results.arrow").cast(_PART_SCHEMA)
                if table.num_rows != row["n_rows"]:
                    raise ValueError(f"run {run_id!r}: its part holds {table.num_rows} rows, "
                                     f"not {row['n_rows']}")
                if table.num_rows:
                    run_col = pa.array(np.full(table.num_rows, row["run"], dtype=np.int32))
                    tables.append(pa.table([run_col, *table.columns],
                                           names=_CHUNK_SCHEMA.names))
            run_rows.append(row)
        number = self.next_chunk
        name = f"{number:06d}.parquet"
        (self.path / RESULTS_DIR).mkdir(exist_ok=True)
        (self.path / RUNS_DIR).mkdir(exist_ok=True)
        results = pa.concat_tables(tables) if tables else _CHUNK_SCHEMA.empty_table()
        _write_chunk(_sorted_chunk(results), self.path / RESULTS_DIR / name)
        runs = pa.Table.from_pylist(run_rows, schema=_RUN_FILE_SCHEMA)
        _write_parquet_atomic(runs, self.path / RUNS_DIR / name)
        for run_id in self.pending:
            stem = part_stem(run_id)
            for suffix in (".results.arrow", ".run.arrow"):
                (parts / f"{stem}{suffix}").unlink(missing_ok=True)
        self.next_chunk += 1
        self.pending, self.pending_rows = {}, 0

    def consolidate(self) -> ResultsStore:
        """Compact what is left, drop the parts folder, update the manifest, release the
        lock and return the store."""
        try:
            self.compact()
            parts_dir = self.path / PARTS
            if parts_dir.is_dir():
                for p in parts_dir.iterdir():  # what crashes left: never booked
                    if _PART_RE.match(p.name) or _TMP_RE.match(p.name):
                        p.unlink(missing_ok=True)
                if not any(parts_dir.iterdir()):
                    parts_dir.rmdir()
            store = ResultsStore(self.path)
            runs = store.runs
            self.manifest["updated"] = _now()
            self.manifest["n_runs"] = int(len(runs))
            self.manifest["n_failed"] = int((runs["status"] != "ok").sum())
            self.manifest["n_rows"] = store.n_rows
            _write_json_atomic(self.manifest, self.path / MANIFEST)
            return ResultsStore(self.path)
        finally:
            self.close()

    def close(self) -> None:
        """Release the store's lock (what was written stays)."""
        self.lock.release()


def _sorted_chunk(table: pa.Table) -> pa.Table:
    """Rows sorted by indicator, area, year, run (what lets readers skip row groups)."""
    if table.num_rows == 0:
        return table
    ind_codes, _ = pd.factorize(table.column("indicator").to_numpy(zero_copy_only=False),
                                sort=True)
    area_codes, _ = pd.factorize(table.column("area").to_numpy(zero_copy_only=False),
                                 sort=True)
    order = np.lexsort((table.column("run").to_numpy(), table.column("year").to_numpy(),
                        area_codes, ind_codes))
    return table.take(pa.array(order))


def _write_chunk(table: pa.Table, target: Path) -> None:
    tmp = _tmp_name(target)
    try:
        pq.write_table(table, tmp, row_group_size=ROW_GROUP, compression="zstd",
                       use_dictionary=["area", "indicator"],
                       column_encoding={"run": "DELTA_BINARY_PACKED",
                                        "year": "DELTA_BINARY_PACKED",
                                        "value": "BYTE_STREAM_SPLIT"},
                       write_statistics=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _recover(path: Path) -> tuple[set[str], int, dict[str, int], dict[str, int]]:
    """Before a resume: delete temporaries, orphans and damaged files (their runs run again).

    Returns the ok runs whose rows are all there, the next chunk number, every known run's
    integer, and the runs whose parts wait for a chunk (run_id → rows)."""
    state = _State(path, strict=False)
    scan = state.scan
    drop: list[Path] = [*scan.temporaries, *scan.orphans, *(f for f, _ in state.damaged)]
    bad_chunks = set()
    for number, chunk in scan.chunks.items():
        if chunk.runs is None:  # its runs file is damaged
            bad_chunks.add(number)
            continue
        expected = int(chunk.runs.loc[chunk.runs["status"] == "ok", "n_rows"].sum())
        try:
            have = pq.ParquetFile(chunk.results_file).metadata.num_rows
        except Exception:  # noqa: BLE001 - missing, truncated, garbage
            have = None
        if have != expected:
            bad_chunks.add(number)
    for number in bad_chunks:
        drop += [scan.chunks[number].runs_file, scan.chunks[number].results_file]
    for stem, file in scan.result_parts.items():
        if stem not in scan.run_parts:
            drop.append(file)  # an orphan: its run never finished
    for stem, file in scan.run_parts.items():
        if any(f == file for f, _ in state.damaged):
            drop.append(scan.result_parts.get(stem, file))
            continue
        row = state.runs[state.runs["_stem"] == stem]
        if row.empty or row["status"].iloc[0] != "ok":
            continue
        part = scan.result_parts.get(stem)
        try:
            rows = _read_ipc(part).num_rows if part is not None else None
        except Exception:  # noqa: BLE001
            rows = None
        if rows != int(row["n_rows"].iloc[0]):
            drop += [file] + ([part] if part is not None else [])
    for file in drop:
        file.unlink(missing_ok=True)
    state = _State(path, strict=True)
    finished = set(state.ok["run_id"])
    known = {str(r): int(i) for r, i in zip(state.runs["run_id"], state.runs["run"],
                                            strict=True)}
    in_parts = state.runs[state.runs["_source"] == 0]
    pending = {str(r): int(n) for r, n in zip(in_parts["run_id"], in_parts["n_rows"],
                                              strict=True)}
    return finished, max(scan.next_chunk, state.scan.next_chunk), known, pending


# ====================================================================== owned files
def _check_is_store_or_empty(path: Path) -> None:
    """`InputError` unless `path` is a westdev store (manifest with kind and schema_version)
    or empty (a lock file left by a writer that had not yet written its manifest counts as
    empty)."""
    if (path / MANIFEST).exists() or (path / MANIFEST).is_symlink():
        _manifest_json(path)
        return
    try:
        entries = [p.name for p in path.iterdir()]
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", file=str(path),
                         allowed="a directory you can read and write") from None
    if [e for e in entries if e != LOCK]:
        raise InputError("exists, is not empty and is not a westdev results store (no "
                         "manifest.json)", file=str(path),
                         allowed="a new or empty directory, or an existing results store")


def owned_files(path: Path, manifest: Mapping[str, Any]) -> list[Path]:
    """The files a store wrote: those its manifest lists, and in the folders it lists only
    westdev's own file names (chunks, parts, temporaries). Schema 1 stores had a fixed set."""
    listed = list(manifest.get("files") or [])
    if manifest.get("schema_version") == 1:
        listed = [MANIFEST, *V1_FILES, "parts/", "goal_ratios.png", "goal_ratios.pdf",
                  "sensitivity.parquet", "sensitivity.csv", "noise_share.csv"]
    out: list[Path] = []
    for name in listed:
        if not isinstance(name, str) or ".." in Path(name).parts or Path(name).is_absolute():
            continue  # a hand-edited list never reaches outside the store
        if name.endswith("/"):
            folder = path / name.rstrip("/")
            if folder.is_dir() and not folder.is_symlink():
                out += [p for p in folder.iterdir() if p.is_file() and not p.is_symlink()
                        and (_CHUNK_RE.match(p.name) or _PART_RE.match(p.name)
                             or _TMP_RE.match(p.name) or p.name.endswith(".parquet")
                             and manifest.get("schema_version") == 1)]
        else:
            file = path / name
            if file.is_file() or file.is_symlink():
                out.append(file)
    for p in path.iterdir():
        if _TMP_RE.match(p.name):
            out.append(p)
    return out


def remove_store_files(path: Path, manifest: Mapping[str, Any] | None = None) -> None:
    """Delete what the store at `path` wrote (`owned_files`), then its folders if they are
    empty; the directory and every other file in it stay."""
    manifest = manifest if manifest is not None else _manifest_json(path)
    try:
        files = owned_files(path, manifest)
        manifest_file = path / MANIFEST
        for f in files:
            if f != manifest_file:
                f.unlink(missing_ok=True)
        manifest_file.unlink(missing_ok=True)  # last: until then it is still a store
        for d in OWN_DIRS:
            folder = path / d
            if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
                folder.rmdir()
    except OSError as exc:
        raise InputError(f"cannot remove the old results store: {exc.strerror or exc}",
                         file=str(path), allowed="a directory you can write to") from None


def _make_dir(path: Path) -> Path | None:
    """Create `path` (and parents); return the first directory created (None if it existed)."""
    first_new = None
    for p in [path, *path.parents]:
        if p.exists():
            break
        first_new = p
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _undo(first_new)
        raise InputError(f"cannot write the results store here: {exc.strerror or exc}",
                         file=str(path), allowed="a directory you can write to") from None
    return first_new


def _undo(created: Path | None) -> None:
    """Remove the directories `_make_dir` created (they hold nothing of anybody else's)."""
    if created is not None and created.exists():
        shutil.rmtree(created, ignore_errors=True)


# ====================================================================== helpers
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


def part_stem(run_id: str) -> str:
    """The file-name stem of a run's parts: its id made safe, and a hash that keeps it unique."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)[:80]
    return f"{safe}-{hashlib.sha1(run_id.encode('utf-8')).hexdigest()[:10]}"


def _tmp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")


def _read_ipc(file: Path) -> pa.Table:
    with pa.memory_map(str(file)) as source:
        return pa.ipc.open_file(source).read_all()


def _write_ipc_atomic(table: pa.Table, target: Path) -> None:
    tmp = _tmp_name(target)
    try:
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _write_parquet_atomic(table: pa.Table, target: Path) -> None:
    tmp = _tmp_name(target)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _write_json_atomic(data: Mapping[str, Any], target: Path) -> None:
    tmp = _tmp_name(target)
    try:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


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
    tmp = _tmp_name(target)
    try:
        if target.suffix == ".csv":
            df.to_csv(tmp, index=False)
        else:
            df.to_parquet(tmp, index=False)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target

