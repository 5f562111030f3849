"""Segment count through the API (stored, incremental) against a raw count_documents with the same filter."""
