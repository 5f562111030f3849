"""python -m gateway.auth token [--role admin] [--subject dev] [--hours 12]: prints a signed development token.
python -m gateway.auth api-key --name NAME [--role admin]: creates an API key in the gateway's database and prints
it once (how the first admin gets in before the identity provider is set up; works in production)."""
import argparse
import asyncio
import getpass
from datetime import datetime, timedelta, timezone

from pymongo import AsyncMongoClient

from gateway.audit.records import AuditActor, AuditRecord
from gateway.audit.store import AuditStore
from gateway.auth.api_keys import ApiKeyStore
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
    api_key = sub.add_parser("api-key", help="create an API key in the gateway's database (MONGO_URL, "
                                             "MONGO_DATABASE) and print it once")
    api_key.add_argument("--name", required=True, help="what the key is for, e.g. 'First admin' or 'Storefront'")
    api_key.add_argument("--role", choices=[r.value for r in Role], default="admin")
    args = parser.parse_args()
    if args.command == "api-key":
        settings = load_settings(GatewaySettings, check_secrets=False)  # it needs the database, no secret
        print(asyncio.run(_create_api_key(settings, args.name, Role(args.role))))
        return
    settings = load_settings(GatewaySettings, check_secrets=False)  # only JWT_SECRET matters here
    if not settings.dev_tokens_enabled:
        refuse([f"DEV_TOKENS: development tokens are off in {settings.environment}, so the gateway would refuse "
                "this token; sign in through the shop's identity provider or use an API key"])
    problems = unsafe_secrets([SecretInUse("JWT_SECRET", settings.jwt_secret)])
    if settings.environment == "production" and problems:
        refuse(["refusing to sign a token in production (see README, Production secrets):", *problems])
    secret = settings.jwt_secret.get_secret_value()
    print(issue_token(secret, args.subject, Role(args.role), timedelta(hours=args.hours)))


async def _create_api_key(settings: GatewaySettings, name: str, role: Role) -> str:
    """The key is recorded in the audit trail as made by the operator at this machine, like any createApiKey."""
    operator = f"operator-cli:{getpass.getuser()}"
    mongo = AsyncMongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=10000)
    try:
        database = mongo[settings.mongo_database]
        store, audit = ApiKeyStore(database["api_keys"]), AuditStore(database["audit_log"])
        record, key = await store.create(name, role, created_by=operator)
        await audit.append(AuditRecord(
            at=datetime.now(timezone.utc), operation="createApiKey", outcome="ok",
            actor=AuditActor(subject=operator, role="admin", via="cli"), target_ids=[record["_id"]],
            input={"name": name, "role": role.value}))
        return key
    finally:
        await mongo.close()


if __name__ == "__main__":
    main()
