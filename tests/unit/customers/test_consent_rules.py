"""The consent ledger's pure rules: which decision the flags follow, what waits for a double opt-in."""
from datetime import datetime, timedelta, timezone

from services.customers.domain.consents import ConsentRecord, derived_flags, needs_confirmation

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _record(channel: str, status: str, days: int, *, purpose: str = "marketing", recorded: int = 0) -> ConsentRecord:
    return ConsentRecord(id=f"{channel}{status}{days}{recorded}", customer_id="c", channel=channel, purpose=purpose,
                         status=status, source="admin", occurred_at=T0 + timedelta(days=days),
                         recorded_at=T0 + timedelta(days=days, seconds=recorded))


def test_no_decision_is_out_and_the_latest_given_decision_wins_whatever_the_order_recorded():
    assert derived_flags([]) == {"email": False, "sms": False, "push": False}
    ledger = [_record("email", "granted", 5), _record("email", "revoked", 2),  # an older revoke learnt later
              _record("sms", "granted", 1), _record("sms", "revoked", 3)]
    assert derived_flags(ledger) == {"email": True, "sms": False, "push": False}


def test_pending_and_transactional_records_move_no_flag_and_same_time_ties_go_to_the_later_recorded():
    ledger = [_record("email", "pending", 9), _record("push", "granted", 1, purpose="transactional"),
              _record("sms", "granted", 4, recorded=1), _record("sms", "revoked", 4, recorded=2)]
    assert derived_flags(ledger) == {"email": False, "sms": False, "push": False}


def test_only_a_signup_form_email_marketing_grant_waits_and_only_when_the_setting_is_on():
    assert needs_confirmation("email", "marketing", "granted", "signup_form", True)
    assert not needs_confirmation("email", "marketing", "granted", "signup_form", False)
    assert not needs_confirmation("email", "marketing", "granted", "admin", True)
    assert not needs_confirmation("sms", "marketing", "granted", "signup_form", True)
    assert not needs_confirmation("email", "transactional", "granted", "signup_form", True)
    assert not needs_confirmation("email", "marketing", "revoked", "signup_form", True)
