"""Analysis: what a results store says.

- ``summaries``: tidy tables from a store — bands, goal probabilities, gaps closed, effects
  and costs of levers;
- ``sensitivity``: Sobol' and Morris indices of a sensitivity store (SALib);
- policy design (issue 16): ``outcomes`` (outcomes and conditions per run, as short
  expressions), ``discovery`` (PRIM boxes and a CART tree: which inputs lead to a condition),
  ``robustness`` (regret and satisficing of mixes across an ensemble) and ``store_view`` (the
  one place they read stores);
- ``report``: every figure that applies to a store and a Markdown summary (`westdev report`);
  it sits above `westdev.charts`, which draws from the summaries.

May import: ``westdev.errors``, ``westdev.inputs``, ``westdev.policy``, ``westdev.experiments``
(stores and designs) and ``westdev.economy.indicators``.
"""
