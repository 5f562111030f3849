"""The segments part of the graph: types, queries and mutations."""
