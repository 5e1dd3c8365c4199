"""Policy: the levers of the 2020 guideline, its 2035 goal, and how levers act on the economy.

- ``catalogue``: every lever as a typed, cited `LeverSpec` (``westdev levers``,
  ``docs/levers.md``); a declaration that every layer may read;
- ``goal``: the three goal dimensions, their West/East ratio indicators, the default θ = 0.8
  ("roughly equal", 大体相当); also a declaration;
- ``docs``: the catalogue as Markdown;
- ``instruments``: a year's lever values turned into the arrays the economy's rules read; it sits
  above the inputs (it reads the parameter register and the regions);
- ``costs``: every lever's direct fiscal cost against its no-policy value (the counterfactual
  pieces); the budget rules call it with the year's flows.

May import: ``westdev.errors``; for ``instruments`` and ``costs``, ``westdev.inputs``; for
``costs``, the government rules ``westdev.economy.government.rules`` (pure functions, no state).
"""
