"""westdev: an agent-based model of China's western development and West/East convergence.

The package is built in layers, each importing only from the layers before it
(docs/design.md §1):

1. ``errors`` and the policy declarations ``policy.catalogue`` and ``policy.goal``: import
   nothing from westdev;
2. ``inputs``: packaged data, the parameter register, scenario files, the initial state;
3. ``policy.instruments`` and ``economy``: the Mesa model and its yearly rules;
4. ``experiments``: designs, the runner and the results store;
5. ``analysis.summaries`` and ``analysis.sensitivity``: what a results store says;
6. ``charts``: figures in one house style;
7. ``analysis.report``: every figure and table that applies to a store; ``design``: policy
   design (scenario discovery and policy search), which runs batches, reads and draws them;
8. the entry points ``cli``, ``api`` and ``bench``.

``westdev.calibration`` runs batches and draws its own charts, beside experiments and analysis;
the fitted vintages it writes are read by ``inputs`` (as data) and ``experiments``. Each
package's ``__init__`` says what lives there and, in its "May import" line, what it may import;
``tests/unit/test_imports.py`` checks every import against those lines and that the import
graph has no cycle. An import inside a function only defers a heavy library (Matplotlib,
pandas and pyarrow, SALib, Mesa) until a command needs it.

May import: any ``westdev`` module (the entry points at the top of the package).
"""

__version__ = "0.1.0"
