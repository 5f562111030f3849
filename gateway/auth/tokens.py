"""Signed bearer tokens (JWT, HS256) carrying the caller's role."""
from datetime import datetime, timedelta, timezone

import jwt

from gateway.auth.roles import Role

ALGORITHM = "HS256"


class InvalidToken(Exception):
    """The token is malformed, expired, wrongly signed or names no known role."""


def issue_token(secret: str, subject: str, role: Role, ttl: timedelta = timedelta(hours=12)) -> str:
    now = datetime.now(timezone.utc)
    return jwt.encode({"sub": subject, "role": role.value, "iat": now, "exp": now + ttl}, secret, algorithm=ALGORITHM)


def read_token(secret: str, token: str) -> tuple[str, Role]:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "role"]})
        return claims["sub"], Role(claims["role"])
    except (jwt.PyJWTError, ValueError) as exc:
        raise InvalidToken(str(exc)) from exc
