"""Sandboxed Jinja2 content over customer fields: checked when saved, rendered per recipient."""
import html
import re
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateSyntaxError, meta

from services.campaigns.domain import template_limits
from services.campaigns.domain.bounded_jinja import BoundedEnvironment
from services.campaigns.domain.template_limits import OUTPUT_SIZE, RenderFailed, RenderLimits, TemplateLimitExceeded
from shared.errors import ValidationFailed

# What a template may use; all come from the recipient read model (or a sample for previews and tests).
FIELDS = ("firstName", "lastName", "fullName", "email", "phone")
SAMPLE = {"firstName": "Ada", "lastName": "Lovelace", "fullName": "Ada Lovelace", "email": "ada@example.com",
          "phone": "+14155550123"}
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
           "¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = set("^{}\\[~]|€\f")
# A template is code written in the dashboard: whatever it raises for one customer's data (a sandbox refusal, an
# undefined name, 1/0, int("x"), runaway recursion, an assertion in a filter) is that template's failure.
RENDER_ERRORS = (Exception,)


@lru_cache(maxsize=8)
def _env(is_html: bool, limits: RenderLimits) -> BoundedEnvironment:
    return BoundedEnvironment(max_chars=limits.max_output_chars, max_iterations=limits.max_iterations,
                              undefined=StrictUndefined, autoescape=is_html)


def check(source: str, field: str, *, is_html: bool = False) -> None:
    """Raises ValidationFailed naming the field when the template doesn't parse, uses an unknown field, fails or
    goes past a limit (template_limits) for the sample customer."""
    try:
        parsed = _env(is_html, template_limits.current()).parse(source)
    except TemplateSyntaxError as exc:
        raise ValidationFailed(f"{field}: template error on line {exc.lineno}: {exc.message}", field=field) from exc
    unknown = sorted(meta.find_undeclared_variables(parsed) - set(FIELDS))
    if unknown:
        raise ValidationFailed(f"{field}: unknown template field {', '.join(unknown)}; "
                               f"available: {', '.join(FIELDS)}", field=field)
    try:
        render_field(source, field, SAMPLE, is_html=is_html)
    except RenderFailed as exc:
        raise ValidationFailed(str(exc), field=field) from exc


@lru_cache(maxsize=512)
def _compiled(source: str, is_html: bool, limits: RenderLimits):
    return _env(is_html, limits).from_string(source)


def render(source: str, context: dict, *, is_html: bool = False) -> str:
    """Renders within the thread's limits; raises TemplateLimitExceeded past one of them. Compiling (cached) is
    outside the budget: it depends on the template only and was done when the template was saved."""
    limits = template_limits.current()
    template = _compiled(source, is_html, limits)
    chunks, size = [], 0
    with template_limits.budgeted(limits):
        for chunk in template.generate(context):  # streamed, so the output is counted as it grows
            size += len(chunk)
            if size > limits.max_output_chars:
                raise TemplateLimitExceeded(OUTPUT_SIZE, f"renders more than {limits.max_output_chars:,} characters")
            chunks.append(chunk)
    return "".join(chunks)


def render_field(source: str, field: str, context: dict, *, is_html: bool = False) -> str:
    """render(), with any failure (a limit, or an error such as a division by zero) as RenderFailed on the field."""
    try:
        return render(source, context, is_html=is_html)
    except TemplateLimitExceeded as exc:
        raise RenderFailed(field, f"template {exc}", exc.limit) from exc
    except RENDER_ERRORS as exc:
        raise RenderFailed(field, f"template fails to render: {exc}") from exc


def context_for(recipient: dict) -> dict:
    first, last = recipient.get("firstName") or "", recipient.get("lastName") or ""
    return {"firstName": first, "lastName": last, "fullName": f"{first} {last}".strip(),
            "email": recipient.get("email") or "", "phone": recipient.get("phone") or ""}


def text_to_html(text: str) -> str:
    """An HTML body for campaigns written as plain text: escaped paragraphs, links made clickable."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    linked = [re.sub(r"(https?://[^\s<]+)", r'<a href="\1">\1</a>', html.escape(p)).replace("\n", "<br>")
              for p in paragraphs]
    return "".join(f"<p>{p}</p>" for p in linked)


def sms_info(text: str) -> dict:
    """Length and number of SMS segments: GSM-7 160/153 per segment, otherwise UCS-2 70/67."""
    if all(c in GSM7 or c in GSM7_EXT for c in text):
        length = sum(2 if c in GSM7_EXT else 1 for c in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    segments = 1 if length <= single else -(-length // multi)
    return {"length": length, "segments": segments, "encoding": encoding}
