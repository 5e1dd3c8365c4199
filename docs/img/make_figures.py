"""Make the README's chart gallery: one representative figure per chart family.

    python docs/img/make_figures.py                 # about 15 minutes on 2 cores

Runs baseline, guideline and no_policy at the default resolution over 2019–2035 with 8
replicates (common random numbers) into ``results/docs_compare``, the shipped parameter
ensemble ``ensemble_baseline`` (200 runs at the small resolution; the probability chart comes
from it: a probability from 8 seeds of one parameter set would be a step function of seed
noise) into ``results/docs_ensemble`` and the shipped Morris screening ``morris_levers`` (340
runs at the small resolution) into ``results/docs_morris``, nine scenarios (8 replicates, default
resolution) into ``results/docs_convergence`` for the output cost and the goal's definitions, and
baseline, guideline and the eleven ``*_only`` areas (48 replicates, small resolution) into
``results/docs_areas`` for the interactions (ODD §7.15), then writes
``docs/img/fig_<family>_<name>.png`` and the quick-start chart ``docs/img/goal_ratios.png``
(baseline and no_policy, 4 replicates, as the README's first command draws it). Existing
stores with the same request are resumed, not rerun: after a change to the model or the fitted
parameters, give a new ``--results`` folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HERE = Path(__file__).resolve().parent
INCOME = "west_east_ratio_income"
ROOT = HERE.parents[1]


def main() -> None:
    import westdev.api as wd
    import westdev.charts as C
    from westdev.charts.convergence import output_cost_table, scenario_split

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="where the PNGs go")
    parser.add_argument("--results", type=Path, default=ROOT / "results",
                        help="where the two results stores go")
    parser.add_argument("--replicates", type=int, default=8)
    args = parser.parse_args()

    store = wd.compare(["baseline", "guideline", "no_policy"], replicates=args.replicates,
                       resolution="default", out=args.results / "docs_compare")
    ensemble = wd.sweep("ensemble_baseline", out=args.results / "docs_ensemble")
    morris = wd.sensitivity("morris_levers", out=args.results / "docs_morris")
    # family (k): what convergence costs, the goal's definitions, the package's interactions
    convergence = wd.compare(["no_policy", "baseline", "enacted_2020_2024", "guideline",
                              "fiscal_only", "land_only", "infrastructure_only",
                              "public_services_only", "talent_only"],
                             replicates=args.replicates, resolution="default",
                             out=args.results / "docs_convergence")
    # the package against its areas run alone, with many replicates: an interaction is a
    # difference of twelve noisy differences, so it needs them (48 × 13 runs, small resolution)
    areas = ["fiscal", "finance", "industry", "energy", "land", "talent", "innovation",
             "infrastructure", "opening", "public_services", "ecology"]
    by_area = wd.compare(["baseline", "guideline"] + [f"{a}_only" for a in areas],
                         replicates=48, resolution="small", out=args.results / "docs_areas")
    split = scenario_split(by_area.select(indicators=INCOME, areas="West", years=2035,
                                          categorical=False),
                           base="baseline", package="guideline",
                           parts={a.replace("_", " "): f"{a}_only" for a in areas},
                           outcome=f"West:{INCOME}")
    quick = wd.compare(["baseline", "no_policy"], replicates=4,
                       out=args.results / "docs_quickstart")
    df = store.results
    theta = store.manifest["goal_thresholds"]
    order = ["baseline", "guideline", "no_policy"]
    colours = C.scenario_colours(order)
    seeds = ("Bands show seed noise only (replicates of one parameter set); an ensemble adds "
             "parameter and path uncertainty.")
    figures = {
        "fig_a_goal_fans": C.plot_goal_fans(df, theta=theta, colours=colours, note=seeds),
        "fig_b_deviations": C.plot_deviations(df, baseline="baseline", colours=colours),
        "fig_c_goal_probability": C.plot_goal_probability(
            ensemble.results, theta=ensemble.manifest["goal_thresholds"], colours=colours,
            note="Ensemble: calibrated and behavioural parameters drawn from the register's "
                 "ranges, exogenous paths scaled (100 draws × 2 replicates, small resolution)."),
        "fig_d_worst_province": C.plot_worst_province(df, colours=colours),
        "fig_e_cost_effectiveness": C.plot_cost_effectiveness(df, baseline="baseline",
                                                              colours=colours),
        "fig_f_morris": C.plot_sensitivity_bars(morris.indices, scenario="baseline"),
        "fig_g_province_tiles": C.plot_province_tiles(df, "income_ratio_to_east",
                                                      since_start=True, colours=colours),
        "fig_h_map_change": C.plot_choropleth(df, "income_ratio_to_east", since=2019),
        "fig_k_output_cost": C.plot_output_cost(convergence.results, reference="baseline"),
        "fig_k_goal_definitions": C.plot_goal_definitions(
            convergence.results, scenarios=["baseline", "enacted_2020_2024", "guideline"]),
        "fig_k_interactions": C.plot_lever_interactions(
            split, f"West:{INCOME}@2035", label="West/East income per head, 2035 (areas of "
                                                 "the guideline alone and together)"),
        "goal_ratios": C.plot_goal_ratios(quick.results,
                                          theta=quick.manifest["goal_thresholds"]),
    }
    print(output_cost_table(convergence.results).round(4).to_string())
    print(split.round(4).to_string())
    for name, fig in figures.items():
        for path in C.save_figure(fig, args.out / name, formats=("png",)):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":  # the process backend re-imports this module in its workers
    main()
