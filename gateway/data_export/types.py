"""CustomerDataExport: the document, and where to download the same as a file."""
from datetime import datetime
from urllib.parse import quote

import strawberry
from strawberry.scalars import JSON

DOWNLOAD_PATH = "/exports/customers/{customer_id}.json"


def download_path(customer_id: str) -> str:
    return DOWNLOAD_PATH.format(customer_id=quote(customer_id, safe=""))


@strawberry.type(description="Everything the platform holds on one person (docs/data-rights.md, Access).")
class CustomerDataExport:
    customer_id: strawberry.ID
    exported_at: datetime
    document: JSON = strawberry.field(description="the whole export: exportedAt, customerId, profile, orders, "
                                                  "timeline, segments, consents, loyalty, messages, audit")
    download_url: str = strawberry.field(description="the gateway path serving a fresh export as a file: GET it "
                                                     "with the same credentials (needs customers:personal-data)")

    @classmethod
    def from_document(cls, document: dict) -> "CustomerDataExport":
        return cls(customer_id=strawberry.ID(document["customerId"]),
                   exported_at=datetime.fromisoformat(document["exportedAt"]), document=document,
                   download_url=download_path(document["customerId"]))
