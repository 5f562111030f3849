"""Campaigns in the graph: campaigns, templates, metrics, recipients and Customer.messages."""
