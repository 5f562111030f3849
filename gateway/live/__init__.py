"""Real-time: GraphQL subscriptions fed from the broker (customer activity, segment counts)."""
