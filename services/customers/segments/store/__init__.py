"""The only segment code that touches MongoDB: segments, members, counters, jobs."""
