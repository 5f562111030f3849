"""Who is calling and what they may do: signed tokens, roles and the field policy (enforcement comes with issue 6)."""
