"""``python -m bench [ingest|bounds|faults|audiences|campaigns|tables|scale …]``: run the benchmarks and print their figures.

Each suite runs in a process of its own, on a freshly created database, so none inherits another's
connections, caches or memory.
"""

import argparse
import subprocess
import sys

from . import audiences, bounds, campaigns, faults, ingest, scale, tables

SUITES = {
    "ingest": ingest.run,
    "bounds": bounds.run,
    "faults": faults.run,
    "audiences": audiences.run,
    "campaigns": campaigns.run,
    "tables": tables.run,
    "scale": scale.run,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "suites", nargs="*", metavar="suite", help=f"any of {', '.join(SUITES)} (default: all)"
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the L2 file (ingest)")
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, scale.SIZES)),
        help="comma-separated numbers of voters for the cost curve (scale)",
    )
    args = parser.parse_args()
    unknown = set(args.suites) - set(SUITES)
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(sorted(unknown))}")
    # The cost curve takes a while and tens of gigabytes at 10 M voters: run it when asked for by name.
    suites = args.suites or [name for name in SUITES if name != "scale"]
    if len(suites) > 1:
        failed = [
            name
            for name in suites
            if subprocess.run(
                [sys.executable, "-m", "bench", name, "--rows", str(args.rows), "--sizes", args.sizes]
            ).returncode
        ]
        sys.exit(f"failed: {', '.join(failed)}" if failed else 0)
    [name] = suites
    if name == "ingest":
        SUITES[name](rows=args.rows)
    elif name == "scale":
        SUITES[name](sizes=[int(size.replace("_", "")) for size in args.sizes.split(",")])
    else:
        SUITES[name]()


if __name__ == "__main__":
    main()
