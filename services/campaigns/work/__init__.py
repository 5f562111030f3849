"""Sending machinery: the broker work queue, micro-batching of database writes, background tasks."""
