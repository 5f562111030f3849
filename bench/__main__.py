"""python -m bench [--only a,b] [--scale F] [--size name=N ...] [--output PATH]: every bench, one summary table.

Sizes default to each bench's quick size (the whole set in about ten minutes); --scale multiplies them all,
--size sets one. The table goes to bench/RESULTS.md (or --output) and to the terminal.
"""
import argparse
import sys
from pathlib import Path

from bench.registry import discover, markdown, run_all


def main() -> int:
    specs = discover()
    names = [s.name for s in specs]
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help=f"comma-separated benches to run, of: {', '.join(names)}")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every bench's quick size")
    parser.add_argument("--size", action="append", default=[], metavar="NAME=N", help="one bench's size")
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("RESULTS.md"))
    args = parser.parse_args()
    if args.only:
        wanted = set(args.only.split(","))
        if wanted - set(names):
            parser.error(f"unknown bench: {', '.join(sorted(wanted - set(names)))} (known: {', '.join(names)})")
        specs = [s for s in specs if s.name in wanted]
    sizes = {s.name: max(1, round(s.quick_size * args.scale)) for s in specs}
    for item in args.size:
        name, _, value = item.partition("=")
        if name not in sizes or not value.isdigit():
            parser.error(f"--size wants NAME=N with NAME one of {', '.join(sizes)}, got {item!r}")
        sizes[name] = int(value)
    outcomes = run_all(specs, sizes)
    table = markdown(outcomes)
    args.output.write_text(table)
    print(f"\n{table}\nwritten to {args.output}", flush=True)
    return 1 if any(o.error for o in outcomes) else 0


sys.exit(main())
