"""Customers imported from a CSV file through the real import path against a raw insert_many of the same
customer documents."""
