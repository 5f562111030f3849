"""Production mode: a process refuses to start while a secret it uses is missing, short or a development value.

Every process has `ENVIRONMENT` (`development`, the default, or `production`). Its settings class lists the secrets
it uses (`secrets_in_use()`); `require_safe_secrets` checks them in production and `load_settings`, called by
every `__main__` before anything binds a port or connects, turns any problem into one line per variable on stderr
and exit status 2. Values are never printed.
"""
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NoReturn, Protocol, TypeVar

from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings

Environment = Literal["development", "production"]
MIN_SECRET_BYTES = 32
EXIT_UNSAFE = 2

# Every secret value the repository ships or shows: the settings' defaults, what devstack and the tests use, and
# the placeholders older deployment examples carried. A process in production refuses all of them.
DEVELOPMENT_SECRETS = frozenset({
    "dev-internal-token-change-me",
    "dev-only-secret-change-me-before-production",
    "dev-tracking-secret",
    "dev-webhook-secret",
    "dev-twilio-auth-token-change-me",
    "change-me-to-at-least-32-random-bytes",
    "change-me-to-another-random-secret",
})
# Placeholders are often edited rather than replaced ("change-me-to-...-2"): any value carrying this is refused too.
PLACEHOLDER_MARKER = "change-me"


@dataclass(frozen=True)
class SecretInUse:
    variable: str  # the environment variable, as the operator sets it: "JWT_SECRET"
    value: SecretStr | None
    # True for secrets the operator generates (random, 32+ bytes); False for credentials a provider issues
    # (SMTP password, SMS API key), whose length is theirs to choose: only a development value is refused.
    generated: bool = True


class ProductionChecked(Protocol):
    environment: Environment

    def secrets_in_use(self) -> list[SecretInUse]: ...


class UnsafeForProduction(Exception):
    """A production process was given secrets it must not run with; `problems` has one line per variable."""

    def __init__(self, problems: list[str]):
        super().__init__("refusing to run in production: " + "; ".join(problems))
        self.problems = problems


def is_development_value(value: str) -> bool:
    return value.strip() in DEVELOPMENT_SECRETS or PLACEHOLDER_MARKER in value.lower()


def secret_problem(secret: SecretInUse) -> str | None:
    """What is wrong with one secret, without its value; None when it is fit for production."""
    raw = secret.value.get_secret_value() if secret.value is not None else ""
    if not raw.strip():
        return f"{secret.variable}: missing"
    if is_development_value(raw):
        return f"{secret.variable}: a known development value"
    if secret.generated and len(raw.encode()) < MIN_SECRET_BYTES:
        return f"{secret.variable}: shorter than {MIN_SECRET_BYTES} bytes"
    return None


def unsafe_secrets(secrets: Iterable[SecretInUse]) -> list[str]:
    return [problem for secret in secrets if (problem := secret_problem(secret))]


def require_safe_secrets(settings: ProductionChecked) -> None:
    """Raises UnsafeForProduction in production when a secret is unfit; does nothing in development."""
    if settings.environment != "production":
        return
    if problems := unsafe_secrets(settings.secrets_in_use()):
        raise UnsafeForProduction(problems)


S = TypeVar("S", bound=BaseSettings)


def settings_errors(settings_class: type[BaseSettings], error: ValidationError) -> list[str]:
    """One line per invalid variable, named as in the environment; the given value is left out (it may be a
    secret)."""
    prefix = settings_class.model_config.get("env_prefix", "")
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        if not item["loc"]:  # a rule across fields names its variables in its message
            lines.append(item["msg"])
            continue
        field = str(item["loc"][0])
        info = settings_class.model_fields.get(field)
        # A field with its own alias (ENVIRONMENT in the sinks) is read without the prefix.
        variable = field.upper() if info is not None and info.validation_alias else f"{prefix}{field}".upper()
        lines.append(f"{variable}: {item['msg']}")
    return lines


def load_settings(settings_class: type[S], *, check_secrets: bool = True) -> S:
    """For `__main__`: the process's settings from the environment, checked for production, or exit status 2
    with one line per offending variable on stderr. `check_secrets=False` for a tool that checks its own."""
    try:
        settings = settings_class()
        if check_secrets:
            require_safe_secrets(settings)  # type: ignore[arg-type]
        return settings
    except ValidationError as exc:
        lines = ["invalid settings:", *settings_errors(settings_class, exc)]
    except UnsafeForProduction as exc:
        lines = ["refusing to start in production (see README, Production secrets):", *exc.problems]
    refuse(lines)


def refuse(lines: list[str]) -> NoReturn:
    print("\n".join(lines), file=sys.stderr, flush=True)
    raise SystemExit(EXIT_UNSAFE)
