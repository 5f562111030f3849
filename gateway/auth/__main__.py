"""python -m gateway.auth token [--role admin] [--subject dev] [--hours 12]: prints a signed bearer token."""
import argparse
from datetime import timedelta

from gateway.auth.roles import Role
from gateway.auth.tokens import issue_token
from gateway.settings import GatewaySettings
from shared.production import SecretInUse, load_settings, refuse, unsafe_secrets


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m gateway.auth", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    token = sub.add_parser("token", help="print a bearer token signed with JWT_SECRET")
    token.add_argument("--role", choices=[r.value for r in Role], default="admin")
    token.add_argument("--subject", default="developer")
    token.add_argument("--hours", type=float, default=12)
    args = parser.parse_args()
    settings = load_settings(GatewaySettings, check_secrets=False)  # only JWT_SECRET matters here
    if not settings.dev_tokens_enabled:
        refuse([f"DEV_TOKENS: development tokens are off in {settings.environment}, so the gateway would refuse "
                "this token; sign in through the shop's identity provider or use an API key"])
    problems = unsafe_secrets([SecretInUse("JWT_SECRET", settings.jwt_secret)])
    if settings.environment == "production" and problems:
        refuse(["refusing to sign a token in production (see README, Production secrets):", *problems])
    secret = settings.jwt_secret.get_secret_value()
    print(issue_token(secret, args.subject, Role(args.role), timedelta(hours=args.hours)))


if __name__ == "__main__":
    main()
