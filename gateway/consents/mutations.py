"""recordConsent: append one grant or revoke to a customer's consent ledger (customers:write)."""
import strawberry
from strawberry.types import Info

from gateway.consents.inputs import ConsentInput
from gateway.consents.types import Consent
from gateway.inputs import to_json


@strawberry.type
class ConsentMutations:
    @strawberry.mutation(description="Records a consent decision with its proof; staff's own is attributed to them.")
    async def record_consent(self, info: Info, customer_id: strawberry.ID, input: ConsentInput) -> Consent:
        ctx = info.context
        return Consent.from_json(await ctx.clients.customers.record_consent(customer_id, to_json(input),
                                                                             ctx.forward_headers))
