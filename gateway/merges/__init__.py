"""mergeCustomers and duplicateCustomers: folding one customer into another, and finding likely pairs."""
