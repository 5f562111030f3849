"""What the CSV import and export handlers work with beyond Deps: their settings, their job store and the event
that wakes their worker. Built once, in the app's setup (services/customers/app.py)."""
import asyncio
from dataclasses import dataclass, field

from services.customers.settings import CsvSettings
from services.customers.store.csv_jobs import CsvJobStore
from shared.errors import AppError


class TooLarge(AppError):
    code = "TOO_LARGE"
    http_status = 413


@dataclass
class CsvParts:
    settings: CsvSettings
    store: CsvJobStore
    wake: asyncio.Event = field(default_factory=asyncio.Event)
