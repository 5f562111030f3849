"""Customer mutations: create, update, delete, record an order, change its status, record an interaction."""
import strawberry
from strawberry.types import Info

from gateway.customers.enums import OrderStatus
from gateway.customers.inputs import CustomerCreateInput, CustomerUpdateInput, InteractionInput, OrderInput
from gateway.customers.types import Customer, Order
from gateway.inputs import to_json


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
        await info.context.clients.customers.delete(id, info.context.forward_headers)
        return DeletePayload(id=id, deleted=True)

    @strawberry.mutation
    async def record_order(self, info: Info, customer_id: strawberry.ID, input: OrderInput) -> Order:
        ctx = info.context
        return Order.from_json(await ctx.clients.customers.record_order(customer_id, to_json(input),
                                                                         ctx.forward_headers))

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
