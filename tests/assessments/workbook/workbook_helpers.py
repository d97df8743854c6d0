"""Building and editing workbooks in tests: export an assessment, then change cells the way a person would in Excel."""

import io

import openpyxl

from assessments.workbook.build import MAP_FIRST_ROW, MARKER_SHEET, decode_cell_map, workbook_bytes


def exported(assessment) -> bytes:
    return workbook_bytes(assessment)


def cell_map(book) -> list[tuple[str, str, str, str, str]]:
    ws = book[MARKER_SHEET]
    return decode_cell_map(
        [row[0] for row in ws.iter_rows(min_row=MAP_FIRST_ROW, max_col=1, values_only=True) if row[0]]
    )


def locate(book, target: str, field: str) -> tuple[str, str]:
    """(sheet, coordinate) of the typed cell holding `field` of `target` (a prefix such as "fund:new:1" or "facts")."""
    for sheet, coordinate, cell_target, name, _ in cell_map(book):
        if cell_target == target and name == field:
            return sheet, coordinate
    raise LookupError(f"no cell for {target}.{field}")


def edited(content: bytes, changes: dict[tuple[str, str], object]) -> bytes:
    """The workbook with cells changed: keys (target, field), values as a person types them."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    for (target, field), value in changes.items():
        sheet, coordinate = locate(book, target, field)
        cell = book[sheet][coordinate]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
