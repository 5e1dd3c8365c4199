"""Policy design: which lever mixes reach the 2035 goal, the cheapest mix that does, and the
trade-off frontiers (``westdev discover``, ``westdev optimise``).

- ``spec``: policy search files (``scenarios/policy/*.toml``, reachable by name: the levers
  searched and their ranges, the uncertainty ensemble, objectives and constraints, the search
  and verification budgets), checked strictly;
- ``emulator``: a ridge-regression response surface of an outcome over levers and uncertain
  inputs, cross-validated, with the probability of a threshold over an ensemble's draws;
- ``search``: the search driver — an exploration sample, the emulator, candidate mixes chosen
  on it (SciPy's SLSQP for the cheapest mix, pymoo's NSGA-II/III for frontiers), every
  candidate re-run by the model on common ensemble draws, a verification on fresh draws, the
  robustness of the shipped scenarios; every run through the package's runner into resumable
  stores;
- ``discover``: scenario discovery on a store (PRIM boxes and a CART tree from
  `westdev.analysis.discovery`) with its charts and report;
- ``report``: the files both commands write (``best.toml``, ``frontier.csv``, ``boxes.csv``,
  ``report.md``).

It sits beside the API, above the analysis and the charts: a search runs batches
(`westdev.experiments`), reads them (`westdev.analysis`) and draws (`westdev.charts`), which
no single lower layer may do together. `westdev.api` and `westdev.cli` call it.

May import: ``westdev.errors``, ``westdev.inputs``, ``westdev.policy``, ``westdev.experiments``,
``westdev.analysis`` and ``westdev.charts``.
"""
