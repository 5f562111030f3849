"""Who is calling and what they may do: tokens, API keys, roles and the field policy."""
