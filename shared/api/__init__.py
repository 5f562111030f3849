"""The API helpers every service's routes share: input and output model bases, the page, query parameters."""
from shared.api.models import InputModel, Page, PublicModel
from shared.api.params import (
    MAX_IDS,
    MAX_OFFSET,
    MAX_PAGE,
    Correlation,
    CustomerIds,
    Limit,
    Offset,
    parse_id_list,
)

__all__ = ["InputModel", "PublicModel", "Page", "Limit", "Offset", "CustomerIds", "Correlation", "parse_id_list",
           "MAX_PAGE", "MAX_OFFSET", "MAX_IDS"]
