"""Cell values that a spreadsheet program must show as text, never run as a formula.

Excel, WPS and LibreOffice treat a CSV field that starts with = + - @ (and, after a tab or carriage return, whatever
follows) as a formula: a unit name or an audit comment such as `=HYPERLINK("http://…","点此")` or `=cmd|' /C calc'!A0`
would become a live link or command in the reader's spreadsheet. Chinese input methods also produce the full-width
forms ＝ ＋ － ＠, which the Chinese editions of these programs accept as the start of a formula, so those count too.

- CSV has no cell types: `neutralise` puts an apostrophe before such a value, which the programs show as text (the
  convention OWASP recommends). A plain number such as "-12.50" or "+3%" stays as it is: it is not a formula.
- xlsx cells carry a type: `set_cell` and `append_row` keep the value exactly (so a workbook read back gives the
  same text) and store every string as a string, which no spreadsheet program evaluates. openpyxl would otherwise
  store a string starting with "=" as a formula. A formula-like value also gets Excel's quote prefix, so that it
  stays text when someone edits the cell and presses Enter.
"""

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

# What a spreadsheet program may read as the start of a formula (or, for tab and CR, of a new cell that is one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?")


def is_formula_like(value: Any) -> bool:
    """Whether a spreadsheet program could take this value for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value)


def neutralise(value: Any) -> Any:
    """The value to write into a CSV field: an apostrophe before anything formula-like; everything else unchanged."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for csv.writer.writerow with every field neutralised."""
    return [neutralise(value) for value in values]


def cell_number(value: Any) -> Decimal | None:
    """A figure for a numeric cell, exact: a Decimal from its text (a float such as 0.1 is written as 0.1, not as its
    binary neighbour), and an empty cell for no figure. Stored scores and rates come back from JSON as text, numbers
    or None."""
    return None if value in (None, "") else Decimal(str(value))


def _as_text(cell, value: Any) -> None:
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True


def set_cell(cell, value: Any) -> None:
    """Writes a value into an openpyxl cell; a string is stored as text even if it starts with "="."""
    cell.value = value
    _as_text(cell, value)


def append_row(worksheet, values: Iterable[Any]) -> None:
    """worksheet.append(values), with every string stored as text (see set_cell)."""
    values = list(values)
    worksheet.append(values)
    row = worksheet.max_row
    for column, value in enumerate(values, start=1):
        _as_text(worksheet.cell(row=row, column=column), value)
