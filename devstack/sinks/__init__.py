"""Local delivery fakes for runs and tests: an SMTP sink (aiosmtpd) and a small SMS provider (HTTP).

`python -m devstack.sinks` runs both in one process; GET /mails and GET /sms show what arrived.
"""
