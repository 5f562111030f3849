"""Turns GraphQL input objects into the services' JSON bodies: camelCase, unset fields left out."""
import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Any

from strawberry import UNSET


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {camel(f.name): to_json(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) is not UNSET}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value
