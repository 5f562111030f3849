"""Bench: a campaign through the whole service into the SMTP sink vs a bare aiosmtplib loop."""
