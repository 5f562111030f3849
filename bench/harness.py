"""What every bench shares: the figures it returns, how it is registered, and the servers it runs against.

A bench is a package `bench/<name>/` whose `run.py` defines `SPEC = BenchSpec(...)`; `python -m bench` finds it
there (see bench.registry), so a new bench plugs in by defining SPEC, nothing else.
"""
import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import aio_pika

from devstack.infra import ensure_rabbitmq, free_port, start_secantus


@dataclass(frozen=True)
class Env:
    """Where a bench's servers are: a MongoDB-wire server and RabbitMQ, both already running."""

    mongo_url: str
    amqp_url: str


@dataclass(frozen=True)
class Figure:
    """One measured figure beside its baseline, measured in the same run."""

    bench: str
    subject: str  # what was measured, e.g. "order.placed credited by loyalty"
    value: float
    baseline_subject: str
    baseline: float
    unit: str  # "events/s", "ms"
    higher_is_better: bool = True
    note: str = ""

    @property
    def ratio(self) -> float:
        """Above 1 the subject beats its baseline, whatever the unit's direction."""
        if not self.value or not self.baseline:
            return 0.0
        return self.value / self.baseline if self.higher_is_better else self.baseline / self.value


@dataclass(frozen=True)
class BenchSpec:
    """A bench as `python -m bench` sees it: one size knob with a quick default, and a measure function."""

    name: str
    size_name: str  # "events", "customers", ...
    quick_size: int  # what `python -m bench` uses: the whole set in about ten minutes
    measure: Callable[[Env, int], list[Figure]]
    summary: str = ""


@contextlib.contextmanager
def servers(mongo_url: str | None = None, amqp_url: str | None = None) -> Iterator[Env]:
    """The machine's RabbitMQ (started if installed and down) and MONGO_URL or a throwaway SecantusDB."""
    amqp_url = amqp_url or os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    ensure_rabbitmq(amqp_url)
    mongo_url = mongo_url or os.environ.get("MONGO_URL")
    if mongo_url:
        yield Env(mongo_url, amqp_url)
        return
    storage, port = tempfile.mkdtemp(prefix="bench-secantus-"), free_port()
    secantus = start_secantus(port, storage)
    try:
        yield Env(f"mongodb://127.0.0.1:{port}/", amqp_url)
    finally:
        secantus.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            secantus.wait(10)
        if secantus.poll() is None:
            secantus.kill()
        shutil.rmtree(storage, ignore_errors=True)


async def delete_broker_names(amqp_url: str, queues: list[str], exchanges: list[str]) -> None:
    """Removes the queues and exchanges a bench declared; names already gone are fine."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        for kind, name in [("queue", q) for q in queues] + [("exchange", e) for e in exchanges]:
            channel = await connection.channel()  # a failed delete closes its channel: one each
            try:
                await (channel.queue_delete(name) if kind == "queue" else channel.exchange_delete(name))
            except aio_pika.exceptions.AMQPError:
                pass


async def delete_service_broker_names(amqp_url: str, *settings) -> None:
    """Removes what services run for a bench declared: each one's queue and parking lot, and their exchange."""
    queues = [name for one in settings for name in (one.queue_name, f"{one.queue_name}.dead")]
    exchanges = sorted({name for one in settings for name in (one.events_exchange, f"{one.events_exchange}.dead")})
    await delete_broker_names(amqp_url, queues, exchanges)


def print_figures(figures: list[Figure]) -> None:
    for f in figures:
        print(f"  {f.subject}: {f.value:,.1f} {f.unit}; {f.baseline_subject}: {f.baseline:,.1f} {f.unit}; "
              f"ratio {f.ratio:.2f}{' (' + f.note + ')' if f.note else ''}", flush=True)
