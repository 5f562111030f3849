"""Routes: /customer-segments and /segment-jobs."""
