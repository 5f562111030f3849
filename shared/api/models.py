"""Model bases: what a request may send (InputModel), what a response shows (PublicModel), a page of either."""
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class InputModel(BaseModel):
    """Request bodies: camelCase names (the Python name is accepted too), unknown fields rejected, strings trimmed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


class PublicModel(BaseModel):
    """Responses: built from Python names or aliases, always shown by alias (camelCase)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class Page(PublicModel, Generic[T]):
    """One window of a list: the items, how many there are in all, and the window that was asked for."""

    items: list[T]
    total: int
    limit: int
    offset: int
