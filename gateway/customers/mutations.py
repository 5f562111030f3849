"""Customer mutations: create, update, delete, record orders (one or a batch), change an order's status, return some
of its items, record an interaction."""
import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from gateway.customers.enums import OrderStatus
from gateway.customers.inputs import (
    CustomerCreateInput,
    CustomerUpdateInput,
    InteractionInput,
    OrderInput,
    RecordOrdersRowInput,
    ReturnOrderItemsInput,
)
from gateway.customers.types import Customer, Order, RecordOrderResult
from gateway.erasure.flow import DELETED_BY_STAFF, erase
from gateway.inputs import to_json

MAX_ORDER_ROWS = 500  # as POST /orders/batch


@strawberry.type
class DeletePayload:
    id: strawberry.ID
    deleted: bool


@strawberry.type
class CustomerMutations:
    @strawberry.mutation
    async def create_customer(self, info: Info, input: CustomerCreateInput) -> Customer:
        ctx = info.context
        return Customer.from_json(await ctx.clients.customers.create(to_json(input), ctx.forward_headers))

    @strawberry.mutation
    async def update_customer(self, info: Info, id: strawberry.ID, input: CustomerUpdateInput) -> Customer:
        ctx = info.context
        return Customer.from_json(await ctx.clients.customers.update(id, to_json(input), ctx.forward_headers))

    @strawberry.mutation
    async def delete_customer(self, info: Info, id: strawberry.ID) -> DeletePayload:
        # An erasure: orders, ledger and counters stay under the id, personal data goes (docs/data-rights.md).
        await erase(info.context, id, DELETED_BY_STAFF, id_field="id")
        return DeletePayload(id=id, deleted=True)

    @strawberry.mutation
    async def record_order(self, info: Info, customer_id: strawberry.ID, input: OrderInput) -> Order:
        ctx = info.context
        return Order.from_json(await ctx.clients.customers.record_order(customer_id, to_json(input),
                                                                         ctx.forward_headers))

    @strawberry.mutation(description="Up to 500 orders of any customers; one result per row, in order. A bad row "
                                     "(unknown customer, bad item, another customer's order id) stops no other.")
    async def record_orders(self, info: Info, input: list[RecordOrdersRowInput]) -> list[RecordOrderResult]:
        if not 1 <= len(input) <= MAX_ORDER_ROWS:
            raise GraphQLError(f"give 1 to {MAX_ORDER_ROWS} orders",
                               extensions={"code": "VALIDATION", "field": "input"})
        ctx = info.context
        rows = await ctx.clients.customers.record_orders(to_json(input), ctx.forward_headers)
        return [RecordOrderResult.from_json(row) for row in rows]

    @strawberry.mutation(description="Some items of a paid order came back, with a reason; answers the order.")
    async def return_order_items(self, info: Info, customer_id: strawberry.ID, order_id: strawberry.ID,
                                 input: ReturnOrderItemsInput) -> Order:
        ctx = info.context
        return Order.from_json(await ctx.clients.customers.return_order_items(
            customer_id, order_id, to_json(input), ctx.forward_headers))

    @strawberry.mutation
    async def change_order_status(self, info: Info, customer_id: strawberry.ID, order_id: strawberry.ID,
                                  status: OrderStatus) -> Order:
        ctx = info.context
        return Order.from_json(await ctx.clients.customers.change_order_status(
            customer_id, order_id, status.value, ctx.forward_headers))

    @strawberry.mutation
    async def record_interaction(self, info: Info, customer_id: strawberry.ID, input: InteractionInput) -> bool:
        await info.context.clients.customers.record_interaction(customer_id, to_json(input))
        return True
