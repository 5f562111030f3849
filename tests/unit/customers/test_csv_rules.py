"""CSV rules without a database: formula escaping, the streaming reader (records across chunk boundaries, quoted
line breaks, refusals) and how an import row is read (columns, empty cells, what a re-run compares)."""
import pytest

from services.customers.domain.csv_cells import safe_cell
from services.customers.domain.csv_stream import CsvUnreadable, read_records
from services.customers.domain.imports import (
    HeaderInvalid,
    OrderLines,
    changes_for,
    customer_row,
    given,
    header,
    order_row,
)


@pytest.mark.parametrize("value, cell", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@x", "'@x"),
    ("\tTab", "'\tTab"), ("\rCR", "'\rCR"), ("Plain", "Plain"), ("a=b", "a=b"), (None, ""), (5, "5"), ("", ""),
])
def test_formula_cells_are_escaped(value, cell):
    assert safe_cell(value) == cell


async def _records(data: bytes, size: int):
    async def chunks():
        for start in range(0, len(data), size):
            yield data[start:start + size]
    return [(r.line, r.cells) async for r in read_records(chunks())]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 64, 10_000])
async def test_records_are_the_same_whatever_the_chunk_size(size):
    data = '\ufeffa,b\r\n1,"two\r\nlines"\r\n\r\n2,"q""uote"\n3,\u2028kept\n4,last'.encode()
    assert await _records(data, size) == [(1, ["a", "b"]), (2, ["1", "two\r\nlines"]), (5, ["2", 'q"uote']),
                                          (6, ["3", "\u2028kept"]), (7, ["4", "last"])]


@pytest.mark.parametrize("data, words", [
    (b"a,b\n1,\xff\n", "not UTF-8"), (b"a,b\n1,\"open\n" + b"x\n" * 150, "never closed"),
    (b"a,b\n1,\"open", "never closed"), (b"a\x00b\n", "NUL byte"), (b"a,b\n1," + b"x" * 10_001 + b"\n", "longer"),
])
async def test_unreadable_files_are_a_clear_error(data, words):
    with pytest.raises(CsvUnreadable, match=words):
        await _records(data, 7)


def test_header_names_unknown_repeated_and_missing_columns():
    assert header("customers", [" FirstName", "lastname", "EMAIL"]) == ["firstName", "lastName", "email"]
    with pytest.raises(HeaderInvalid) as caught:
        header("customers", ["firstName", "firstName", "shoeSize"])
    assert {(d["field"], d["message"]) for d in caught.value.details} == {
        ("shoeSize", "unknown column"), ("firstName", "column given twice"), ("lastName", "required column missing"),
        ("email", "required column missing")}


def test_a_row_is_read_as_the_api_reads_it():
    columns = ["firstName", "lastName", "email", "tags", "city", "registrationDate", "emailConsent"]
    cells, problem = given(columns, ["'=Ada", "Lovelace", "Ada@Example.COM", "VIP; news,vip", "",
                                     "2020-01-02T03:04:05.678901", "yes"])
    assert problem is None
    row = customer_row(2, cells)
    assert row.email_key == "ada@example.com" and row.consents == {"email": True}
    assert row.values["firstName"] == "=Ada" and row.values["tags"] == ["news", "vip"]
    assert "address.city" not in row.values  # an empty cell is not given
    assert row.values["registrationDate"].microsecond == 678000  # what the database keeps
    stored = {"firstName": "=Ada", "lastName": "Lovelace", "email": "ada@example.com", "tags": ["news", "vip"],
              "registrationDate": row.values["registrationDate"], "address": {"city": "Springfield"}}
    assert changes_for(stored, row) == {}  # the same file again: nothing to write
    assert changes_for({**stored, "lastName": "Byron"}, row) == {"lastName": "Lovelace"}
    assert given(columns, ["only", "two"])[1].message == "the row has 2 cells, the header 7"


def test_a_bad_row_names_its_columns():
    problems = customer_row(4, {"firstName": "A", "lastName": "B", "email": "nope", "zipCode": "x" * 21,
                                "smsConsent": "maybe"})
    assert {(p.line, p.field) for p in problems} == {(4, "smsConsent"), (4, "email"), (4, "zipCode")}


def test_an_order_refused_names_the_line_of_its_item():
    lines = OrderLines("o-1", [(2, {"customerEmail": "a@example.com", "sku": "A", "name": "A", "quantity": "1",
                                    "unitPrice": "5"}),
                               (3, {"customerEmail": "A@EXAMPLE.COM", "sku": "B", "name": "B", "quantity": "0",
                                    "unitPrice": "5"})])
    assert [(p.line, p.field) for p in order_row(lines)] == [(3, "quantity")]
    lines.lines[1][1]["quantity"] = "2"
    row = order_row(lines)
    assert row.email_key == "a@example.com" and len(row.body.items) == 2
