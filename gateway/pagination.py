"""Relay-style connections over the services' offset pages; cursors are opaque offsets."""
import base64
from typing import Generic, TypeVar

import strawberry
from graphql import GraphQLError

T = TypeVar("T")
MAX_PAGE = 100


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        kind, value = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        offset = int(value)
        if kind != "offset" or offset < 0:
            raise ValueError
        return offset + 1
    except (ValueError, UnicodeDecodeError):
        raise GraphQLError("after is not a cursor from this API", extensions={"code": "VALIDATION", "field": "after"})


def page_window(first: int, after: str | None) -> tuple[int, int]:
    if not 1 <= first <= MAX_PAGE:
        raise GraphQLError(f"first must be between 1 and {MAX_PAGE}",
                           extensions={"code": "VALIDATION", "field": "first"})
    return first, decode_cursor(after)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, nodes: list, *, offset: int, total: int) -> "Connection":
        edges = [Edge(cursor=encode_cursor(offset + i), node=node) for i, node in enumerate(nodes)]
        return cls(
            edges=edges, total_count=total,
            page_info=PageInfo(has_next_page=offset + len(nodes) < total, has_previous_page=offset > 0,
                               start_cursor=edges[0].cursor if edges else None,
                               end_cursor=edges[-1].cursor if edges else None),
        )
