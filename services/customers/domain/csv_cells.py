"""CSV cells a spreadsheet opens safely: formula injection (OWASP "CSV Injection") is defused here, once, for every
CSV the customers service writes (the customer list export and the segment bulk export)."""

# A cell starting with one of these is taken as a formula by Excel, LibreOffice or Google Sheets (tab and carriage
# return too: some of them skip a leading one and read what follows).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The cell's text; one that a spreadsheet would run as a formula gets a leading apostrophe, which every
    spreadsheet shows as text (and an importer can strip: see domain/imports.py)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values) -> list[str]:
    return [safe_cell(value) for value in values]
