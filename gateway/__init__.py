"""The GraphQL gateway: one customer graph over the services' HTTP APIs."""
