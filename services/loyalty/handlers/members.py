"""Which customers exist and whether they may transact: kept from the customers service's events, and asked of the
customers service when loyalty is asked about an id it has not heard of yet. Loyalty never reads their database."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.loyalty.domain.records import Member
from services.loyalty.handlers.deps import Deps, utcnow
from shared.errors import Conflict, NotFound
from shared.events import contracts
from shared.events.envelope import Envelope

Session = AsyncClientSession | None


class CustomerSuspended(Conflict):
    code = "CUSTOMER_SUSPENDED"


async def known_member(deps: Deps, customer_id: str, session: Session = None) -> Member:
    """The member as loyalty knows them. An id never heard of is asked of the customers service and the answer
    kept, so a customer created a moment ago is no 404 while their customer.created is on the way. Unknown
    there or deleted: 404; the customers service unreachable: 503 (Unavailable)."""
    member = await deps.members.get(customer_id, session)
    if member is None:
        found = await deps.customers.find(customer_id)
        if found is not None:
            member = await deps.members.remember(found.customer_id, found.status, utcnow(), "lookup", session)
    if member is None or member.deleted:
        raise NotFound(f"customer {customer_id} not found", field="customerId")
    return member


async def require_member(deps: Deps, customer_id: str) -> None:
    await known_member(deps, customer_id)


async def ensure_can_transact(deps: Deps, customer_id: str, session: Session = None) -> None:
    """May the customer be credited or redeem: known and not deleted (else 404), not suspended (else 409)."""
    if (await known_member(deps, customer_id, session)).suspended:
        raise CustomerSuspended(f"customer {customer_id} is suspended", field="customerId")


async def _remember(deps: Deps, event: contracts.CustomerContact, envelope: Envelope,
                    session: AsyncClientSession) -> None:
    # The envelope's time orders the statuses: a customer.updated delivered late can't undo a newer one.
    await deps.members.remember(event.customer_id, event.status, envelope.occurred_at, "event", session)


async def on_customer_created(deps: Deps, event: contracts.CustomerCreated, envelope: Envelope,
                              session: AsyncClientSession) -> None:
    await _remember(deps, event, envelope, session)


async def on_customer_updated(deps: Deps, event: contracts.CustomerUpdated, envelope: Envelope,
                              session: AsyncClientSession) -> None:
    await _remember(deps, event, envelope, session)


async def on_customer_deleted(deps: Deps, event: contracts.CustomerDeleted, envelope: Envelope,
                              session: AsyncClientSession) -> None:
    """History stays: the ledger, the redemptions and the account are kept (the account marked deleted); the
    tombstone keeps late events out and answers 404 for the id from now on."""
    now = utcnow()
    await deps.members.mark_deleted(event.customer_id, now, session)
    await deps.accounts.mark_deleted(event.customer_id, now, session)


async def on_customer_erased(deps: Deps, event: contracts.CustomerErased, envelope: Envelope,
                             session: AsyncClientSession) -> None:
    """Loyalty keeps no name, email or phone: erasure leaves the same tombstone as a delete. The account, ledger
    and redemptions stay under the customer id (a pseudonym now), so program analytics read the same. Handled
    twice (redelivery), it changes nothing more."""
    await on_customer_deleted(deps, contracts.CustomerDeleted(customerId=event.customer_id), envelope, session)
