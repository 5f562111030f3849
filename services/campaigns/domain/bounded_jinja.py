"""A Jinja2 sandbox in which no single operation can build a value past the output size limit.

The render budget (template_limits) stops a render between steps; a step that is one C-level call (string
repetition, a huge power, joining a million copies of a long string) can't be interrupted, so those are measured
here *before* they run: binary operators, `~`, the buffers of macros and `{% set %}` blocks, output values,
filters (bounded_filters), and the string and list methods that can grow a value. Every value therefore stays within
the limit (numbers within a few thousand digits) and each step costs at most a small multiple of it.
"""
import re
from functools import wraps

from jinja2.compiler import CodeGenerator
from jinja2.runtime import Namespace
from jinja2.sandbox import SandboxedEnvironment

from services.campaigns.domain.bounded_filters import CONTAINERS, guarded_filters
from services.campaigns.domain.template_limits import ITERATIONS, OUTPUT_SIZE, TemplateLimitExceeded

MAX_INT_BITS = 16_384  # ~4,900 digits: Python won't print a longer number anyway (int max str digits)
SEQUENCES = (str, list, tuple)
# Methods no campaign needs that turn a short value into a huge one in one call.
BLOCKED_STR_METHODS = frozenset({"expandtabs", "translate", "maketrans"})
# Where a number is a width or a count of copies (a number printed or stored is as short as its digits).
WIDTH_STR_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})


class _MeasuredConcat(CodeGenerator):
    """`a ~ b ~ c` compiles to one join; the parts are measured before it (Jinja's own code, one call added)."""

    def visit_Concat(self, node, frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"{join}(environment.measured((")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write(")))")


class BoundedEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _MeasuredConcat

    def __init__(self, *, max_chars: int, max_iterations: int, **options):
        super().__init__(**options)
        self.max_chars, self.max_iterations = max_chars, max_iterations
        self.globals.pop("lipsum", None)  # generates text in Python, out of the budget's sight
        self.globals["range"] = self.bounded_range
        self.filters = guarded_filters(self, self.filters)
        self.concat = self.checked_join  # joins the buffers of macros, call and filter blocks, {% set %} blocks
        self.finalize = self.checked_output

    # -- measuring -------------------------------------------------------------------------------------------
    def refuse(self, what: str):
        raise TemplateLimitExceeded(OUTPUT_SIZE, f"{what} would be longer than {self.max_chars:,} characters")

    def text_size(self, value, depth: int = 0) -> int:
        """How long str(value) would be; stops counting once past the limit, so measuring is cheap too."""
        if isinstance(value, str):
            return len(value)
        if isinstance(value, bool) or value is None or isinstance(value, float):
            return 8
        if isinstance(value, int):
            return value.bit_length() * 3 // 10 + 2
        if isinstance(value, Namespace):
            value = value._Namespace__attrs  # its repr shows its attributes
        if isinstance(value, CONTAINERS):
            if depth > 20:  # a list holding itself prints as [...]; deep nesting is no template's business
                return self.max_chars + 1
            total = 2
            for item in (value.items() if isinstance(value, dict) else value):
                total += self.text_size(item, depth + 1) + 2
                if total > self.max_chars:
                    break
            return total
        return 0  # loop contexts, cyclers, undefined: short representations

    def check_size(self, size: int, what: str) -> None:
        if size > self.max_chars:
            self.refuse(what)

    def check_numbers(self, args, kwargs) -> None:
        """A width or count above the limit would build a value past it (or loop that often out of sight)."""
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > self.max_chars:
                raise TemplateLimitExceeded(OUTPUT_SIZE, f"the number {value:,} is larger than the "
                                                         f"{self.max_chars:,} characters a template may produce")

    def check_format(self, fmt: str, values, placeholder: str) -> None:
        """printf or str.format: each placeholder costs at most the widest value or width in play; a number given
        as a value is a width too when the format takes widths from its values (`%*s`, `{:{}}`)."""
        digits = len(str(self.max_chars))
        widths = [int(run) if len(run) <= digits else self.max_chars + 1 for run in re.findall(r"\d+", fmt)]
        value_widths = "*" in fmt if placeholder == "%" else re.search(r"\{[^{}]*\{", fmt) is not None
        sizes = [max(self.text_size(v), abs(v) if value_widths and isinstance(v, int) else 0) for v in values]
        widest = max(widths + sizes, default=0)
        self.check_size(len(fmt) + fmt.count(placeholder) * widest, "the formatted text")

    # -- hooks Jinja calls -----------------------------------------------------------------------------------
    def bounded_range(self, *args):
        span = range(*args)
        try:
            size = len(span)
        except OverflowError:
            size = self.max_iterations + 1
        if size > self.max_iterations:
            raise TemplateLimitExceeded(ITERATIONS, f"range() of {size:,} items; at most {self.max_iterations:,}")
        return span

    def call_binop(self, context, operator: str, left, right):
        if operator == "*":
            self._check_product(left, right)
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1 \
                    and right * left.bit_length() > MAX_INT_BITS:
                self.refuse(f"{left} ** {right}")
        elif operator == "+":
            if isinstance(left, SEQUENCES) and isinstance(right, SEQUENCES):
                self.check_size(len(left) + len(right), "the joined value")
        elif operator == "%" and isinstance(left, str):
            values = right.values() if isinstance(right, dict) else right if isinstance(right, tuple) else (right,)
            self.check_format(left, values, "%")
        return super().call_binop(context, operator, left, right)

    def _check_product(self, left, right) -> None:
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, SEQUENCES) and isinstance(times, int):
                self.check_size(len(seq) * max(times, 0), "the repeated value")
        if isinstance(left, int) and isinstance(right, int) \
                and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            self.refuse("the product")

    def measured(self, parts: tuple) -> tuple:
        self.check_size(sum(self.text_size(p) for p in parts), "the joined text (~)")
        return parts

    def checked_join(self, parts) -> str:
        parts = parts if isinstance(parts, list) else list(parts)
        self.check_size(sum(map(len, parts)), "a block's output")
        return "".join(parts)

    def checked_output(self, value):
        if not isinstance(value, str):
            self.check_size(self.text_size(value), "the printed value")
        return value

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        if isinstance(obj, str) and attr in BLOCKED_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own naming, avoids clashes)
        owner, name = getattr(__obj, "__self__", None), getattr(__obj, "__name__", "")
        if isinstance(owner, str) and name in WIDTH_STR_METHODS:
            __self.check_numbers(args, kwargs)
        elif isinstance(owner, str) and name == "join" and args:
            args = (list(args[0]), *args[1:])
            __self.check_size(sum(__self.text_size(p) for p in args[0]) + len(owner) * len(args[0]),
                              "the joined text")
        elif isinstance(owner, str) and name == "replace" and len(args) >= 2:
            __self.check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else -1)
        elif isinstance(owner, list) and name == "extend" and args:
            args = (list(args[0]),)
            __self.check_size(len(owner) + len(args[0]), "the list")
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt = value.__self__

        @wraps(wrapped)
        def measured_format(*args, **kwargs):
            values = [*args[0].values()] if value.__name__ == "format_map" and args else [*args, *kwargs.values()]
            self.check_format(fmt, values, "{")
            return wrapped(*args, **kwargs)
        return measured_format

    def check_replace(self, text, old, new, count) -> None:
        if not all(isinstance(v, str) for v in (text, old, new)) or len(new) <= len(old):
            return
        hits = text.count(old) if old else len(text) + 1
        if isinstance(count, int) and count >= 0:
            hits = min(hits, count)
        self.check_size(len(text) + hits * (len(new) - len(old)), "the replaced text")
