"""Segment settings are part of the customers settings (settings.segments), set by the SEGMENTS_* variables they
always had, and handed to the segment wing once when the app's dependencies are built."""
from types import SimpleNamespace

import pytest
from pydantic import ValidationError
from pymongo import AsyncMongoClient

from services.customers.handlers.deps import Deps
from services.customers.settings import CustomersSettings


def test_segments_variables_reach_the_nested_settings(monkeypatch):
    monkeypatch.setenv("SEGMENTS_BATCH_SIZE", "7")
    monkeypatch.setenv("SEGMENTS_LOYALTY_URL", "http://loyalty.internal:9002")
    monkeypatch.setenv("SEGMENTS_TIME_REFRESH_SECONDS", "30")
    settings = CustomersSettings()
    assert settings.segments.batch_size == 7
    assert settings.segments.loyalty_url == "http://loyalty.internal:9002"
    assert settings.segments.time_refresh_seconds == 30
    assert settings.segments.campaigns_url == "http://127.0.0.1:8003"  # unset: the default


def test_a_bad_segments_variable_names_the_nested_field(monkeypatch):
    monkeypatch.setenv("SEGMENTS_BATCH_SIZE", "0")
    with pytest.raises(ValidationError) as caught:
        CustomersSettings()
    assert caught.value.errors()[0]["loc"] == ("segments", "batch_size")


def test_the_other_variables_are_still_read_flat(monkeypatch):
    monkeypatch.setenv("MONGO_DATABASE", "customers_elsewhere")
    monkeypatch.setenv("SEGMENTS_JOB_MAX_ATTEMPTS", "2")
    settings = CustomersSettings()
    assert settings.mongo_database == "customers_elsewhere" and settings.segments.job_max_attempts == 2


async def test_the_segment_wing_and_its_clients_get_the_settings_built_once(monkeypatch):
    monkeypatch.setenv("SEGMENTS_CAMPAIGNS_URL", "http://campaigns.internal:9003")
    settings = CustomersSettings()
    monkeypatch.setenv("SEGMENTS_CAMPAIGNS_URL", "http://read-too-late:1")  # nothing reads the environment again
    client = AsyncMongoClient("mongodb://127.0.0.1:1/", connect=False)  # never reached: building opens nothing
    try:
        parts = Deps.build(settings, SimpleNamespace(db=client["customers"])).segments
    finally:
        await client.close()
    assert parts.settings is settings.segments
    assert parts.campaigns.settings.campaigns_url == "http://campaigns.internal:9003"
    assert parts.loyalty.settings is settings.segments
