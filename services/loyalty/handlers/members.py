"""Which customers exist, from the customers service's events; loyalty never reads the customers database."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.loyalty.handlers.deps import Deps, utcnow
from shared.errors import NotFound
from shared.events import contracts
from shared.events.envelope import Envelope


async def require_member(deps: Deps, customer_id: str) -> None:
    if not await deps.members.exists(customer_id):
        raise NotFound(f"customer {customer_id} not found", field="customerId")


async def on_customer_created(deps: Deps, event: contracts.CustomerCreated, envelope: Envelope,
                              session: AsyncClientSession) -> None:
    await deps.members.mark_known(event.customer_id, utcnow(), session)


async def on_customer_deleted(deps: Deps, event: contracts.CustomerDeleted, envelope: Envelope,
                              session: AsyncClientSession) -> None:
    """The member's account, ledger and codes go with the customer; a tombstone keeps late events out."""
    await deps.members.mark_deleted(event.customer_id, utcnow(), session)
    await deps.accounts.delete(event.customer_id, session)
    await deps.ledger.delete_for_customer(event.customer_id, session)
    await deps.redemptions.delete_for_customer(event.customer_id, session)
