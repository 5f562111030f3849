"""python -m devstack up [--customers N] [--no-seed] [--only NAMES] | python -m devstack rabbitmq"""
import argparse
import os
import sys
from pathlib import Path

from devstack import stack, ui
from devstack.demo_data import DEFAULT_SEED
from devstack.errors import StackError
from devstack.up import DEFAULT_AMQP_URL, UpOptions, ensure_rabbitmq, up


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    start = commands.add_parser("up", help="start the database, RabbitMQ, the delivery sinks, every service and "
                                           "the gateway; "
                                           "load demo data into an empty customers database; run until Ctrl-C")
    start.add_argument("--customers", type=int, default=1000, metavar="N",
                       help="demo customers to load when there are none yet (default 1000)")
    start.add_argument("--no-seed", dest="load_demo_data", action="store_false", help="load no demo data")
    start.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the demo data")
    start.add_argument("--only", type=_names, metavar="NAMES",
                       help=f"comma-separated subset to start, from: {','.join(stack.NAMES)}")
    start.add_argument("--ready-timeout", type=float, default=120, metavar="SECONDS",
                       help="how long each process may take to answer /readyz, or the sinks to "
                            "open their port (default 120)")
    start.add_argument("--data-dir", type=Path, default=Path(".data"),
                       help="SecantusDB data and logs (default ./.data)")

    commands.add_parser("rabbitmq", help="start the machine's RabbitMQ if it is not running (AMQP_URL)")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "rabbitmq":
        try:
            ensure_rabbitmq(os.environ.get("AMQP_URL") or DEFAULT_AMQP_URL)
        except StackError as exc:
            ui.failure("RabbitMQ", str(exc))
            return 1
        return 0
    if args.customers < 0:
        parser().error("--customers must not be negative")
    return up(UpOptions(customers=args.customers, load_demo_data=args.load_demo_data, seed=args.seed,
                        only=args.only, ready_timeout=args.ready_timeout, data_dir=args.data_dir))


if __name__ == "__main__":
    sys.exit(main())
