"""Adds the per-request validation rules (who may do what, how much it may cost) before an operation runs."""
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from gateway.auth.rule import authorization_rule
from gateway.limits import cost_rule
from gateway.settings import GatewaySettings


class RequestRules(SchemaExtension):
    def __init__(self, *, settings: GatewaySettings):
        self.settings = settings

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        execution.validation_rules = (
            *execution.validation_rules,
            authorization_rule(getattr(context, "caller", None), getattr(context, "auth_error", None)),
            cost_rule(self.settings.max_query_cost, self.settings.max_page_size, execution.variables),
        )
        yield
