"""The opt-out line every marketing SMS ends with (carriers and the TCPA/CTIA rules expect one in each message).
Email has its own: the unsubscribe link and List-Unsubscribe header (domain/tracking.py)."""

DEFAULT_SMS_OPT_OUT_LINE = "Reply STOP to opt out"


def with_sms_opt_out_line(text: str, line: str, *, purpose: str = "marketing") -> str:
    """`text` ending with the opt-out line, on its own line. Unchanged when the body already carries the line
    (any case: a template that words it itself is not doubled), when no line is configured, or for transactional
    messages (an order update or a code is not marketing; STOP still works for them at the provider)."""
    line = line.strip()
    if purpose != "marketing" or not line or line.casefold() in text.casefold():
        return text
    return f"{text.rstrip()}\n{line}"
