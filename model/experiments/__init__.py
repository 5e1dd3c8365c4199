"""Experiments: many runs of the economy, streamed to a results store.

Modules, each importing only those listed before it (and lower layers):

- ``seeds``: each run's seed from (root seed, design point, replicate);
- ``store``: the results store (Parquet parts, consolidation, manifest, resume);
- ``factors``: factor names (levers, parameters, exogenous paths), their distributions, and
  applying a design point to a scenario;
- ``runner``: run tasks and one runner with serial, local-process and Dask backends;
- ``designs``: design points — grids, Latin hypercube, Sobol', Morris and ensemble samples,
  lever subsets of decompositions;
- ``experiment``: the `Experiment` (a checked design) and its run tasks and manifest request;
- ``spec``: experiment files (TOML tables) checked into an `Experiment`;
- ``execute``: plan, run, estimate and rerun experiments, runs and comparisons.

May import: ``westdev.errors``, ``westdev.inputs``, ``westdev.policy`` and, for the
calibration's uncertainty in ensembles, ``westdev.calibration.fitted_file``. The economy is
reached only through the run seam ``westdev.economy.simulate:simulate``, by name, in the worker.
Nothing here imports analysis, charts, the CLI or the API.
"""
