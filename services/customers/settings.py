"""Settings of the customers service process."""
from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class SegmentSettings(BaseModel):
    """The segments wing's settings, `CustomersSettings.segments`, set by SEGMENTS_* environment variables
    (SEGMENTS_BATCH_SIZE=7 is segments.batch_size)."""

    loyalty_url: str = "http://127.0.0.1:8002"
    campaigns_url: str = "http://127.0.0.1:8003"
    batch_size: int = Field(200, ge=1, le=1000, description="customers per job transaction")
    worker_poll_seconds: float = Field(1.0, gt=0)
    job_lease_seconds: float = Field(60.0, gt=0)
    job_max_attempts: int = Field(5, ge=1)
    time_refresh_seconds: float = Field(900.0, gt=0, description="how often time-based segments are recomputed")
    timer_max_sleep_seconds: float = Field(30.0, gt=0, description="longest the boundary timer sleeps before "
                                           "looking again (a boundary another replica's write created is seen by then)")
    http_timeout_seconds: float = Field(10.0, gt=0)


class ConsentSettings(BaseModel):
    """Consent rules, `CustomersSettings.consent`, set by CONSENT_* environment variables
    (CONSENT_DOUBLE_OPT_IN=true is consent.double_opt_in). docs/data-rights.md, Consent with proof."""

    double_opt_in: bool = Field(False, description="an email marketing grant from a signup form waits (pending) "
                                                   "until the person clicks the link of a confirmation mail")


class CsvSettings(BaseModel):
    """Customer CSV import and export, `CustomersSettings.csv`, set by CSV_* environment variables
    (CSV_BATCH_SIZE=200 is csv.batch_size). docs/data-rights.md, CSV import and export."""

    batch_size: int = Field(500, ge=1, le=5000, description="rows per import transaction, customers per export "
                                                             "chunk")
    max_upload_bytes: int = Field(64 * 1024 * 1024, ge=1024, description="largest CSV file an import takes")
    chunk_bytes: int = Field(256 * 1024, ge=1024, description="stored file chunk size")
    upload_keep_seconds: float = Field(2 * 86400, gt=0, description="how long an uploaded file is kept")
    export_keep_seconds: float = Field(86400, gt=0, description="how long an export's file can be downloaded")
    max_problems: int = Field(1000, ge=1, description="refused rows an import keeps the detail of (all are counted)")
    job_lease_seconds: float = Field(60.0, gt=0)
    job_max_attempts: int = Field(3, ge=1)
    worker_poll_seconds: float = Field(1.0, gt=0)


class InsightsSettings(BaseModel):
    """Customer insights (RFM, CLV, churn), `CustomersSettings.insights`, set by INSIGHTS_* environment variables
    (INSIGHTS_REFIT_SECONDS=3600 is insights.refit_seconds). docs/insights.md, Customer insights."""

    refit_seconds: float = Field(86400.0, gt=0, description="how often the shop's model is refitted and everyone "
                                                            "rescored (a claimed job: one replica per interval)")
    batch_size: int = Field(1000, ge=1, le=10000, description="customers per read and per write of a refit")
    score_batch_size: int = Field(200, ge=1, le=5000, description="customers the incremental scorer takes at once")
    score_poll_seconds: float = Field(1.0, gt=0, description="how often the incremental scorer looks for customers "
                                                             "whose orders changed")
    min_customers: int = Field(100, ge=1, description="customers with an order a model fit needs (else heuristics)")
    min_repeat_customers: int = Field(30, ge=1, description="customers with a repeat purchase a fit needs")
    job_lease_seconds: float = Field(300.0, gt=0)


class CustomersSettings(ServiceSettings):
    # "_" with one split: SEGMENTS_BATCH_SIZE reaches segments.batch_size, the variable names segments always had.
    # Only nested models are split this way: `segments`, `consent` (CONSENT_DOUBLE_OPT_IN), `csv` and `insights`.
    model_config = SettingsConfigDict(env_nested_delimiter="_", env_nested_max_split=1)

    service_name: str = "customers"
    mongo_database: str = "customers"
    port: int = 8001
    segments: SegmentSettings = Field(default_factory=SegmentSettings)
    consent: ConsentSettings = Field(default_factory=ConsentSettings)
    csv: CsvSettings = Field(default_factory=CsvSettings)
    insights: InsightsSettings = Field(default_factory=InsightsSettings)
