"""`westdev calibrate`: bad arguments exit 2 with one line; a fit writes its file and report.

The whole quick pipeline (both fits, validation, back-cast) runs in the notebook test
(tests/notebooks, 03_calibration); here one vintage is fitted with the screening skipped by
monkeypatching the estimation sizes down, so the command's wiring is tested in seconds."""

from __future__ import annotations

import pytest

import westdev.calibration.pipeline as pipeline
from westdev.cli import main


@pytest.mark.parametrize("argv, text", [
    (["calibrate", "--vintage", "CN1999"], "invalid choice"),
    (["calibrate", "--workers", "0"], "--workers"),
    (["calibrate", "--backend", "cluster"], "invalid choice"),
])
def test_bad_arguments_exit_2(argv, text, capsys):
    assert main(argv) == 2
    assert text in capsys.readouterr().err


def test_one_vintage_writes_fitted_file_and_report(tmp_path, capsys, monkeypatch):
    tiny = pipeline.Settings(trajectories=1, design_points=6, wave2_points=0, replicates=1,
                             verify_replicates=1, max_parameters=1)
    monkeypatch.setitem(pipeline.SETTINGS, "quick", tiny)
    monkeypatch.setattr(pipeline, "screen", _no_screen)
    code = main(["calibrate", "--vintage", "CN2012", "--quick", "--out", str(tmp_path),
                 "--backend", "serial", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0, out
    fitted = tmp_path / "CN2012.toml"
    assert fitted.is_file() and "objective" in out
    from westdev.calibration import read_fitted

    doc = read_fitted(fitted)
    assert doc["meta"]["quick"] is True and doc["meta"]["fitted_years"] == "2000-2012"
    assert "exogenous.frontier_tfp_growth.scale" in doc["history"]
    report = tmp_path / "CN2012" / "report"
    assert (report / "fit_table.csv").is_file() and (report / "fit.png").is_file()
    # quick mode installs nothing into the package
    from westdev.calibration.fitted_file import fitted_dir

    assert not (fitted_dir() / "CN2012.toml").exists() or \
        read_fitted("CN2012")["meta"]["quick"] is False


def _no_screen(targets, candidates, scales, out, **kw):
    """A screening that selects one candidate without running anything."""
    import pandas as pd

    return pipeline.Screening(pd.DataFrame(), pd.DataFrame(), ("firms.catch_up_rate",), 0, 0)


def test_params_shows_fitted_values_in_use(capsys):
    from westdev.inputs.parameters import load_fitted

    fitted = load_fitted("CN2019")
    assert fitted
    assert main(["params"]) == 0
    blocks = capsys.readouterr().out.split("\n")
    used = {blocks[i]: blocks[i + 1] for i in range(len(blocks) - 1)
            if blocks[i + 1].startswith("  value in use")}
    for name, value in fitted.items():
        assert used[name].split()[3] == f"{value:g}" and "fitted, CN2019" in used[name]
    assert main(["params", "--vintage", "CN1990"]) == 2


def test_whole_calibration_prints_a_validation_table_that_recomputes(tmp_path, capsys,
                                                                     monkeypatch):
    """Both fits, the out-of-sample forecast, province ranks and the back-cast (tiny sizes):
    the printed table equals what `--report` prints again, and each of its numbers equals
    the analysis it comes from, recomputed from the stores and CSVs on disk."""
    import numpy as np
    import pandas as pd
    from scipy.stats import spearmanr

    from westdev.calibration import validation_table
    from westdev.calibration.validation import province_ranks, validate

    tiny = pipeline.Settings(trajectories=1, design_points=6, wave2_points=0, replicates=1,
                             verify_replicates=1, max_parameters=1)
    monkeypatch.setitem(pipeline.SETTINGS, "quick", tiny)
    monkeypatch.setattr(pipeline, "screen", _no_screen)
    code = main(["calibrate", "--quick", "--out", str(tmp_path), "--backend", "serial",
                 "--quiet"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    for section in ("in sample", "out of sample", "provinces", "back-cast"):
        assert f"**{section}**" in printed
    assert main(["calibrate", "--report", "--out", str(tmp_path)]) == 0
    again = capsys.readouterr().out
    assert again.strip() in printed

    table = validation_table.read(tmp_path / "report").set_index("measure")
    # in sample: the CN2019 fit table
    fit = pd.read_csv(tmp_path / "CN2019" / "report" / "fit_table.csv", index_col=0)
    for moment, row in fit.iterrows():
        assert table.loc[moment, "model"] == pytest.approx(row["simulated"])
        assert table.loc[moment, "benchmark"] == pytest.approx(row["observed"])
    # out of sample: recomputed from the validation store
    errors, _ = validate(tmp_path / "validation")
    for measure in validation_table.AGGREGATES:
        row = table.loc[f"{measure}, RMSE 2013–2019"]
        assert row["model"] == pytest.approx(errors.loc[measure, "model_rmse"])
        assert row["benchmark"] == pytest.approx(errors.loc[measure, "naive_rmse"])
    # provinces: the rank correlation recomputed from the provinces' growth rates
    ranks = province_ranks(tmp_path / "validation")
    pred = pd.Series(ranks.loc["model", "predicted"])
    obs = pd.Series(ranks.loc["model", "observed"]).reindex(pred.index)
    rho = spearmanr(pred, obs).statistic
    assert np.isfinite(rho) and -1 <= rho <= 1
    rank_rows = table[table["section"] == "provinces"]
    assert list(rank_rows["model"]) == pytest.approx([ranks.loc["model", "spearman_rho"]] * 2)
    # back-cast: the premium row is the whole programme's
    premium = pd.read_csv(tmp_path / "report" / "backcast_premium.csv", index_col=0)
    assert table.loc["growth premium of the 2000 programme", "model"] == pytest.approx(
        premium.loc["whole programme", "premium_pp"])


def test_calibrate_installs_nothing_and_install_from_is_an_explicit_step(tmp_path, capsys,
                                                                        monkeypatch):
    """A calibration writes its fitted files under --out only; `--install-from DIR` copies a
    full fit into the package's fitted folder, and refuses a quick one."""
    import westdev.calibration.fitted_file as ff
    from westdev.calibration import read_fitted

    package = tmp_path / "package_fitted"
    package.mkdir()
    monkeypatch.setattr(ff, "fitted_dir", lambda: package)
    monkeypatch.setattr(pipeline, "fitted_dir", lambda: package)
    tiny = pipeline.Settings(trajectories=1, design_points=6, wave2_points=0, replicates=1,
                             verify_replicates=1, max_parameters=1)
    monkeypatch.setitem(pipeline.SETTINGS, "quick", tiny)
    monkeypatch.setattr(pipeline, "screen", _no_screen)
    out = tmp_path / "cal"
    assert main(["calibrate", "--vintage", "CN2012", "--quick", "--out", str(out),
                 "--backend", "serial", "--quiet"]) == 0
    assert (out / "CN2012.toml").is_file() and not list(package.iterdir())
    capsys.readouterr()
    # a quick fit is refused as the package's defaults: exit 2, nothing written
    assert main(["calibrate", "--install-from", str(out)]) == 2
    assert "quick fit" in capsys.readouterr().err and not list(package.iterdir())
    # a full fit (here: the quick file marked full) is installed with its sample
    text = (out / "CN2012.toml").read_text(encoding="utf-8").replace("quick = true", "quick = false")
    (out / "CN2012.toml").write_text(text, encoding="utf-8")
    assert main(["calibrate", "--install-from", str(out)]) == 0
    assert read_fitted(package / "CN2012.toml")["meta"]["quick"] is False
    assert "installed" in capsys.readouterr().out
    assert main(["calibrate", "--install-from", str(tmp_path / "empty")]) == 2
