"""The only code of the loyalty service that touches MongoDB."""
