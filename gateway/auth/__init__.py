"""Who is calling and what they may do: tokens, API keys, roles, the field policy and its enforcement."""
