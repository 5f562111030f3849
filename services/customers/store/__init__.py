"""The only code of the customers service that touches MongoDB."""
