"""Jinja's filters with a measuring step before those that can grow a value past the output size limit."""
import inspect
from functools import wraps
from typing import TYPE_CHECKING

from jinja2.utils import _PassArg

from services.campaigns.domain.template_limits import OUTPUT_SIZE, TemplateLimitExceeded

if TYPE_CHECKING:
    from services.campaigns.domain.bounded_jinja import BoundedEnvironment

CONTAINERS = (list, tuple, set, frozenset, dict)
# Filters whose numbers are widths or counts of copies, not values to print.
WIDTH_FILTERS = frozenset({"center", "indent", "batch", "slice", "wordwrap", "truncate"})


def guarded_filters(env: "BoundedEnvironment", filters: dict) -> dict:
    return {name: _guarded(env, name, func) for name, func in filters.items()}


def _guarded(env: "BoundedEnvironment", name: str, func):
    lead = 0 if _PassArg.from_obj(func) is None else 1  # the context/environment Jinja passes first
    check = _FILTER_CHECKS.get(name)
    signature = inspect.signature(func) if check else None
    widths = name in WIDTH_FILTERS

    @wraps(func)  # keeps Jinja's pass_context/pass_environment marks
    def guarded(*args, **kwargs):
        if len(args) > lead and isinstance(args[lead], CONTAINERS):  # printed whole by string-making filters
            env.check_size(env.text_size(args[lead]), f"the value given to {name}")
        if widths:
            env.check_numbers(args[lead + 1:], kwargs)
        if check:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            check(env, bound.arguments)
            args, kwargs = bound.args, bound.kwargs
        return func(*args, **kwargs)
    return guarded


def _check_join_filter(env: "BoundedEnvironment", arguments: dict) -> None:
    items = arguments["value"] = list(arguments["value"])
    separator = arguments.get("d") or ""
    env.check_size(sum(env.text_size(i) for i in items) + len(separator) * len(items), "the joined text")


def _check_replace_filter(env: "BoundedEnvironment", arguments: dict) -> None:
    count = arguments.get("count")
    env.check_replace(str(arguments["s"]), str(arguments["old"]), str(arguments["new"]),
                      -1 if count is None else count)


def _check_indent_filter(env: "BoundedEnvironment", arguments: dict) -> None:
    text, width = str(arguments["s"]), arguments["width"]
    pad = width if isinstance(width, int) else len(str(width))
    env.check_size(len(text) + (text.count("\n") + 1) * max(pad, 0), "the indented text")


def _check_wordwrap_filter(env: "BoundedEnvironment", arguments: dict) -> None:
    text, wrap = str(arguments["s"]), arguments.get("wrapstring") or "\n"
    env.check_size(len(text) + (len(text) + 1) * len(wrap), "the wrapped text")  # at most a break per character


def _check_format_filter(env: "BoundedEnvironment", arguments: dict) -> None:
    env.check_format(str(arguments["value"]), [*arguments.get("args", ()), *arguments.get("kwargs", {}).values()],
                     "%")


def _check_sum_filter(env: "BoundedEnvironment", arguments: dict) -> None:
    if not isinstance(arguments.get("start", 0), (int, float)):
        raise TemplateLimitExceeded(OUTPUT_SIZE, "sum() only adds numbers in templates (lists grow quadratically)")


_FILTER_CHECKS = {"join": _check_join_filter, "replace": _check_replace_filter, "indent": _check_indent_filter,
                  "wordwrap": _check_wordwrap_filter, "format": _check_format_filter, "sum": _check_sum_filter}
