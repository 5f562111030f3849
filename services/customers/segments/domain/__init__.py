"""Segment criteria: one AST, written as structured JSON or as query-language text; matched in memory or in Mongo."""
