"""The only code of the campaigns service that touches MongoDB."""
