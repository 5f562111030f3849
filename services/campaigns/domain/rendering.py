"""Sandboxed Jinja2 content over customer fields: checked when saved, rendered per recipient."""
import html
import re
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from shared.errors import ValidationFailed

# What a template may use; all come from the recipient read model (or a sample for previews and tests).
FIELDS = ("firstName", "lastName", "fullName", "email", "phone")
SAMPLE = {"firstName": "Ada", "lastName": "Lovelace", "fullName": "Ada Lovelace", "email": "ada@example.com",
          "phone": "+14155550123"}
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
           "¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = set("^{}\\[~]|€\f")

_text_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_html_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _env(is_html: bool) -> SandboxedEnvironment:
    return _html_env if is_html else _text_env


def check(source: str, field: str, *, is_html: bool = False) -> None:
    """Raises ValidationFailed naming the field when the template doesn't parse, uses an unknown field or fails."""
    env = _env(is_html)
    try:
        parsed = env.parse(source)
    except TemplateSyntaxError as exc:
        raise ValidationFailed(f"{field}: template error on line {exc.lineno}: {exc.message}", field=field) from exc
    unknown = sorted(meta.find_undeclared_variables(parsed) - set(FIELDS))
    if unknown:
        raise ValidationFailed(f"{field}: unknown template field {', '.join(unknown)}; "
                               f"available: {', '.join(FIELDS)}", field=field)
    try:
        _compiled(source, is_html).render(SAMPLE)
    except (UndefinedError, SecurityError, TypeError, ValueError, ArithmeticError) as exc:
        raise ValidationFailed(f"{field}: template fails to render: {exc}", field=field) from exc


@lru_cache(maxsize=512)
def _compiled(source: str, is_html: bool):
    return _env(is_html).from_string(source)


def render(source: str, context: dict, *, is_html: bool = False) -> str:
    return _compiled(source, is_html).render(context)


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
