"""Which permission each field needs. Every root field must be listed: a test fails for one that is not,
and an unlisted one is refused at run time (fail closed)."""
from gateway.auth.roles import Permission as P

ROOT_TYPES = {"Query", "Mutation", "Subscription"}

FIELDS: dict[str, P] = {
    # customers
    "Query.customers": P.customers_read,
    "Query.customer": P.customers_read,
    "Query.customerStats": P.customers_read,
    "Mutation.createCustomer": P.customers_write,
    "Mutation.updateCustomer": P.customers_write,
    "Mutation.deleteCustomer": P.customers_delete,
    "Mutation.recordOrder": P.customers_write,
    "Mutation.changeOrderStatus": P.customers_write,
    "Mutation.recordInteraction": P.customers_write,
    # cross-service fields on a customer
    "Customer.loyalty": P.loyalty_read,
    "Customer.messages": P.campaigns_read,
}


def required_permission(type_name: str, field_name: str) -> P | None:
    """None: no check (an ordinary nested field). A root field missing from FIELDS needs api-keys:manage,
    which only admins hold."""
    coordinate = f"{type_name}.{field_name}"
    if coordinate in FIELDS:
        return FIELDS[coordinate]
    if type_name in ROOT_TYPES and not field_name.startswith("__"):
        return P.api_keys_manage
    return None
