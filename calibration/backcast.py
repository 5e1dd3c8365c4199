"""Back-cast of the 2000 western development programme: its growth premium and channels.

From the CN2000 state to 2019, the model runs the history with the programme
(`history_2000_2019`) and without it (`history_no_western_development`), with the fitted
parameters and history scales and the same seeds in both worlds. The premium is a difference in
differences across regions and policy worlds: (growth of western GDP per head minus that of the
rest of China) with the programme, minus the same without it, pp a year
(`westdev.calibration.moments.programme_premium`).

How this differs from the literature's designs. A border (spatial-discontinuity) design such as
Jia et al. (2020) compares counties just inside and just outside the western border: it
identifies a local effect where both sides share shocks, and misses effects that spill across
the border (migration, relocation, national prices), which it nets out. A regional DiD on real
data compares the west with the other regions before and after 2000 and needs parallel trends.
The model has the counterfactual world itself, so no trend assumption is needed; the regional
comparison still nets out whatever the programme did to the rest of China (e.g. firms or
workers drawn west), like the observational designs do.

Channels, two ways:
- by policy instrument group: the counterfactual plus one group of the programme's levers
  (state investment, private-investment incentives, transfers) — each group's premium; the
  rest is interaction;
- by growth accounting of the premium in GDP per head: α·(firm capital), β·(employment),
  total factor productivity (the residual: own productivity, market access from infrastructure,
  prices), minus population growth (migration and natural change). The literature's finding —
  growth through investment, little TFP, no employment or wage effect — is read against this.
A further check of the literature: the 15 % CIT preference raises entry in the west without a
loss of entry in the neighbouring central provinces (paired runs with and without it; entries
of 2001–2010, the decade the border-county studies cover).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from westdev.calibration.design import COUNTERFACTUAL, HISTORY, INDICATORS, design_point
from westdev.calibration.moments import Table, programme_premium
from westdev.economy.recorder import GROUPS
from westdev.experiments.runner import RunTask, run_batch
from westdev.experiments.seeds import run_seed
from westdev.experiments.store import read_manifest, read_results
from westdev.inputs.regions import REGION_GROUPS
from westdev.inputs.scenario import Scenario, load_scenario

# the instruments of the 2000 programme (levers that differ between the two history
# scenarios), by the channel through which the literature says they act
CHANNEL_OF_LEVER = {
    "infrastructure.transport_investment_pct_gdp": "state investment",
    "infrastructure.water_information_pct_gdp": "state investment",
    "fiscal.west_cofinancing_share": "state investment",
    "land.west_quota_share": "state investment",
    "fiscal.cit_rate_encouraged_west": "private investment",
    "fiscal.equipment_duty_exemption": "private investment",
    "industry.encouraged_catalogue_coverage": "private investment",
    "industry.relocation_support_share": "private investment",
    "energy.west_power_price_discount": "private investment",
    "fiscal.west_transfer_coefficient": "transfers",
    "fiscal.pairing_assistance_pct_donor_revenue": "transfers",
    "talent.public_servant_wage_premium": "transfers",
}
CHANNELS = ("state investment", "private investment", "transfers")
CHANNEL_OF_PATH = {"public_investment_index": "state investment"}
YEARS = (2000, 2019)
CIT_YEARS = range(2001, 2011)  # the decade the border-county studies cover
SIMULATE = "westdev.calibration.backcast:simulate_accounts"


def simulate_accounts(scenario: Scenario, parameters=None, seed: int = 0, *,
                      resolution: str | None = None) -> pd.DataFrame:
    """A history run's moment indicators plus firm capital by area (for growth accounting)."""
    # Mesa and the economy load only in the worker processes that run the back-cast
    from westdev.economy.simulate import build_model, release

    model = build_model(scenario, parameters, seed, resolution=resolution)
    masks = [model.geo.mask(g) for g in REGION_GROUPS] + [np.ones(model.geo.n, dtype=bool)]
    areas = list(model.geo.names) + list(GROUPS)
    rows = []

    def capital() -> None:
        k = model.firms.totals(model.firms.capital, model.geo.n)
        values = np.concatenate([k, [k[m].sum() for m in masks]])
        rows.extend((model.year, a, "firm_capital_100m_yuan", float(v))
                    for a, v in zip(areas, values, strict=True))

    try:
        capital()
        while model.year < scenario.run.end_year:
            model.step()
            capital()
        out = model.recorder.to_frame()
    finally:
        release(model)
    out = out[out["indicator"].isin(INDICATORS)]
    extra = pd.DataFrame(rows, columns=["year", "area", "indicator", "value"])
    return pd.concat([out, extra], ignore_index=True)


def programme_levers(history: Scenario, counterfactual: Scenario) -> dict[str, object]:
    """The levers whose schedules differ between the two worlds (the programme)."""
    return {k: history.levers[k] for k in history.levers
            if history.levers[k] != counterfactual.levers[k]}


def scenarios() -> dict[str, Scenario]:
    """The worlds of the back-cast: programme, none, none + one channel, programme − CIT."""
    history, cf = load_scenario(HISTORY), load_scenario(COUNTERFACTUAL)
    levers = programme_levers(history, cf)
    unknown = set(levers) - set(CHANNEL_OF_LEVER)
    if unknown:
        raise ValueError(f"programme levers without a channel: {sorted(unknown)}")
    # the state-led investment push of the programme is an exogenous path (the west's observed
    # push against the rest of China's): it belongs to the state-investment channel
    paths = {k: history.exogenous[k] for k in history.exogenous
             if history.exogenous[k] != cf.exogenous[k]}
    unknown_paths = set(paths) - set(CHANNEL_OF_PATH)
    if unknown_paths:
        raise ValueError(f"programme paths without a channel: {sorted(unknown_paths)}")
    worlds = {"programme": history, "none": cf}
    for channel in CHANNELS:
        on = {k: v for k, v in levers.items() if CHANNEL_OF_LEVER[k] == channel}
        exo = {k: v for k, v in paths.items() if CHANNEL_OF_PATH[k] == channel}
        worlds[f"none + {channel}"] = cf.with_overrides(
            name=f"history_only_{channel.replace(' ', '_')}", levers=on, exogenous=exo or None)
    worlds["programme without CIT"] = history.with_overrides(
        name="history_without_cit_preference", levers={"fiscal.cit_rate_encouraged_west": 0.25})
    return worlds


def run_backcast(out: str | Path, fitted: Mapping[str, float], *, replicates: int = 8,
                 resolution: str = "small", backend: str = "processes",
                 workers: int | None = None, progress: bool = False) -> Path:
    """Run every world × replicate with the fitted values (parameters and history scales)."""
    design = design_point(fitted)
    worlds = scenarios()
    tasks = []
    for r in range(replicates):
        seed = run_seed(20000101, {}, r)
        for j, (label, sc) in enumerate(worlds.items()):
            tasks.append(RunTask(f"w{j}-r{r:02d}", sc.with_overrides(description=label), r,
                                 seed, resolution, design_point=design, point=j))
    run_batch(tasks, out, backend=backend, workers=workers, progress=progress,
              kind="calibration", simulate=SIMULATE,
              request={"label": "backcast", "fitted": dict(fitted), "replicates": replicates,
                       "resolution": resolution, "worlds": list(worlds)})
    return Path(out)


def _growth_terms(t: Table, alpha: float, beta: float, years=YEARS) -> dict[str, float]:
    """West-minus-rest growth (pp a year) of GDP, its accounting terms and population."""
    span = years[1] - years[0]

    def rest(ind: str, year: int) -> float:
        return t.value(ind, "China", year) - t.value(ind, "West", year)

    def g(ind: str) -> float:
        west = np.log(t.value(ind, "West", years[1]) / t.value(ind, "West", years[0]))
        other = np.log(rest(ind, years[1]) / rest(ind, years[0]))
        return 100.0 * (west - other) / span

    gy, gk, gl, gn = (g(i) for i in ("gdp_100m_yuan", "firm_capital_100m_yuan",
                                      "employment_10k", "population_10k"))
    return {"gdp": gy, "capital": alpha * gk, "employment": beta * gl,
            "tfp": gy - alpha * gk - beta * gl, "population": -gn, "gdp_per_head": gy - gn}


def analyse_backcast(store: str | Path, alpha: float, beta: float) -> dict[str, pd.DataFrame]:
    """Premium, channels and the CIT check from a back-cast store (means over replicates,
    with the standard error of the mean across the paired replicates)."""
    worlds = read_manifest(store)["request"]["worlds"]
    df = read_results(store)
    tables = {}
    for run_id, frame in df.groupby("run_id"):
        j, r = run_id.split("-")
        tables[(worlds[int(j[1:])], int(r[1:]))] = Table(frame.drop(columns="run_id"))
    reps = sorted({r for _, r in tables})
    rows, acct, cit = [], [], []
    for r in reps:
        base = tables[("none", r)]
        full = tables[("programme", r)]
        rows.append({"replicate": r, "channel": "whole programme",
                     "premium_pp": programme_premium(full, base, YEARS)})
        for ch in CHANNELS:
            rows.append({"replicate": r, "channel": ch,
                         "premium_pp": programme_premium(tables[(f"none + {ch}", r)], base, YEARS)})
        with_p, without = _growth_terms(full, alpha, beta), _growth_terms(base, alpha, beta)
        acct.append({"replicate": r, **{k: with_p[k] - without[k] for k in with_p}})
        no_cit = tables[("programme without CIT", r)]
        entries = {a: sum(full.value("firm_entries", a, y) for y in CIT_YEARS)
                   / sum(no_cit.value("firm_entries", a, y) for y in CIT_YEARS) - 1.0
                   for a in ("West", "Central", "East")}
        cit.append({"replicate": r, **{f"entries_{a.lower()}": v for a, v in entries.items()}})

    def summarise(frame: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
        cols = [c for c in frame.columns if c not in ("replicate", by)]
        grouped = frame.groupby(by)[cols] if by else frame[cols]
        mean = grouped.mean()
        sem = grouped.std(ddof=1) / np.sqrt(len(reps))
        if by is None:
            return pd.DataFrame({"mean": mean, "sem": sem})
        return mean.join(sem.add_suffix("_sem"))

    premium = summarise(pd.DataFrame(rows), "channel")
    premium = premium.reindex(["whole programme", *CHANNELS])
    interaction = (premium.loc["whole programme", "premium_pp"]
                   - premium.loc[list(CHANNELS), "premium_pp"].sum())
    premium.loc["interaction (whole − sum of channels)"] = [interaction, np.nan]
    return {"premium": premium, "accounting": summarise(pd.DataFrame(acct)),
            "cit_entry": summarise(pd.DataFrame(cit))}
