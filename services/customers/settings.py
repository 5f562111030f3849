"""Settings of the customers service process."""
from shared.settings import ServiceSettings


class CustomersSettings(ServiceSettings):
    service_name: str = "customers"
    mongo_database: str = "customers"
    port: int = 8001
