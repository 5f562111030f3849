"""Reading a CSV file as it arrives, chunk by chunk, with bounded memory: records with the line they start on.

csv.reader needs whole records, and a quoted cell may hold line breaks, so lines are handed to it only up to a
point where the count of quote characters seen is even (a doubled quote inside a cell counts two, so the parity
says whether a record is still open). Bytes that are not UTF-8, a NUL byte, an unterminated quote or a cell past
the size limit are a clear CsvUnreadable naming the line, never a crash.
"""
import codecs
import csv
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from dataclasses import dataclass

MAX_CELL_CHARS = 10_000  # the longest field (notes) is 5,000 characters
MAX_RECORD_LINES = 100  # a record still open after this many lines is an unterminated quote


class CsvUnreadable(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


@dataclass(frozen=True)
class Record:
    line: int  # the file's line the record starts on (the header is line 1)
    cells: list[str]


def _records(lines: list[str], first_line: int) -> Iterable[Record]:
    reader = csv.reader(lines, strict=True)
    line = first_line
    while True:
        start = line
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvUnreadable(f"not valid CSV ({exc})", first_line + reader.line_num - 1) from exc
        line = first_line + reader.line_num
        if any(len(cell) > MAX_CELL_CHARS for cell in cells):
            raise CsvUnreadable(f"a cell is longer than {MAX_CELL_CHARS} characters", start)
        if cells and any(cell.strip() for cell in cells):  # blank lines are skipped
            yield Record(start, cells)


async def read_records(chunks: AsyncIterable[bytes]) -> AsyncIterator[Record]:
    """Records of a UTF-8 CSV (a byte order mark is allowed) given as byte chunks of any size."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending = ""  # text after the last complete line
    held: list[str] = []  # complete lines of a record still open
    quotes = 0
    line = 1
    offset = 0

    def take(text: str) -> list[str]:
        """Complete lines (split at "\n" only, as csv.reader reads them) up to the last record boundary."""
        nonlocal pending, held, quotes
        pieces = (pending + text).split("\n")
        pending = pieces.pop()  # after the last "\n": not a complete line yet
        ready: list[str] = []
        for piece in pieces:
            held.append(piece + "\n")
            quotes += piece.count('"')
            if quotes % 2 == 0:
                ready.extend(held)
                held, quotes = [], 0
            elif len(held) > MAX_RECORD_LINES:
                raise CsvUnreadable("a quoted cell is never closed", line + len(ready))
        return ready

    async for chunk in chunks:
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise CsvUnreadable(f"the file is not UTF-8 text (byte {offset + exc.start})") from exc
        offset += len(chunk)
        if "\x00" in text:
            raise CsvUnreadable("the file holds a NUL byte: it is not a CSV text file")
        ready = take(text)
        for record in _records(ready, line):
            yield record
        line += len(ready)
    try:
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise CsvUnreadable("the file is not UTF-8 text (it ends inside a character)") from exc
    rest = held + ([pending + tail] if pending + tail else [])
    if (quotes + (pending + tail).count('"')) % 2:
        raise CsvUnreadable("a quoted cell is never closed", line)
    for record in _records(rest, line):
        yield record
