"""The customers part of the graph: types, queries and mutations."""
