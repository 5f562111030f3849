"""CSV import and export of customers in the graph: importCustomers, exportCustomers, customerImport(id),
customerExport(id), and the expiring download link of an export (docs/data-rights.md, CSV import and export)."""
