"""Segment use cases: CRUD, real-time membership, recomputation, queued jobs and bulk actions, the worker."""
