"""Inputs and stores that cannot be turned against their user (issue 19): one test per family.

Each bad input exits 2 with one line naming the file and the field, no traceback, nothing
written and nothing deleted. Runs use the fake simulate (tests/fakes.py), serial backend.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import fakes
import pytest

import westdev.economy.simulate
import westdev.experiments.runner as runner_mod
from westdev.cli import main
from westdev.experiments.lock import StoreLock

TESTS = Path(__file__).resolve().parents[1]

FAST = ["--backend", "serial", "--resolution", "small", "--quiet"]
pytestmark = pytest.mark.usefixtures("fake_simulate")


def one_error(capsys, *needles: str) -> str:
    """The single stderr line of an exit-2 command, checked for `needles`."""
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("westdev: error: ") and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err
    return err


def tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file()}


# ---------------------------------------------------------------------- nothing is executed
def test_rerun_never_imports_code_a_manifest_names(tmp_path, short, capsys):
    out = tmp_path / "s"
    assert main(["run", str(short), "--out", str(out), "--replicates", "1", *FAST]) == 0
    capsys.readouterr()
    marker = tmp_path / "pwned"
    (tmp_path / "evil_mod.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\ndef run(*a, **k): pass\n")
    sys.path.insert(0, str(tmp_path))
    try:
        manifest = json.loads((out / "manifest.json").read_text())
        manifest["request"]["simulate"] = "evil_mod:run"
        (out / "manifest.json").write_text(json.dumps(manifest))
        before = tree(out)
        assert main(["rerun", str(out / "manifest.json"), "--out", str(tmp_path / "again"),
                     "--quiet"]) == 2
        one_error(capsys, "field 'request.simulate'", "evil_mod:run", "does not import code",
                  "--simulate")
        assert main(["rerun", str(out), "--simulate", "nope", "--quiet"]) == 2
        one_error(capsys, "field '--simulate'", "westdev.simulate")
        assert not marker.exists() and "evil_mod" not in sys.modules
        assert tree(out) == before and not (tmp_path / "again").exists()
    finally:
        sys.path.remove(str(tmp_path))


def test_python_code_may_still_name_its_run_function(tmp_path):
    import westdev.api as wd

    spec = {"experiment": {"name": "lin", "scenario": "baseline"},
            "run": {"end_year": 2021, "resolution": "small"},
            "grid": {"levers.fiscal.west_transfer_coefficient": [1.0, 1.2]}}
    sys.path.insert(0, str(TESTS / "batch"))
    store = wd.sweep(spec, out=tmp_path / "s", backend="serial", progress=False,
                     simulate="batch_fakes:linear")
    with pytest.raises(Exception, match="does not import code"):
        wd.rerun(store.path, backend="serial", progress=False)
    again = wd.rerun(store.path, out=tmp_path / "again", backend="serial", progress=False,
                     simulate="batch_fakes:linear")
    assert len(again.runs) == 2


# ---------------------------------------------------------------------- a store's own files
def test_overwrite_never_touches_a_directory_that_is_not_a_store(tmp_path, short, capsys):
    web = tmp_path / "web"
    (web / "src").mkdir(parents=True)
    (web / "src" / "index.js").write_text("app")
    (web / "manifest.json").write_text(json.dumps({"name": "app", "request": {"x": 1}}))
    before = tree(web)
    assert main(["run", str(short), "--out", str(web), "--overwrite", *FAST]) == 2
    one_error(capsys, str(web / "manifest.json"), "not a westdev store")
    assert tree(web) == before


def test_overwrite_from_inside_a_store_keeps_cwd_and_user_files(tmp_path, short, capsys,
                                                                monkeypatch):
    out = tmp_path / "s"
    assert main(["run", str(short), "--out", str(out), "--replicates", "1", *FAST]) == 0
    (out / "notes.txt").write_text("mine")
    monkeypatch.chdir(out)
    assert main(["run", str(short), "--out", ".", "--replicates", "2", "--overwrite",
                 *FAST]) == 0
    assert "2 of 2 runs ok" in capsys.readouterr().out
    assert (out / "notes.txt").read_text() == "mine" and Path.cwd() == out


def test_report_never_replaces_a_users_file(tmp_path, short, capsys):
    out = tmp_path / "s"
    assert main(["run", str(short), "--out", str(out), "--replicates", "1", *FAST]) == 0
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md").write_text("my own report")
    assert main(["report", str(out), "--out", str(mine), "--formats", "png"]) == 2
    one_error(capsys, str(mine / "report.md"), "not written by westdev report")
    assert (mine / "report.md").read_text() == "my own report"
    assert sorted(p.name for p in mine.iterdir()) == ["report.md"]


# ---------------------------------------------------------------------- one writer
def test_a_second_writer_is_told_who_holds_the_store(tmp_path, short, capsys):
    out = tmp_path / "s"
    out.mkdir()
    with StoreLock(out):  # another batch writing it
        assert main(["run", str(short), "--out", str(out), *FAST]) == 2
    one_error(capsys, str(out), "another westdev batch is writing this store",
              f"process {os.getpid()}")
    assert sorted(p.name for p in out.iterdir()) == []  # the lock is gone with its holder


def test_two_batches_at_once_into_one_out_never_mix(tmp_path, short, capsys, monkeypatch):
    """The first holds the store while it runs; the second is refused with exit 2."""
    out = tmp_path / "s"
    started, release = threading.Event(), threading.Event()

    def slow(scenario, parameters=None, seed=0, *, resolution=None):
        started.set()
        release.wait(30)
        return fakes.simulate(scenario, parameters, seed, resolution=resolution)

    monkeypatch.setattr(westdev.economy.simulate, "simulate", slow)
    codes = []
    first = threading.Thread(target=lambda: codes.append(
        main(["run", str(short), "--out", str(out), "--replicates", "1", *FAST])))
    first.start()
    assert started.wait(30)
    other = tmp_path / "other.toml"
    other.write_text('[meta]\nname = "other"\nextends = "baseline"\n[run]\nend_year = 2021\n')
    assert main(["run", str(other), "--out", str(out), *FAST]) == 2
    one_error(capsys, "another westdev batch is writing this store")
    release.set()
    first.join(30)
    assert codes == [0]
    assert set(json.loads((out / "manifest.json").read_text())["request"]["scenarios"][0]
               ["name"] for _ in [0]) == {"short"}


def test_resume_after_the_results_were_deleted_reruns_them(tmp_path, short, capsys):
    out = tmp_path / "s"
    argv = ["run", str(short), "--out", str(out), "--replicates", "2", *FAST]
    assert main(argv) == 0
    for f in (out / "results").iterdir():
        f.unlink()
    capsys.readouterr()
    assert main(["report", str(out), "--out", str(tmp_path / "r")]) == 2
    one_error(capsys, "damaged results store file", "run the same command again")
    assert main(argv) == 0
    assert "2 of 2 runs ok" in capsys.readouterr().out
    from westdev.experiments.store import ResultsStore

    assert ResultsStore(out).n_rows > 0 and len(ResultsStore(out).results) > 0


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_damaged_stores_are_named_with_the_remedy(tmp_path, short, capsys, damage):
    out = tmp_path / "s"
    assert main(["run", str(short), "--out", str(out), "--replicates", "1", *FAST]) == 0
    capsys.readouterr()
    chunk = next((out / "results").iterdir())
    if damage is None:  # truncated
        chunk.write_bytes(chunk.read_bytes()[:100])
    else:
        chunk.write_bytes(damage)
    assert main(["report", str(out), "--out", str(tmp_path / "r")]) == 2
    one_error(capsys, str(chunk), "run the same command again")
    (out / "manifest.json").write_text('{"kind": "run", "schema_version": 2, "request": 7}')
    assert main(["rerun", str(out), "--quiet"]) == 2
    one_error(capsys, "field 'request'", "manifest.json")


# ---------------------------------------------------------------------- bounded, strict input
def test_a_key_given_twice_names_both_places(tmp_path, capsys):
    bad = tmp_path / "twice.toml"
    bad.write_text('[levers]\n"fiscal.cit_rate_encouraged_west" = 0.2\n'
                   '[levers.fiscal]\ncit_rate_encouraged_west = 0.15\n')
    assert main(["validate", str(bad)]) == 2
    one_error(capsys, "field 'levers.fiscal.cit_rate_encouraged_west'", "given twice",
              '[levers] "fiscal.cit_rate_encouraged_west"', "[levers.fiscal]")
    bad.write_text('[parameters]\n"migration.income_weight" = 2.0\n'
                   '[parameters.migration]\nincome_weight = 2.5\n')
    assert main(["validate", str(bad)]) == 2
    one_error(capsys, "field 'parameters.migration.income_weight'", "given twice")
    exp = tmp_path / "exp.toml"
    exp.write_text('[experiment]\nscenario = "baseline"\n[grid]\n'
                   '"levers.fiscal.cit_rate_encouraged_west" = [0.15]\n'
                   '"fiscal.cit_rate_encouraged_west" = [0.2]\n')
    assert main(["sweep", str(exp), "--out", str(tmp_path / "o")]) == 2
    one_error(capsys, "given twice", "grid.levers.fiscal.cit_rate_encouraged_west",
              "grid.fiscal.cit_rate_encouraged_west")
    assert not (tmp_path / "o").exists()


def test_an_unknown_outcome_is_refused_before_any_run(tmp_path, capsys):
    exp = tmp_path / "exp.toml"
    exp.write_text('[experiment]\nscenario = "baseline"\n[run]\nend_year = 2021\n'
                   '[outputs]\noutcomes = ["West:west_east_ratio_incme"]\n'
                   '[sample]\nmethod = "morris"\nn = 2\n'
                   '[factors."levers.fiscal.cit_rate_encouraged_west"]\nrange = [0.15, 0.25]\n')
    assert main(["sensitivity", str(exp), "--out", str(tmp_path / "o")]) == 2
    one_error(capsys, "field 'outputs.outcomes[0]'", "did you mean 'west_east_ratio_income'")
    exp.write_text(exp.read_text().replace("West:west_east_ratio_incme", "China:goal_2035_met"))
    assert main(["sensitivity", str(exp), "--out", str(tmp_path / "o")]) == 2
    one_error(capsys, "recorded for West only")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("text", [
    "[run]\nend_year = " + "[" * 5000 + "]" * 5000,
    "x = " + "{a = " * 3000 + "1" + "}" * 3000,
    "[" + ".".join(["k"] * 3000) + "]\nx = 1",
])
def test_toml_nested_thousands_deep(tmp_path, capsys, text):
    bad = tmp_path / "deep.toml"
    bad.write_text(text)
    assert main(["validate", str(bad)]) == 2
    one_error(capsys, str(bad), "nested more than 32 levels deep")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_devices_fifos_and_huge_files_are_refused_without_reading(tmp_path, capsys):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    start = time.monotonic()
    assert main(["validate", str(fifo)]) == 2  # never blocks waiting for a writer
    one_error(capsys, str(fifo), "not a regular file")
    if Path("/dev/zero").exists():
        assert main(["validate", "/dev/zero"]) == 2
        one_error(capsys, "/dev/zero", "not a regular file")
    big = tmp_path / "big.toml"
    with big.open("wb") as fh:
        fh.truncate(5 * 2**20)  # sparse: 5 MB of zeros, over the 4 MB limit
    assert main(["validate", str(big)]) == 2
    one_error(capsys, "larger than 4 MB")
    csv_fifo = tmp_path / "path.csv"
    os.mkfifo(csv_fifo)
    scen = tmp_path / "s.toml"
    scen.write_text('[exogenous]\nworld_demand_growth = "path.csv"\n')
    assert main(["validate", str(scen)]) == 2
    one_error(capsys, "field 'exogenous.world_demand_growth'", "not a regular file")
    assert time.monotonic() - start < 20


def test_a_byte_order_mark_is_accepted(tmp_path, capsys):
    scen = tmp_path / "bom.toml"
    scen.write_bytes(b"\xef\xbb\xbf[meta]\nname = \"bom\"\n[run]\nend_year = 2030\n")
    assert main(["validate", str(scen)]) == 0
    assert "ok:" in capsys.readouterr().out


def test_control_characters_in_keys_are_escaped(tmp_path, capsys):
    scen = tmp_path / "ctl.toml"
    scen.write_text('[levers.fiscal]\n"cit\\u001b[2J\\rrate" = 0.2\n')
    assert main(["validate", str(scen)]) == 2
    err = one_error(capsys, "\\x1b[2J\\x0drate")
    assert "\x1b" not in err and "\r" not in err


def test_run_counts_over_the_ceiling_are_refused_before_planning(tmp_path, capsys):
    start = time.monotonic()
    assert main(["run", "baseline", "--replicates", "1000000000", "--out",
                 str(tmp_path / "o"), *FAST]) == 2
    one_error(capsys, "field 'replicates'", "1,000,000,000 runs", "--max-runs")
    exp = tmp_path / "huge.toml"
    values = ", ".join(str(round(0.15 + i * 0.0001, 4)) for i in range(1000))
    exp.write_text('[experiment]\nscenario = "baseline"\n[run]\nend_year = 2020\n[grid]\n'
                   f'"levers.fiscal.cit_rate_encouraged_west" = [{values}]\n'
                   f'"levers.fiscal.west_transfer_coefficient" = {{range = [1.0, 1.3], '
                   f'steps = 1000}}\n"parameters.migration.income_weight" = '
                   '{range = [1.5, 3.0], steps = 1000000}\n')
    assert main(["sweep", str(exp), "--out", str(tmp_path / "o"), "--dry-run"]) == 2
    one_error(capsys, "1,000,000,000,000 runs is more than the limit of 10,000,000")
    assert time.monotonic() - start < 30  # nothing was materialised
    assert not (tmp_path / "o").exists()


def test_a_dry_run_counts_a_large_design_without_drawing_it(tmp_path, capsys):
    exp = tmp_path / "sobol.toml"
    factors = "".join(f'[factors."levers.{n}"]\nrange = [{lo}, {hi}]\n' for n, lo, hi in (
        ("fiscal.cit_rate_encouraged_west", 0.15, 0.25),
        ("fiscal.west_transfer_coefficient", 1.0, 1.3)))
    exp.write_text('[experiment]\nscenario = "baseline"\n[run]\nend_year = 2020\n'
                   '[sample]\nmethod = "sobol"\nn = 1048576\n' + factors)
    start = time.monotonic()
    assert main(["sweep", str(exp), "--out", str(tmp_path / "o"), "--dry-run"]) == 0
    assert "runs: 4194304 = 4194304 points" in capsys.readouterr().out
    assert time.monotonic() - start < 30 and not (tmp_path / "o").exists()


def test_an_unreachable_scheduler_creates_nothing(tmp_path, short, capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(runner_mod, "DASK_CONNECT_TIMEOUT", "1s")
    out = tmp_path / "deep" / "store"
    assert main(["run", str(short), "--out", str(out), "--backend", "dask", "--scheduler",
                 "tcp://127.0.0.1:1", "--quiet"]) == 2
    one_error(capsys, "field 'scheduler'", "cannot reach the Dask scheduler")
    assert not (tmp_path / "deep").exists()
