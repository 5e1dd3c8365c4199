"""One validation table: what the calibration shows about the model's credibility, on a page.

Sections (rows of one tidy table, `build`):

- **in sample** (CN2019 fit, 2000–2019): each target's observed and simulated value and its miss
  in tolerances; a miss within 1.5 tolerances counts as met;
- **out of sample** (CN2012 fit, forecast of 2013–2019, the observed exogenous paths held at
  2012): root-mean-square error of the model and of each province's naive trend on the
  West/East GDP-per-head and income ratios and the West's shares of GDP and of population;
  the model should be no worse than the naive trend;
- **provinces**: Spearman rank correlation of provinces' growth of GDP per head in 2012–2019,
  predicted vs observed, for the model, the naive trend and β-convergence (target ≥ 0.3);
- **back-cast**: the 2000 programme's growth premium (literature band 1.3–2.2 pp a year) and
  its channels, and the CIT preference's effect on western firm entry (literature: positive).

`westdev calibrate` writes it to the report (Markdown and CSV) and prints it;
`westdev calibrate --report` prints it again from a calibration folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ["section", "measure", "model", "benchmark", "benchmark_name", "unit", "verdict"]
AGGREGATES = ("West/East GDP per head", "West/East income per head", "West share of GDP",
              "West share of population")
MET_TOLERANCES = 1.5
PREMIUM_BAND = (1.3, 2.2)
RANK_TARGET = 0.3
TABLE_CSV = "validation_table.csv"


def build(fit_table: pd.DataFrame, errors: pd.DataFrame, ranks: pd.DataFrame,
          backcast: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The table from the CN2019 fit table, the out-of-sample errors, the province ranks and
    the back-cast's premium, accounting and CIT frames."""
    rows = []
    for moment, r in fit_table.iterrows():
        miss = float(r["miss_in_tolerances"])
        rows.append(("in sample", moment, float(r["simulated"]), float(r["observed"]),
                     "observed", f"tolerance {r['tolerance']:g}",
                     f"{'met' if abs(miss) <= MET_TOLERANCES else 'missed'} ({miss:+.1f} tol.)"))
    for measure in AGGREGATES:
        e = errors.loc[measure]
        better = e["model_rmse"] <= e["naive_rmse"]
        rows.append(("out of sample", f"{measure}, RMSE 2013–2019", float(e["model_rmse"]),
                     float(e["naive_rmse"]), "naive trend", "measure's units",
                     "no worse than the naive trend" if better else "worse than the naive trend"))
    model_rho = float(ranks.loc["model", "spearman_rho"])
    for name in ("naive trend", "beta-convergence"):
        rows.append(("provinces", f"rank correlation of growth of GDP per head, 2012–2019 "
                     f"(model vs {name})", model_rho, float(ranks.loc[name, "spearman_rho"]),
                     name, "Spearman rho",
                     "met (≥ 0.3)" if model_rho >= RANK_TARGET else "missed (< 0.3)"))
    premium = backcast["premium"]
    whole = float(premium.loc["whole programme", "premium_pp"])
    lo, hi = PREMIUM_BAND
    rows.append(("back-cast", "growth premium of the 2000 programme", whole, (lo + hi) / 2,
                 f"literature band {lo}–{hi}", "pp a year",
                 "inside the band" if lo <= whole <= hi else "outside the band"))
    for channel in premium.index[1:]:
        rows.append(("back-cast", f"premium channel: {channel}",
                     float(premium.loc[channel, "premium_pp"]), np.nan, "", "pp a year", ""))
    acc = backcast["accounting"]["mean"]
    for term in ("capital", "employment", "tfp"):
        rows.append(("back-cast", f"premium by growth accounting: {term}", float(acc[term]),
                     np.nan, "", "pp a year", ""))
    cit = backcast["cit_entry"]["mean"]
    west = float(cit["entries_west"])
    rows.append(("back-cast", "CIT preference: western firm entries 2001–2010", west, np.nan,
                 "border-county studies: positive", "relative change",
                 "sign as in the literature" if west > 0 else "sign against the literature"))
    rows.append(("back-cast", "CIT preference: central firm entries 2001–2010",
                 float(cit["entries_central"]), np.nan,
                 "no significant loss in neighbouring counties", "relative change", ""))
    return pd.DataFrame(rows, columns=COLUMNS)


def to_markdown(table: pd.DataFrame) -> str:
    """The table as Markdown, one block per section."""
    out = []
    table = table.assign(**{c: table[c].fillna("") for c in ("benchmark_name", "unit", "verdict")})
    for section, group in table.groupby("section", sort=False):
        out += [f"**{section}**", "", "| measure | model | benchmark | unit | verdict |",
                "|---|---|---|---|---|"]
        for _, r in group.iterrows():
            bench = "" if pd.isna(r["benchmark"]) else f"{r['benchmark']:.4g} ({r['benchmark_name']})"
            if not bench and r["benchmark_name"]:
                bench = r["benchmark_name"]
            out.append(f"| {r['measure']} | {r['model']:.4g} | {bench} | {r['unit']} | "
                       f"{r['verdict']} |")
        out.append("")
    return "\n".join(out)


def write(table: pd.DataFrame, folder: str | Path) -> Path:
    """Write the table's CSV into a report folder."""
    path = Path(folder) / TABLE_CSV
    table.to_csv(path, index=False)
    return path


def read(folder: str | Path) -> pd.DataFrame:
    """The table a calibration wrote into `folder` (its report folder)."""
    return pd.read_csv(Path(folder) / TABLE_CSV)
