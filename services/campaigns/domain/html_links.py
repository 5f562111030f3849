"""The http(s) links of an HTML body, read as a browser reads an href, and replaced by tracked ones."""
import html
import html.entities
import re
from collections.abc import Callable
from dataclasses import dataclass

# An href attribute, double- or single-quoted (not data-href and the like).
_HREF = re.compile(r"""(?<![\w-])(href\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# What html.unescape treats as a character reference (its own pattern).
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_HTTP = re.compile(r"https?://", re.IGNORECASE)
# A browser's URL parser drops these anywhere and trims C0 controls and spaces at both ends.
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
MAX_TRACKED_LINKS = 100


@dataclass(frozen=True)
class TrackedHtml:
    html: str
    links: list[str]  # the original URLs, in order of first appearance; a click token names one by position


def attribute_value(raw: str) -> str:
    """An attribute's text as a browser decodes it: like html.unescape, except that a named reference without
    its semicolon followed by `=` or a letter or digit stays literal (HTML's attribute rule), so
    `?a=1&copy=2` keeps `&copy=2` where html.unescape would make it `©=2`."""

    def replace(match: re.Match) -> str:
        ref = match.group(1)
        if ref.startswith("#") or ref.endswith(";"):
            return html.unescape(match.group(0))
        for end in range(len(ref), 0, -1):  # the longest legacy name without a semicolon, as browsers match it
            name = ref[:end]
            if name in html.entities.html5:
                after = ref[end:end + 1]
                if after and (after == "=" or after.isalnum()):
                    return match.group(0)
                return html.entities.html5[name] + ref[end:]
        return match.group(0)

    return _CHARREF.sub(replace, raw)


def url_of(raw_href: str) -> str | None:
    """The URL a browser follows for this href attribute text, or None when it is not an http(s) link."""
    url = _TAB_OR_NEWLINE.sub("", attribute_value(raw_href)).strip(_C0_AND_SPACE)
    return url if _HTTP.match(url) else None


def rewrite_links(body: str, tracked_url: Callable[[int], str]) -> TrackedHtml:
    """Every http(s) href goes through `tracked_url(position)`; the same URL twice shares one position. Links
    past MAX_TRACKED_LINKS distinct URLs are left as they are (they still work, just untracked)."""
    links: list[str] = []
    positions: dict[str, int] = {}

    def replace(match: re.Match) -> str:
        raw = match.group(2) if match.group(2) is not None else match.group(3)
        url = url_of(raw)
        if url is None:
            return match.group(0)
        if url not in positions:
            if len(links) >= MAX_TRACKED_LINKS:
                return match.group(0)
            positions[url] = len(links)
            links.append(url)
        return f'{match.group(1)}"{html.escape(tracked_url(positions[url]), quote=True)}"'

    return TrackedHtml(_HREF.sub(replace, body), links)
