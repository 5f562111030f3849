"""Splits segment query text into tokens, each with its 1-based position for error messages."""
import re
from dataclasses import dataclass


class QuerySyntaxError(ValueError):
    """A parse or type error in a segment query, naming where and what was expected."""

    def __init__(self, position: int, message: str, expected: str | None = None):
        super().__init__(f"at position {position}: {message}")
        self.position = position
        self.expected = expected


@dataclass(frozen=True)
class Token:
    kind: str     # DATE, RELDATE, NUMBER, STRING, OP, LPAREN, RPAREN, COMMA, WORD, END
    text: str
    position: int
    value: object = None

    def describe(self) -> str:
        return "end of query" if self.kind == "END" else f"'{self.text}'"


KEYWORDS = {"AND", "OR", "NOT", "IN", "HAS", "ANY", "ALL", "NONE"}
_PATTERNS = [
    ("SPACE", r"\s+"),
    ("DATE", r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?(?![\w.])"),
    ("RELDATE", r"-\d+d(?![\w.])"),
    ("NUMBER", r"-?\d+(?:\.\d+)?(?![\w.])"),
    ("STRING", r'"(?:[^"\\]|\\.)*"'),
    ("OP", r">=|<=|!=|=|>|<"),
    ("LPAREN", r"\("),
    ("RPAREN", r"\)"),
    ("COMMA", r","),
    ("WORD", r"[A-Za-z_][A-Za-z0-9_.\-]*"),
]
_SCANNER = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS))


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        match = _SCANNER.match(text, index)
        position = index + 1
        if match is None:
            if text[index] == '"':
                raise QuerySyntaxError(position, "unterminated string", expected='a closing "')
            raise QuerySyntaxError(position, f"unexpected character '{text[index]}'",
                                   expected="a field, value, operator or parenthesis")
        kind, raw = match.lastgroup, match.group()
        index = match.end()
        if kind == "SPACE":
            continue
        value = None
        if kind == "STRING":
            value = re.sub(r"\\(.)", r"\1", raw[1:-1])
        elif kind == "WORD" and raw.upper() in KEYWORDS:
            kind, raw = "KEYWORD", raw.upper()
        tokens.append(Token(kind, raw, position, value))
    tokens.append(Token("END", "", len(text) + 1))
    return tokens
