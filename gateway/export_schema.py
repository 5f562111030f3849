"""python -m gateway.export_schema: writes the graph's SDL to schema.graphql for frontends' type generation."""
import sys
from pathlib import Path

from gateway.schema import build_schema
from gateway.settings import GatewaySettings

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def current_sdl() -> str:
    return build_schema(GatewaySettings()).as_str() + "\n"


def main() -> int:
    SCHEMA_FILE.write_text(current_sdl())
    print(f"wrote {SCHEMA_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
