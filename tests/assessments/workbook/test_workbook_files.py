"""Files the import refuses as a whole, each with its own clear reason, before anything is validated or saved. The
files are built here: plain bytes, zips rewritten member by member, workbooks written with openpyxl."""

import io
import re
import zipfile

import openpyxl
import pytest

from assessments.workbook.build import MARKER_SHEET
from assessments.workbook.imports import (
    CORRUPT,
    DTD,
    EMPTY_FILE,
    ENCRYPTED,
    MACROS,
    MAX_ROWS_PER_SHEET,
    NO_MARKER,
    NOT_XLSX,
    OLE2_MAGIC,
    OTHER_TEMPLATE,
    OTHER_VERSION,
    TOO_LARGE,
    XLS,
    WorkbookRefused,
    parse_workbook,
)
from tests.assessments.workbook.workbook_helpers import exported, saved


@pytest.fixture
def workbook(assessment) -> bytes:
    return exported(assessment)


def refusal(content) -> str:
    with pytest.raises(WorkbookRefused) as caught:
        parse_workbook(content)
    return caught.value.message


def rewritten(content: bytes, change=None, add: dict[str, bytes] | None = None) -> bytes:
    """The zip with members changed by `change(name, data) -> data` and members added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(info.filename, data) if change else data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


def first_sheet(name: str) -> bool:
    return name == "xl/worksheets/sheet1.xml"


def test_an_exported_workbook_is_accepted(workbook):
    assert parse_workbook(workbook).rows


def test_a_file_that_is_not_a_workbook_is_refused():
    assert refusal(b"%PDF-1.7\n...") == NOT_XLSX
    assert refusal("单位,年度\n甲,2022\n".encode()) == NOT_XLSX  # a CSV renamed .xlsx


def test_an_empty_file_is_refused():
    assert refusal(b"") == EMPTY_FILE


def test_an_xls_file_is_refused_saying_it_is_the_old_format():
    assert refusal(OLE2_MAGIC + b"\x00" * 1024 + "Workbook".encode("utf-16-le")) == XLS


def test_a_password_protected_workbook_is_refused_saying_so():
    content = OLE2_MAGIC + b"\x00" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
    content += "EncryptedPackage".encode("utf-16-le")
    assert refusal(content) == ENCRYPTED


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert refusal(buffer.getvalue()) == NOT_XLSX


def test_a_truncated_workbook_is_refused_as_corrupt(workbook):
    assert refusal(workbook[: len(workbook) // 2]) == CORRUPT


def test_a_workbook_with_damaged_compressed_data_is_refused_as_corrupt(workbook):
    archive = zipfile.ZipFile(io.BytesIO(workbook))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    damaged = bytearray(workbook)
    for offset in range(start, start + 40):
        damaged[offset] ^= 0x5A
    assert refusal(bytes(damaged)) == CORRUPT


def test_a_macro_enabled_workbook_is_refused(workbook):
    assert refusal(rewritten(workbook, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})) == MACROS
    as_xlsm = rewritten(
        workbook,
        change=lambda name, data: (
            data.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
            if name == "[Content_Types].xml"
            else data
        ),
    )
    assert refusal(as_xlsm) == MACROS


def test_a_plain_workbook_without_the_template_marker_is_refused():
    book = openpyxl.Workbook()
    book.active["A1"] = "附件1-1"
    assert refusal(saved(book)) == NO_MARKER


def test_a_workbook_of_another_template_is_refused(workbook):
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    book[MARKER_SHEET]["B1"] = "budget-request"
    assert refusal(saved(book)) == OTHER_TEMPLATE.format(template="budget-request")


def test_a_workbook_of_an_older_template_version_is_refused(workbook):
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    book[MARKER_SHEET]["B2"] = 0
    assert refusal(saved(book)) == OTHER_VERSION.format(found="0", current=1)


def test_a_renamed_sheet_is_refused_with_its_name(workbook):
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    book["附件1-1"].title = "Sheet1"
    assert "缺少工作表「附件1-1」" in refusal(saved(book))


def test_more_rows_than_a_form_can_have_are_refused_before_loading(workbook):
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book["收支情况"]
    for row in range(100, 100 + MAX_ROWS_PER_SHEET + 10):
        sheet.cell(row=row, column=1, value=1)
    message = refusal(saved(book))
    assert message.startswith("工作表「收支情况」有") and "超出自评表可能的数量" in message


def test_a_decompression_bomb_is_refused_before_loading(workbook):
    # 60 MB of zeros compress to about 60 KB: refused by the total uncompressed size, never inflated by openpyxl.
    bomb = rewritten(workbook, add={"xl/media/image1.bin": b"\0" * (60 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    assert "解压后过大" in refusal(bomb)


def test_one_member_with_an_absurd_compression_ratio_is_refused(workbook):
    assert "压缩比异常" in refusal(rewritten(workbook, add={"xl/media/image1.bin": b"\0" * (4 * 1024 * 1024)}))


def test_a_file_over_the_size_limit_is_refused():
    assert refusal(b"PK\x03\x04" + b"\x01" * (6 * 1024 * 1024)) == TOO_LARGE.format(limit=5)


def test_a_formula_without_a_cached_value_is_refused_naming_the_cell(workbook):
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    book["附件1-1"]["C5"] = "=B5-1"  # openpyxl, like a script, writes formulas without their results
    assert refusal(saved(book)) == "附件1-1 C5 单元格是公式但没有计算结果：请在 Excel 中打开、重新计算并保存后再上传。"


def test_a_formula_with_its_cached_value_is_read_as_that_value(workbook):
    def with_formula(name, data):
        if not first_sheet(name):
            return data
        return re.sub(rb'<c r="C5"([^>]*)>.*?</c>', rb'<c r="C5"\1><f>B5-1</f><v>24</v></c>', data, count=1, flags=re.S)

    parsed = parse_workbook(rewritten(workbook, change=with_formula))
    staffing = next(row for row in parsed.rows if row.target == "staffing")
    assert staffing.cells["staff_actual"].value == "24"
    assert staffing.cells["staff_actual"].where == "实际在职人数（附件1-1 C5）"


def test_a_document_type_declaration_is_refused(workbook):
    def with_dtd(name, data):
        if not first_sheet(name):
            return data
        dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>'
        return data.replace(b"?>", b"?>" + dtd, 1) if data.startswith(b"<?xml") else dtd + data

    assert refusal(rewritten(workbook, change=with_dtd)) == DTD


def test_parsing_gives_plain_rows_with_sheet_row_column_and_label(workbook):
    parsed = parse_workbook(io.BytesIO(workbook))
    facts = next(row for row in parsed.rows if row.target == "facts")
    cell = facts.cells["reception_budget"]
    assert (cell.sheet, cell.column, cell.label) == ("附件1-1", "C", "公务接待·2022年预算数")
    assert parsed.meta["template"] == "perfeval-selfeval"
