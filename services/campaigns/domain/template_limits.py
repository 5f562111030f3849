"""How far one template render may go (output size, loop iterations, time) and the budget that enforces it."""
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

# Jinja compiles a template loaded from a string under this file name; only such frames are traced line by line.
TEMPLATE_CODE = "<template>"

OUTPUT_SIZE, ITERATIONS, RENDER_TIME = "output size", "loop iterations", "render time"


@dataclass(frozen=True)
class RenderLimits:
    max_output_chars: int = 1_000_000
    max_iterations: int = 100_000
    max_seconds: float = 1.0


class TemplateLimitExceeded(Exception):
    """A render (or one operation in it) would go past a limit; `limit` names which one."""

    def __init__(self, limit: str, detail: str):
        super().__init__(f"over the {limit} limit: {detail}")
        self.limit = limit
        self.detail = detail


class RenderFailed(Exception):
    """A field's template could not be rendered for one recipient (a limit, or an error such as 1/0)."""

    def __init__(self, field: str, message: str, limit: str | None = None):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.limit = limit


class _CutOff(BaseException):
    """Raised from the trace function. A BaseException, so no `except Exception` in Jinja or a filter can swallow
    it and keep the render going (CPython also switches the tracer off once it raised)."""

    def __init__(self, limit: str, detail: str):
        super().__init__(limit, detail)
        self.limit, self.detail = limit, detail


class _Budget:
    """Counts executed template lines (every pass through a loop body is at least one) and watches the clock.
    The clock is also read when Python functions start in this thread (filters, Jinja's runtime), every
    CLOCK_EVERY events: no single step can take long (bounded_jinja), so that's soon enough and keeps it cheap."""

    CLOCK_EVERY = 32

    def __init__(self, limits: RenderLimits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.steps_left = limits.max_iterations
        self.calls = 0

    def on_call(self, frame, event, arg):
        if frame.f_code.co_filename == TEMPLATE_CODE:
            return self.on_line
        self.calls += 1
        if self.calls % self.CLOCK_EVERY == 0:
            self._check_clock()
        return None

    def on_line(self, frame, event, arg):
        if event == "line":
            self.steps_left -= 1
            if self.steps_left < 0:
                raise _CutOff(ITERATIONS, f"runs more than {self.limits.max_iterations:,} template steps")
            if self.steps_left % self.CLOCK_EVERY == 0:
                self._check_clock()
        return self.on_line

    def _check_clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise _CutOff(RENDER_TIME, f"takes longer than {self.limits.max_seconds:g} s")


@contextmanager
def budgeted(limits: RenderLimits):
    """Runs the block under a fresh budget in this thread; a cut-off surfaces as TemplateLimitExceeded.

    A trace function can't stop one long C-level operation (``"x" * 10**9``): the bounded environment refuses
    those before they start, so every single step is short and the budget is checked between them."""
    previous = sys.gettrace()  # a debugger's or coverage's tracer, put back afterwards
    sys.settrace(_Budget(limits).on_call)
    try:
        yield
    except _CutOff as cut:
        raise TemplateLimitExceeded(cut.limit, cut.detail) from None
    finally:
        sys.settrace(previous)


_active = threading.local()


@contextmanager
def using(limits: RenderLimits):
    """The limits renders in this thread use (set by the render pool around each job); defaults otherwise."""
    before = getattr(_active, "limits", None)
    _active.limits = limits
    try:
        yield
    finally:
        _active.limits = before


def current() -> RenderLimits:
    return getattr(_active, "limits", None) or RenderLimits()
