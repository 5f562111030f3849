"""The insights' settings come from INSIGHTS_* variables (CustomersSettings.insights), bounded."""
import pytest
from pydantic import ValidationError

from services.customers.settings import CustomersSettings


def test_insights_settings_are_read_from_insights_variables(monkeypatch):
    monkeypatch.setenv("INSIGHTS_REFIT_SECONDS", "3600")
    monkeypatch.setenv("INSIGHTS_MIN_REPEAT_CUSTOMERS", "5")
    settings = CustomersSettings()
    assert settings.insights.refit_seconds == 3600 and settings.insights.min_repeat_customers == 5
    assert settings.insights.min_customers == 100  # the documented default


def test_a_refit_interval_must_be_positive(monkeypatch):
    monkeypatch.setenv("INSIGHTS_REFIT_SECONDS", "0")
    with pytest.raises(ValidationError):
        CustomersSettings()
