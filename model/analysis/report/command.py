"""``westdev report RESULTS_DIR --out DIR``: the command-line entry of the report.

Light on purpose: the command line registers this parser for ``westdev --help``; the charts
(Matplotlib) load only when the command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from westdev.analysis.report.text import REPORT


def add_report_parser(subparsers: Any) -> None:
    """Register ``westdev report RESULTS_DIR --out DIR [--lang en|zh] [--formats ...]``."""
    p = subparsers.add_parser(
        "report", help="write every chart that applies to a results store, and a summary",
        description="Turn a results store (run, compare, sweep, ensemble, sensitivity) into "
        "figures (PNG at 200 dpi and PDF or SVG) and a short Markdown summary DIR/report.md "
        "with the key tables and the figures embedded.")
    p.add_argument("results_dir", metavar="RESULTS_DIR", type=Path,
                   help="a results store (a directory with manifest.json)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="directory for the figures and report.md (created if needed)")
    p.add_argument("--lang", default="en", metavar="en|zh",
                   help="language of labels and text: en (default) or zh (needs a CJK font)")
    p.add_argument("--formats", nargs="+", default=["png", "pdf"], metavar="FMT",
                   help="figure formats among png, pdf, svg (default: png pdf)")
    p.set_defaults(func=_cmd_report)


def _cmd_report(args: argparse.Namespace) -> int:
    from westdev.analysis.report.build import write_report  # Matplotlib and pandas

    files = write_report(args.results_dir, args.out, lang=args.lang, formats=args.formats)
    figures = [f for f in files if f.name != REPORT]
    print(f"report: {Path(args.out) / REPORT}")
    print(f"figures: {len(figures)} files in {args.out}")
    return 0
