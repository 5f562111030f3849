"""Settings of the loyalty service process."""
from pydantic import Field

from shared.settings import ServiceSettings


class LoyaltySettings(ServiceSettings):
    service_name: str = "loyalty"
    mongo_database: str = "loyalty"
    port: int = 8002
    points_expiry_days: int = Field(365, ge=1, description="credited points expire this long after they were earned")
    job_lease_seconds: float = Field(300.0, gt=0, description="a claimed job another replica may take over after")
    job_batch_size: int = Field(100, ge=1, description="accounts changed per transaction by a job")
    customers_url: str = Field("http://127.0.0.1:8001", description="the customers service, asked about a customer "
                               "loyalty has not heard of yet (docs/loyalty.md, Customers)")
    customers_timeout_seconds: float = Field(5.0, gt=0, description="how long a customer lookup may take")
