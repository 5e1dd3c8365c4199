"""Experiments: many runs of the economy, streamed to a results store.

- ``experiment``: experiment files (grids, samples, ensembles, decompositions) and their plans;
- ``seeds``: each run's seed from (root seed, design point, replicate);
- ``runner``: one runner with serial, local-process and Dask backends;
- ``store``: the results store (Parquet parts, consolidation, manifest, resume).

May import: ``westdev.errors``, ``westdev.inputs``, ``westdev.policy`` and the run seam
``westdev.economy.simulate`` (by name, in the worker). Nothing here imports analysis or charts.
"""
