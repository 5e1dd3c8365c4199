"""Exogenous paths of the 2000–2019 history derived from the packaged data.

The state-led investment push of the 2000s and 2010s — central project investment, state firms
and local financing vehicles building infrastructure and industry, funded by transfers, land
sales and bonds — is not one of the model's levers: it is history, observed in each province's
investment rate. The history scenario feeds it as the exogenous driver
``public_investment_index`` by province: gross fixed capital formation over GDP (both at
current prices, packaged data) relative to the province's 2000 ratio. It carries the
investment boom (the West's rate went from about 0.39 to 0.71 of GDP by 2012), the 2009–2010
stimulus and the later retrenchment (the Northeast's from 0.86 in 2014 to 0.55 in 2019).

    python -m westdev.calibration.history_paths     # rewrites the CSV from the data

A test recomputes the shipped CSV from the data, so it cannot drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from westdev.inputs.datasets import load_provincial_data

START, END = 2000, 2019
HISTORY_PUSH_CSV = Path(__file__).resolve().parents[1] / "scenarios" / "paths" / "history_investment_push.csv"
NO_PROGRAMME_CSV = "history_investment_push_no_programme.csv"
TRANSFER_CSV = "history_central_transfer_index.csv"
DRIFT_CSV = "history_productivity_drift.csv"
HEADER = ("# Investment push of the 2000-2019 history (driver public_investment_index, by province):\n"
          "# gross fixed capital formation / GDP (current prices, packaged data) relative to 2000.\n"
          "# Written by `python -m westdev.calibration.history_paths`; do not edit by hand.\n")


def investment_push(start: int = START, end: int = END) -> pd.DataFrame:
    """Index year × province code: (GFCF / GDP) relative to `start`, rounded to 4 decimals."""
    data = load_provincial_data()
    gfcf = data.series("gfcf_100m_yuan").loc[start:end]
    gdp = data.series("gdp_100m_yuan").loc[start:end]
    rate = gfcf / gdp
    push = (rate / rate.loc[start]).round(4)
    push.index.name = "year"
    return push


def investment_push_without_programme(start: int = START, end: int = END) -> pd.DataFrame:
    """The counterfactual without the western development programme: every western province
    follows the investment push of the rest of China (the GDP-weighted investment rate of the
    19 other provinces relative to `start`) — the comparison group of the difference-in-
    differences the programme premium is measured by (docs/evidence.md); other provinces keep
    their observed push."""
    data = load_provincial_data()
    gfcf = data.series("gfcf_100m_yuan").loc[start:end]
    gdp = data.series("gdp_100m_yuan").loc[start:end]
    region = data.provinces["region4"].reindex(gfcf.columns)
    west = region.eq("West").to_numpy()
    rest_rate = gfcf.loc[:, ~west].sum(axis=1) / gdp.loc[:, ~west].sum(axis=1)
    push = investment_push(start, end)
    push.loc[:, west] = (rest_rate / rest_rate.loc[start]).round(4).to_numpy()[:, None]
    return push


def central_transfer_index(start: int = START, end: int = END) -> pd.DataFrame:
    """Index year → value: local budget spending minus tax revenue per unit of GDP, summed
    over provinces, relative to its first observed year (2007; 1 in the years before, when the
    packaged data hold no budget spending): how much faster than GDP the centre's transfers
    (and the local non-tax revenue and borrowing they go with) grew."""
    data = load_provincial_data()
    spend = data.series("budget_expenditure_100m_yuan")
    first = min(spend.dropna(how="any").index)
    gap = (spend - data.series("tax_revenue_100m_yuan")).loc[first:end].sum(axis=1)
    ratio = gap / data.series("gdp_100m_yuan").loc[first:end].sum(axis=1)
    index = (ratio / ratio.loc[first]).round(4)
    full = pd.Series(1.0, index=range(start, end + 1), name="value")
    full.loc[index.index] = index
    full.index.name = "year"
    return full.to_frame()


def productivity_drift_northeast(value: float = -1.0, start: int = START) -> pd.DataFrame:
    """The north-east's productivity drag as a path by province: `value` (%/yr) for the three
    north-eastern provinces, 0 elsewhere; the calibration estimates a scale on it."""
    data = load_provincial_data()
    ne = data.provinces["region4"].eq("Northeast")
    frame = pd.DataFrame([[value if ne.loc[c] else 0.0 for c in data.codes]],
                         index=pd.Index([start], name="year"), columns=list(data.codes))
    return frame


def write_paths(folder: Path = HISTORY_PUSH_CSV.parent) -> list[Path]:
    """Write the CSVs the history scenarios read."""
    out = []
    for name, frame, header in (
            (HISTORY_PUSH_CSV.name, investment_push(),
             HEADER.replace("relative to 2000.", "relative to 2000; observed.")),
            (NO_PROGRAMME_CSV, investment_push_without_programme(),
             HEADER.replace("relative to 2000.", "relative to 2000; without the western "
                            "programme: western provinces follow the rest of China.")),
            (TRANSFER_CSV, central_transfer_index(),
             "# Central transfer index of the 2000-2019 history (driver central_transfer_index):\n"
             "# local budget spending minus tax revenue per unit of GDP, summed over provinces,\n"
             "# relative to 2007 (first year of the packaged series; 1 before).\n"
             "# Written by `python -m westdev.calibration.history_paths`; do not edit by hand.\n"),
            (DRIFT_CSV, productivity_drift_northeast(),
             "# North-east productivity drag of the history (driver productivity_drift, %/yr):\n"
             "# -1 for Liaoning, Jilin, Heilongjiang, 0 elsewhere; the calibration estimates a\n"
             "# history scale on it. Written by `python -m westdev.calibration.history_paths`.\n")):
        path = folder / name
        path.write_text(header + frame.to_csv(float_format="%.4f"), encoding="utf-8")
        out.append(path)
    return out


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for written in write_paths(Path(sys.argv[1]) if len(sys.argv) > 1 else HISTORY_PUSH_CSV.parent):
        print(written)
