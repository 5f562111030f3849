"""schema.graphql in the repo is what the code serves, so frontends can generate types from it."""
from gateway.export_schema import SCHEMA_FILE, current_sdl


def test_schema_file_matches_the_code():
    assert SCHEMA_FILE.exists(), "run: python -m gateway.export_schema"
    assert SCHEMA_FILE.read_text() == current_sdl(), "schema.graphql is stale: run python -m gateway.export_schema"
