"""API keys in the graph: admins create, list and revoke the keys integrations use."""
