"""refitCustomerInsights: refit the shop's model and rescore everyone now (the schedule does it daily)."""
import strawberry
from strawberry.types import Info

from gateway.insights.types import CustomerInsightsModel

REFIT_TIMEOUT_SECONDS = 300.0  # a refit reads every customer's orders: longer than an ordinary call


@strawberry.type
class InsightsMutations:
    @strawberry.mutation(description="Refits the RFM boundaries and the BG/NBD and Gamma-Gamma models on the shop's "
                                     "orders and rescores every customer; answers the new fit.")
    async def refit_customer_insights(self, info: Info) -> CustomerInsightsModel:
        ctx = info.context
        return CustomerInsightsModel.from_json(
            await ctx.clients.customers.refit_insights(ctx.forward_headers, REFIT_TIMEOUT_SECONDS))
