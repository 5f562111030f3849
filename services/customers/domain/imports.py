"""Customer and order CSV files: their columns, and each row checked by the API's own models (CustomerCreate,
OrderCreate), giving either the validated values or the row's problems (line, column, message).

Header names are the API's field names (address fields without a prefix); they are matched ignoring case and
surrounding spaces. An empty cell means "not given": a new customer gets the API's default, an existing one keeps
its value. A cell our own export escaped against formula injection (a leading apostrophe before = + - @) is read
back as it was.
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pydantic import ValidationError

from services.customers.domain.csv_cells import FORMULA_STARTS
from services.customers.domain.customers import CustomerCreate
from services.customers.domain.orders import OrderCreate

ADDRESS_COLUMNS = ("street", "city", "state", "zipCode", "country")
CONSENT_COLUMNS = {"emailConsent": "email", "smsConsent": "sms"}
CUSTOMER_COLUMNS = ("firstName", "lastName", "email", "phone", "dateOfBirth", "gender", *ADDRESS_COLUMNS, "tags",
                    "notes", "status", "registrationDate", *CONSENT_COLUMNS)
CUSTOMER_REQUIRED = ("firstName", "lastName", "email")
ORDER_COLUMNS = ("customerEmail", "orderId", "placedAt", "status", "currency", "sku", "name", "quantity",
                 "unitPrice", "size", "color")
ORDER_REQUIRED = ("customerEmail", "orderId", "sku", "name", "quantity", "unitPrice")
ORDER_LEVEL = ("customerEmail", "placedAt", "status", "currency")  # the same on every line of one order
COLUMNS = {"customers": CUSTOMER_COLUMNS, "orders": ORDER_COLUMNS}
REQUIRED = {"customers": CUSTOMER_REQUIRED, "orders": ORDER_REQUIRED}
TRUE, FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


class HeaderInvalid(ValueError):
    def __init__(self, message: str, details: list[dict]):
        super().__init__(message)
        self.details = details


@dataclass(frozen=True)
class Problem:
    line: int
    field: str | None
    message: str

    def to_doc(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class CustomerRow:
    line: int
    email_key: str
    values: dict  # storage form of every column given (camelCase; address fields as "address.<name>")
    consents: dict[str, bool] = field(default_factory=dict)  # channel -> granted (True) or revoked (False)


def header(kind: str, cells: list[str]) -> list[str]:
    """The columns, in file order; raises HeaderInvalid naming unknown, repeated or missing columns."""
    known = {name.lower(): name for name in COLUMNS[kind]}
    names = [known.get(cell.strip().lower(), cell.strip()) for cell in cells]
    unknown = [name for name in names if name not in COLUMNS[kind]]
    repeated = sorted({name for name in names if names.count(name) > 1})
    missing = [name for name in REQUIRED[kind] if name not in names]
    details = [{"field": name, "message": "unknown column"} for name in unknown] + \
              [{"field": name, "message": "column given twice"} for name in repeated] + \
              [{"field": name, "message": "required column missing"} for name in missing]
    if details:
        parts = [f"unknown column(s) {', '.join(unknown)}" if unknown else "",
                 f"repeated column(s) {', '.join(repeated)}" if repeated else "",
                 f"missing column(s) {', '.join(missing)}" if missing else ""]
        raise HeaderInvalid(f"{kind} file: {'; '.join(p for p in parts if p)} (the columns are: "
                            f"{', '.join(COLUMNS[kind])})", details)
    return names


def _cell(text: str) -> str:
    text = text.strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def given(columns: list[str], cells: list[str]) -> tuple[dict[str, str], Problem | None]:
    """The non-empty cells by column; a row whose cell count differs from the header's is a problem."""
    if len(cells) != len(columns):
        return {}, Problem(0, None, f"the row has {len(cells)} cells, the header {len(columns)}")
    return {name: value for name, cell in zip(columns, cells) if (value := _cell(cell))}, None


def _problems(line: int, exc: ValidationError, columns_of=lambda loc: str(loc[0]) if loc else None) -> list[Problem]:
    return [Problem(line, columns_of(error.get("loc", ())), error.get("msg", "invalid")) for error in exc.errors()]


def _customer_column(loc: tuple) -> str | None:
    if not loc:
        return None
    if loc[0] == "address" and len(loc) > 1:
        return str(loc[1])
    return str(loc[0])


def _as_utc_ms(value: datetime) -> datetime:
    """Stored dates keep milliseconds (BSON): cut to them, so a re-run compares equal."""
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=value.microsecond // 1000 * 1000)


def customer_row(line: int, cells: dict[str, str]) -> CustomerRow | list[Problem]:
    """A customers file row as CustomerCreate validates it, or its problems."""
    body: dict = {name: value for name, value in cells.items()
                  if name not in ADDRESS_COLUMNS and name not in CONSENT_COLUMNS and name != "tags"}
    address = {name: cells[name] for name in ADDRESS_COLUMNS if name in cells}
    if address:
        body["address"] = address
    if "tags" in cells:
        body["tags"] = [tag for part in cells["tags"].replace(",", ";").split(";") if (tag := part.strip())]
    problems: list[Problem] = []
    consents = {}
    for column, channel in CONSENT_COLUMNS.items():
        if column in cells:
            flag = cells[column].lower()
            if flag not in TRUE | FALSE:
                problems.append(Problem(line, column, "expected true or false (also yes/no, 1/0)"))
            consents[channel] = flag in TRUE
    try:
        model = CustomerCreate.model_validate(body)
    except ValidationError as exc:
        return problems + _problems(line, exc, _customer_column)
    if problems:
        return problems
    data = model.model_dump(mode="json", by_alias=True)
    values = {name: data[name] for name in body if name not in ("address", "tags", "registrationDate")}
    values.update({f"address.{name}": data["address"][name] for name in address})
    if "tags" in body:
        values["tags"] = sorted(set(data["tags"]))
    if model.registration_date is not None:
        values["registrationDate"] = _as_utc_ms(model.registration_date)
    return CustomerRow(line, model.email.lower(), values, consents)


def new_customer_fields(row: CustomerRow) -> dict:
    """What CustomerCreate makes of the row with its defaults (a new customer), in storage form."""
    body = {name: value for name, value in row.values.items() if not name.startswith("address.")}
    body["address"] = {name.split(".", 1)[1]: value for name, value in row.values.items()
                       if name.startswith("address.")}
    body.pop("registrationDate", None)
    model = CustomerCreate.model_validate(body)
    data = model.model_dump(mode="json", by_alias=True, exclude={"registration_date"})
    data["tags"] = sorted(set(data["tags"]))
    data["emailKey"] = data["email"].lower()
    return data


def changes_for(current: dict, row: CustomerRow) -> dict:
    """The given values that differ from the stored customer (top-level names; the address whole). The email is
    the row's key: a different case of it is the same customer and changes nothing."""
    changes: dict = {}
    address = dict(current.get("address") or {})
    for name, value in row.values.items():
        if name == "email":
            continue
        if name.startswith("address."):
            address[name.split(".", 1)[1]] = value
        elif current.get(name) != value:
            changes[name] = value
    if address != (current.get("address") or {}):
        changes["address"] = address
    return changes


@dataclass
class OrderLines:
    """The consecutive lines of one order id."""

    order_id: str
    lines: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    @property
    def first_line(self) -> int:
        return self.lines[0][0]


@dataclass(frozen=True)
class OrderRow:
    first_line: int
    email_key: str
    body: OrderCreate


def order_row(order: OrderLines) -> OrderRow | list[Problem]:
    """One order's lines as OrderCreate validates them (the item problems on their own line), or its problems."""
    first_line, first = order.lines[0]
    def same(name: str, a: str | None, b: str | None) -> bool:
        return (a or "").lower() == (b or "").lower() if name == "customerEmail" else a == b

    problems = [Problem(line, name, f"differs from line {first_line} of order {order.order_id}")
                for line, cells in order.lines[1:] for name in ORDER_LEVEL
                if cells.get(name) and not same(name, cells.get(name), first.get(name))]
    body = {"id": order.order_id, "items": [
        {key: cells[key] for key in ("sku", "name", "quantity", "unitPrice", "size", "color") if key in cells}
        for _, cells in order.lines]}
    body.update({key: first[key] for key in ("placedAt", "status", "currency") if key in first})

    def column(loc: tuple) -> str | None:
        if loc and loc[0] == "id":
            return "orderId"
        return str(loc[2]) if len(loc) > 2 and loc[0] == "items" else (str(loc[0]) if loc else None)

    try:
        parsed = OrderCreate.model_validate(body)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error.get("loc", ())
            line = order.lines[loc[1]][0] if len(loc) > 1 and loc[0] == "items" and isinstance(loc[1], int) \
                else first_line
            problems.append(Problem(line, column(loc), error.get("msg", "invalid")))
        return problems
    if problems:
        return problems
    return OrderRow(first_line, first["customerEmail"].lower(), parsed)
