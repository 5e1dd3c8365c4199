"""The interactive scenario explorer: ``westdev explore`` serves a web page on which a policy
audience sets the guideline's levers, runs the model against the baseline and downloads the
scenario and its results.

- `westdev.explorer.core`: the logic, plain functions that tests call without a browser —
  presets and controls, field checks, the `Request` (→ `Scenario`, → TOML), runs through the
  package's runner (`westdev.api`), summary tables, figures (the package's chart functions)
  and downloads;
- `westdev.explorer.texts`: every string the page shows, in English and Chinese;
- `westdev.explorer.app`: the Solara page, which only wires `core` to widgets;
- `westdev.explorer.server`: starts the web server (offline: every asset from this machine,
  no telemetry) for the command line.

The explorer sits on top, beside the CLI and the API: it may import `westdev.api`,
`westdev.charts`, `westdev.policy`, `westdev.inputs` and `westdev.analysis` (and the errors and
version of the package); nothing in the package imports it. Solara is an optional dependency
(``pip install 'westdev[explore]'``): `core` and `texts` work without it.
"""
