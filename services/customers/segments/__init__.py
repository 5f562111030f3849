"""Customer segments, a wing of the customers service with the service's four layers: domain (criteria, the query
language, matcher and compiler), store (segments, members, counters, jobs), handlers (CRUD, real-time membership,
recompute, queued jobs and bulk actions, the worker) and api (/customer-segments, /segment-jobs)."""
