"""Customer search by name, email or phone prefix through the API (prefix index) against today's regex scan."""
