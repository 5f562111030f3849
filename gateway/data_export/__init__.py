"""exportCustomerData: one person's data, from every service and the audit log, as one JSON document or file."""
