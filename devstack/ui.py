"""What devstack prints: progress lines, the summary panel, and failures with the log that explains them."""
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from devstack.stack import GATEWAY, HOST, SINKS, SMTP_PORT, App

console = Console(highlight=False)


def step(message: str) -> None:
    console.print(f"[bold cyan]›[/] {message}")


def done(message: str) -> None:
    console.print(f"[green]✓[/] {message}")


def warn(message: str) -> None:
    console.print(f"[yellow]![/] {message}")


def failure(title: str, message: str, log_tail: str | None = None) -> None:
    body = Text(message)
    if log_tail:
        body.append("\n\n")
        body.append(log_tail, style="dim")
    console.print(Panel(body, title=f"[bold red]{title}", border_style="red", expand=False))


def summary(apps: list[App], *, mongo_url: str, amqp_url: str, logs: str) -> None:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    if GATEWAY in apps:
        table.add_row("GraphiQL", f"[link]{GATEWAY.url}/graphql[/]")
        table.add_row("", "headers: {\"Authorization\": \"Bearer <token below>\"}")
        table.add_row("admin token", f"[dim]{dev_admin_token()}[/] (12 h; python -m gateway.auth token --role ...)")
    for app in apps:
        if app == SINKS:
            table.add_row(app.name, f"{app.url}   sent: /mails /sms   SMTP {HOST}:{SMTP_PORT}")
        elif app != GATEWAY:
            table.add_row(app.name, f"{app.url}   API docs: {app.url}/docs")
    table.add_row("MongoDB", mongo_url)
    table.add_row("RabbitMQ", _without_password(amqp_url))
    table.add_row("logs", logs)
    console.print(Panel(table, title="[bold green]stack is up", subtitle="Ctrl-C stops everything",
                        border_style="green", expand=False))


def dev_admin_token() -> str:
    """A development admin token signed with the gateway's JWT_SECRET (from the same environment)."""
    from gateway.auth.roles import Role
    from gateway.auth.tokens import issue_token
    from gateway.settings import GatewaySettings
    return issue_token(GatewaySettings().jwt_secret.get_secret_value(), "developer", Role.admin)


def _without_password(url: str) -> str:
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
