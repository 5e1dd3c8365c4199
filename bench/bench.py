"""Agent-steps per second at 10^4, 10^5 and 10^6 workers (firms a tenth), optionally against
Mesa's BoltzmannWealth example and westdev's Mesa peer. The same as `westdev bench`; see
westdev/bench.py.

    python bench/bench.py [--configs 10^4 10^5 10^6] [--repeats 3] [--compare-mesa]
                          [--mesa-steps 100] [--mesa-years 16] [--mesa-repeats 5]
"""

from __future__ import annotations

import argparse

from westdev import bench


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=list(bench.CONFIGS), choices=list(bench.CONFIGS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--compare-mesa", action="store_true")
    parser.add_argument("--mesa-steps", type=int, default=100)
    parser.add_argument("--mesa-years", type=int, default=None)
    parser.add_argument("--mesa-repeats", type=int, default=5)
    args = parser.parse_args()
    bench.run(args.configs, repeats=args.repeats, compare_mesa=args.compare_mesa,
              mesa_steps=args.mesa_steps, mesa_years=args.mesa_years,
              mesa_repeats=args.mesa_repeats)


if __name__ == "__main__":
    main()
