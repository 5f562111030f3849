"""customerInsightsModel: the fit in use, for the dashboard."""
import strawberry
from strawberry.types import Info

from gateway.insights.types import CustomerInsightsModel


@strawberry.type
class InsightsQueries:
    @strawberry.field(description="The shop's current insights model: method, when, how many customers, "
                                  "parameters. Null before the first refit.")
    async def customer_insights_model(self, info: Info) -> CustomerInsightsModel | None:
        data = await info.context.clients.customers.insights_model()
        return CustomerInsightsModel.from_json(data) if data else None
