"""python -m gateway.auth token [--role admin] [--subject dev] [--hours 12]: prints a signed bearer token."""
import argparse
from datetime import timedelta

from gateway.auth.roles import Role
from gateway.auth.tokens import issue_token
from gateway.settings import GatewaySettings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m gateway.auth", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    token = sub.add_parser("token", help="print a bearer token signed with JWT_SECRET")
    token.add_argument("--role", choices=[r.value for r in Role], default="admin")
    token.add_argument("--subject", default="developer")
    token.add_argument("--hours", type=float, default=12)
    args = parser.parse_args()
    settings = GatewaySettings()
    print(issue_token(settings.jwt_secret, args.subject, Role(args.role), timedelta(hours=args.hours)))


if __name__ == "__main__":
    main()
