"""A service's running parts: Mongo client, outbox and relay, idempotent consumer, background work and scheduler;
built in the app's lifespan."""
import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import ConnectionFailure, PyMongoError

from shared.actor import actor_from_record, current_actor
from shared.background import BackgroundTask, Supervisor
from shared.batches import Subscription, handle_in_order
from shared.bus.consumer import Consumer, PoisonMessage
from shared.bus.publisher import Publisher
from shared.errors import AppError, Unavailable
from shared.events.envelope import Envelope, Event, UnknownEvent, parse_event
from shared.inbox import AlreadyHandled, Inbox
from shared.jobs import JobClaims
from shared.logging import correlation_id
from shared.mongo import create_client, ping, run_in_transaction
from shared.outbox import Outbox, OutboxRelay
from shared.scheduler import Scheduler
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)
T = TypeVar("T")
EventHandler = Callable[[Event, Envelope, AsyncClientSession], Awaitable[None]]


def bind_handlers(consumes: dict[str, Callable], deps, batched: dict[str, Callable] | None = None
                  ) -> dict[str, EventHandler]:
    """Event type -> handler(event, envelope, session), from handlers written as handler(deps, event, envelope,
    session): the service's dependencies are bound once here. `batched` optionally adds, per type, a handler
    written as handler(deps, [(event, envelope), ...], session) for several events of that type at once."""
    batched = batched or {}
    return {event_type: Subscription(partial(handler, deps),
                                     partial(batched[event_type], deps) if event_type in batched else None)
            for event_type, handler in consumes.items()}


class ServiceRuntime:
    def __init__(self, settings: ServiceSettings):
        self.settings = settings
        self.subscriptions: dict[str, EventHandler] = {}
        self.mongo = create_client(settings.mongo_url)
        self.db = self.mongo[settings.mongo_database]
        self.outbox = Outbox(self.db["outbox"], source=settings.service_name)
        self.inbox = Inbox(self.db["processed_events"])
        self.publisher = Publisher(settings.amqp_url, settings.events_exchange, settings.publish_timeout_seconds)
        self.relay = OutboxRelay(self.outbox, self.publisher, batch_size=settings.outbox_batch_size,
                                 poll_seconds=settings.outbox_poll_seconds)
        self.consumer: Consumer | None = None
        # Names this process in leases and claims: unique per process, readable in the database.
        self.instance_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.background = Supervisor()
        # The service's periodic jobs are added by its setup; `POST .../jobs/{name}/run` goes through it as well.
        self.scheduler = Scheduler(JobClaims(self.db["jobs"]), self.instance_id,
                                   settings.scheduler_interval_seconds)

    async def start(self, subscriptions: dict[str, EventHandler], background: list[BackgroundTask] = ()) -> None:
        """Starts the outbox relay, the consumer (if the service consumes anything), the service's own background
        tasks and, if it has periodic jobs and its scheduler is enabled, the scheduler, in that order."""
        self.subscriptions = subscriptions
        settings = self.settings
        if subscriptions:
            self.consumer = Consumer(
                amqp_url=settings.amqp_url, exchange_name=settings.events_exchange, queue_name=settings.queue_name,
                routing_keys=sorted(subscriptions), handle=self.dispatch, prefetch=settings.consumer_prefetch,
                concurrency=settings.consumer_concurrency, delivery_limit=settings.delivery_limit,
                service=settings.service_name, queue_type=settings.queue_type, handle_batch=self.dispatch_batch,
                batch_size=settings.consumer_batch_size, batch_linger=settings.consumer_batch_linger_seconds,
                batch_workers=settings.consumer_batch_workers,
            )
        try:
            retention = timedelta(days=settings.event_retention_days)
            await self.outbox.ensure_indexes(retention=retention)
            await self.inbox.ensure_indexes(retention=retention)
            await self.scheduler.claims.ensure_indexes()
        except Exception:
            log.warning("database not reachable at start; indexes will be created on the next start", exc_info=True)
        tasks = [BackgroundTask("outbox-relay", self.relay.run)]
        if self.consumer:
            tasks.append(BackgroundTask("consumer", self.consumer.run, after_stop=self.consumer.close))
        tasks.extend(background)
        if self.scheduler.jobs and settings.scheduler_enabled:
            tasks.append(self.scheduler.task())
        for task in tasks:
            self.background.start(task)

    async def stop(self, close_service: Callable[[], Awaitable[None]] | None = None) -> None:
        """Stops background work (last started first), closes the service's own clients (`close_service`), then
        the runtime's connections; each step is bounded so shutdown never hangs."""
        await self.background.stop_all()
        if close_service is not None:
            await self._bounded("service clients", close_service())
        await self._bounded("publisher", self.publisher.close())
        await self._bounded("database client", self.mongo.close())

    @staticmethod
    async def _bounded(what: str, awaitable, seconds: float = 5.0) -> None:
        try:
            await asyncio.wait_for(awaitable, seconds)
        except asyncio.TimeoutError:
            log.warning("shutdown step timed out", extra={"step": what})

    async def transaction(self, work: Callable[[AsyncClientSession], Awaitable[T]]) -> T:
        """Runs work in one transaction, then wakes the relay for any events it added to the outbox."""
        try:
            result = await run_in_transaction(self.mongo, work, attempts=self.settings.transaction_attempts)
        except AppError:
            raise
        except (ConnectionFailure, OSError) as exc:
            raise Unavailable("database unavailable") from exc
        except PyMongoError as exc:
            if exc.has_error_label("TransientTransactionError"):
                # Contention that outlasted the retries, e.g. on documents a killed process's open transaction
                # holds until the server aborts it (up to a minute). Callers get a 503; a consumer holds the
                # event rather than requeueing it toward the delivery limit, which would park a good event.
                raise Unavailable("the database is busy; retry shortly") from exc
            raise
        self.outbox.notify()
        return result

    async def dispatch(self, envelope: Envelope) -> str:
        """Handles one event exactly once: the inbox record and the handler's writes commit together."""
        correlation_id.set(envelope.correlation_id or envelope.id)
        current_actor.set(actor_from_record(envelope.actor))
        handler = self._handler(envelope)
        event = parse_event(envelope)
        try:
            if await self.inbox.seen(envelope.id):
                return "duplicate"
        except ConnectionFailure as exc:
            raise Unavailable("database unavailable") from exc

        async def work(session: AsyncClientSession) -> None:
            await self.inbox.record(session, envelope)
            await handler(event, envelope, session)

        try:
            await self.transaction(work)
        except AlreadyHandled:
            return "duplicate"
        except Unavailable:
            raise
        except AppError as exc:
            # A rule said no (unknown customer, bad data): retrying cannot help.
            raise PoisonMessage(f"{exc.code}: {exc.message}") from exc
        return "handled"

    async def dispatch_batch(self, envelopes: list[Envelope]) -> list[str]:
        """Handles several events in one transaction, each exactly once: one inbox marker per new event, handlers
        in delivery order. All or nothing: on any error it raises and the consumer handles them one by one."""
        parsed = [(self._handler(envelope), parse_event(envelope), envelope) for envelope in envelopes]
        try:
            seen = await self.inbox.seen_many([envelope.id for envelope in envelopes])
        except ConnectionFailure as exc:
            raise Unavailable("database unavailable") from exc
        fresh, outcomes = [], []
        for handler, event, envelope in parsed:
            duplicate = envelope.id in seen
            seen.add(envelope.id)  # the same id twice in one batch: the second is a duplicate too
            outcomes.append("duplicate" if duplicate else "handled")
            if not duplicate:
                fresh.append((handler, event, envelope))
        if not fresh:
            return outcomes

        async def work(session: AsyncClientSession) -> None:
            await self.inbox.record_many(session, [envelope for _, _, envelope in fresh])
            await handle_in_order(fresh, session)

        await self.transaction(work)
        return outcomes

    def _handler(self, envelope: Envelope) -> EventHandler:
        handler = self.subscriptions.get(envelope.type)
        if handler is None:
            raise UnknownEvent(f"{self.settings.service_name} does not handle {envelope.type}")
        return handler

    async def readiness(self) -> dict[str, bool]:
        database = await ping(self.mongo)
        broker = self.consumer.connected if self.consumer else await self.publisher.reachable()
        return {"database": database, "broker": broker}
