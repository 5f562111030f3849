"""Finds every bench (a `bench/<name>/run.py` with a SPEC), runs them, and writes their figures as a Markdown table."""
import importlib
import os
import pkgutil
import platform
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone

import bench
from bench.harness import BenchSpec, Figure, servers


def discover() -> list[BenchSpec]:
    """Each package under bench/ whose run module defines SPEC, in name order; others are left out."""
    specs = []
    for module in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if not module.ispkg:
            continue
        spec = getattr(importlib.import_module(f"bench.{module.name}.run"), "SPEC", None)
        if isinstance(spec, BenchSpec):
            specs.append(spec)
    return specs


@dataclass
class Outcome:
    spec: BenchSpec
    size: int
    seconds: float = 0.0
    figures: list[Figure] = field(default_factory=list)
    error: str = ""


def run_all(specs: list[BenchSpec], sizes: dict[str, int]) -> list[Outcome]:
    """Each bench on its own fresh SecantusDB (or MONGO_URL); one failing bench is reported, the rest still run."""
    outcomes = []
    for spec in specs:
        outcome = Outcome(spec, sizes[spec.name])
        print(f"\n== {spec.name}: {spec.summary} ({spec.size_name}={outcome.size:,})", flush=True)
        started = time.perf_counter()
        try:
            with servers() as env:
                outcome.figures = spec.measure(env, outcome.size)
        except Exception as exc:
            traceback.print_exc()
            outcome.error = f"{type(exc).__name__}: {exc}"
        outcome.seconds = time.perf_counter() - started
        outcomes.append(outcome)
    return outcomes


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"


def markdown(outcomes: list[Outcome]) -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "# Bench results",
        "",
        f"`python -m bench` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average at the end {load}. Each figure and its baseline were "
        "measured in the same run; ratio above 1 means the subject beats its baseline (for times: it is faster).",
        "",
        "| bench | size | measured | value | baseline | baseline value | ratio | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        size = f"{o.size:,} {o.spec.size_name}"
        if o.error:
            lines.append(f"| {o.spec.name} | {size} | failed | | | | | {o.error.replace('|', '/')[:200]} |")
        for f in o.figures:
            lines.append(f"| {o.spec.name} | {size} | {f.subject} | {_number(f.value)} {f.unit} | {f.baseline_subject} "
                         f"| {_number(f.baseline)} {f.unit} | {f.ratio:.2f} | {f.note} |")
    lines += ["", "Time per bench: " + ", ".join(f"{o.spec.name} {o.seconds:.0f} s" for o in outcomes) + "."]
    return "\n".join(lines) + "\n"
