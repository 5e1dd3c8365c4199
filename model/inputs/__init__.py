"""Inputs: everything a run reads before it starts.

- ``datasets`` and ``data/``: the packaged provincial statistics, with their sources;
- ``regions``: the 31 provinces, their region groups, distances and pairing partners;
- ``parameters``: the parameter register (value, unit, tag, source, range) and fitted vintages;
- ``scenario``, ``schedule``, ``exogenous``: scenario files (levers, exogenous paths, run settings);
- ``validate``: the wording of bad-input messages, shared with the experiment files;
- ``resolution``: the named agent-count presets;
- ``initial_state``: the observed start-year economy (CN2019, CN2000) as agents.

May import: ``westdev.errors`` and the policy declarations ``westdev.policy.catalogue`` (the
levers) and ``westdev.policy.goal`` (the goal).
Nothing here imports the economy (but ``initial_state``, which builds the agent populations),
experiments, analysis or charts.
"""
