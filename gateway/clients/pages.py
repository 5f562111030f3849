"""A service's page of items ({items, total}) parsed into typed items once, at the client."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ServicePage(Generic[T]):
    items: list[T]
    total: int

    @classmethod
    def parse(cls, data: dict, item: Callable[[dict], T]) -> "ServicePage[T]":
        return cls([item(i) for i in data["items"]], data["total"])
