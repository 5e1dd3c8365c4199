"""The economy: the Mesa model and its yearly rules.

- ``model``: `WestDevModel` — construction from the initial state and the yearly step;
- ``agents``: provinces (Mesa agents) and the weighted firm and worker populations;
- ``markets``: labour, goods, land and migration rules;
- ``government``: taxes, transfers, borrowing and the provincial budget identity;
- ``accounting``: the checks every year must pass; ``recorder``: the year's indicators;
- ``indicators``: pure functions that measure the economy (Theil, group sums, quantiles);
- ``simulate``: the seam — one run is a pure function of (scenario, parameters, seed).

May import: ``westdev.errors``, ``westdev.inputs`` and ``westdev.policy``.
Nothing here imports experiments, analysis, charts, the CLI or the API.
"""
