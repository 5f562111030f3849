"""Query cost: list fields multiply. `customers(first: 50) { orders(first: 10) }` costs 50 + 50*10 = 550.

Each `first` must be within the page-size bound; the operation's total must be within the cost limit. Fragments are
expanded where they are spread, so they can't hide cost. Depth, aliases and tokens use Strawberry's own limiters.
"""
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    Visitor,
    get_named_type,
    visit,
)
from strawberry.extensions import QueryDepthLimiter

PAGE_ARGUMENT = "first"


def cost_rule(max_cost: int, max_page_size: int, variables: dict | None) -> type[ValidationRule]:
    variables = variables or {}

    class QueryCost(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
            root = self.context.schema.get_root_type(node.operation)
            if root is None:
                return
            cost = self.walk(node.selection_set, root, 1, frozenset())
            if cost > max_cost:
                self.report_error(GraphQLError(
                    f"query cost {cost} exceeds the limit of {max_cost}: ask for smaller pages (first) or fewer "
                    "nested lists", node, extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": max_cost}))

        def walk(self, selection_set: SelectionSetNode, parent, multiplier: int, fragments: frozenset) -> int:
            cost = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    field = getattr(parent, "fields", {}).get(selection.name.value)
                    if field is None:
                        continue  # unknown fields are reported by graphql's own rules
                    size = self.page_size(selection, field)
                    inner = multiplier * size if size else multiplier
                    cost += inner if size else 0
                    if selection.selection_set:
                        cost += self.walk(selection.selection_set, get_named_type(field.type), inner, fragments)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    target = self.context.schema.get_type(condition.name.value) if condition else parent
                    cost += self.walk(selection.selection_set, target or parent, multiplier, fragments)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.context.get_fragment(name)
                    if fragment is None or name in fragments:
                        continue  # unknown fragments and cycles are reported by graphql's own rules
                    target = self.context.schema.get_type(fragment.type_condition.name.value) or parent
                    cost += self.walk(fragment.selection_set, target, multiplier, fragments | {name})
            return cost

        def page_size(self, node: FieldNode, field) -> int | None:
            if PAGE_ARGUMENT not in field.args:
                return None
            given = next((a.value for a in node.arguments or () if a.name.value == PAGE_ARGUMENT), None)
            if isinstance(given, IntValueNode):
                size = int(given.value)
            elif isinstance(given, VariableNode):
                size = variables.get(given.name.value, field.args[PAGE_ARGUMENT].default_value)
            else:
                size = field.args[PAGE_ARGUMENT].default_value
            if not isinstance(size, int) or isinstance(size, bool):
                return None  # a wrongly typed value is reported by graphql's own rules
            if not 1 <= size <= max_page_size:
                self.report_error(GraphQLError(
                    f"{node.name.value}(first: {size}): first must be between 1 and {max_page_size}", node,
                    extensions={"code": "VALIDATION", "field": PAGE_ARGUMENT}))
                return None
            return size

    return QueryCost


class _FragmentSpreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args) -> None:
        self.names.add(node.name.value)


def _spreads_unknown_fragment(document) -> bool:
    spreads = _FragmentSpreads()
    visit(document, spreads)
    defined = {d.name.value for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return not spreads.names <= defined


class DepthLimiter(QueryDepthLimiter):
    """Strawberry's depth limit, minus its KeyError (an uncoded error) on a spread of an undefined fragment:
    such a document is left to graphql's own KnownFragmentNames rule, which refuses it."""

    def __init__(self, max_depth: int):
        super().__init__(max_depth=max_depth)
        (strawberry_rule,) = self.validation_rules

        class FragmentSafeDepthRule(strawberry_rule):
            def __init__(self, context) -> None:
                if _spreads_unknown_fragment(context.document):
                    ValidationRule.__init__(self, context)
                else:
                    super().__init__(context)

        self.validation_rules = [FragmentSafeDepthRule]
