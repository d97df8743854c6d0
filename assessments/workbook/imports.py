"""Importing a filled workbook, in two stages, so that a file is checked whole before anything is written.

Stage 1, `parse_workbook`: pure code, no database. The file is checked as a zip before openpyxl sees it (not an xlsx,
.xls, encrypted, macros, too large or too many rows for a real form, formulas without a cached value), then the cells
listed in the hidden marker sheet are read into plain rows: one `ParsedRow` per object (facts, a 专项资金, an
institution, a project, an indicator row), each cell with its sheet, row, column and Chinese label.

Stage 2, `workbook_import`: each row is bound to the same form its screen uses, on top of the stored values, inside
one transaction. The result lists every change (old → new) and every error (by sheet, row, column and label), all at
once; only with `apply=True` and no error is anything saved — as one new version of the assessment."""

import io
import re
import zipfile
from dataclasses import astuple, dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from django import forms as django_forms
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException

from assessments import forms as f
from assessments import tables
from assessments.audit import audit_record, shown
from assessments.indicator_inputs import from_stored
from assessments.models import Assessment, Facts, IndicatorRow, SpecialFund
from assessments.projects.forms import ProjectTableForm, execution_form
from assessments.scores import EXECUTION_CODE, TOP_ANSWER, is_execution_row, project_framework_version
from assessments.selectors import assessment_data
from assessments.services import assessment_touch
from assessments.workbook.build import (
    MAP_FIRST_ROW,
    MARKER_SHEET,
    SHEET_BASIC,
    SHEET_SELF,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    decode_cell_map,
)
from scoring.adapters import framework_spec
from units.models import Staffing

# --- limits: what a real form can have ---------------------------------------------------------------------------
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 400
MAX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024
MAX_RATIO = 200  # uncompressed ÷ compressed of one member larger than 1 MiB
MAX_SHEETS = 120  # 附件1-1, 1-2, 收支情况, the hidden sheets and up to 100+ projects
MAX_ROWS_PER_SHEET = 2000
MAX_CELLS_PER_SHEET = 40000
MAX_MAP_ENTRIES = 20000  # typed cells listed in the marker sheet (a full workbook with 5 projects: about 2,300)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Refusals: module constants, so tests and views use the same words.
TOO_LARGE = "文件过大（超过 {limit} MB），不是本系统导出的工作簿。"
EMPTY_FILE = "文件是空的。"
ENCRYPTED = "工作簿设置了打开密码（已加密）：请在 Excel 中取消密码后另存为 .xlsx 再上传。"
XLS = "这是 Excel 97-2003 格式（.xls）的文件：请在 Excel 中“另存为” Excel 工作簿（.xlsx）后再上传。"
NOT_XLSX = "不是 Excel 工作簿（.xlsx）文件，请上传从本系统下载的工作簿。"
CORRUPT = "文件已损坏，无法读取：请在 Excel 中打开并重新保存为 .xlsx 后再上传。"
MACROS = "工作簿包含宏（VBA），出于安全原因不予导入：请另存为不含宏的 Excel 工作簿（.xlsx）。"
TOO_BIG_INSIDE = "工作簿解压后过大（{what}），超出一份自评表可能的大小，不予导入。"
TOO_MANY_ROWS = "工作表「{sheet}」有 {count} {what}，超出自评表可能的数量（至多 {limit}），不予导入。"
DTD = "工作簿内含有文档类型声明（DOCTYPE），不是 Excel 正常保存的文件，不予导入。"
FORMULA_NO_VALUE = "{sheet} {cell} 单元格是公式但没有计算结果：请在 Excel 中打开、重新计算并保存后再上传。"
NO_MARKER = "不是本系统导出的工作簿（缺少模板标记）：请先下载“Excel 工作簿”，在其中填写后上传。"
OTHER_TEMPLATE = "这是另一种模板（{template}）的工作簿，不能导入到绩效自评：请下载本自评的工作簿。"
OTHER_VERSION = "工作簿的模板版本为 {found}，当前版本为 {current}：请重新下载工作簿，把数据填入新模板后上传。"
BAD_MAP = "工作簿的模板标记已损坏（{detail}）：请重新下载工作簿。"
MISSING_SHEET = "工作簿缺少工作表「{sheet}」（可能被删除或改名）：请重新下载工作簿。"


class WorkbookRefused(Exception):
    """The file is refused as a whole; `message` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Cell:
    sheet: str
    row: int
    column: str
    label: str
    value: str | None  # as typed: text, or a number written as its exact decimal text; None for an empty cell

    @property
    def address(self) -> str:
        """The cell as Excel names it, on its sheet: 附件1-2 E23."""
        return f"{self.sheet} {self.column}{self.row}"

    @property
    def where(self) -> str:
        """The cell by its label as the workbook shows it, its address after it: 公务接待·2022年预算数（附件1-1 C13）."""
        return f"{self.label}（{self.address}）"


@dataclass
class ParsedRow:
    """The cells of one object: `target` names it (facts, staffing, assessment, fund:…, inst:…, project:…, row:…),
    `cells` maps a form field name to its cell."""

    target: str
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def first(self) -> Cell:
        return min(self.cells.values(), key=lambda cell: (cell.sheet, cell.row, len(cell.column), cell.column))

    def is_empty(self) -> bool:
        return all(cell.value in (None, "") for cell in self.cells.values())


@dataclass
class ParsedWorkbook:
    meta: dict[str, str]
    rows: list[ParsedRow]

    @property
    def assessment_id(self) -> int | None:
        try:
            return int(self.meta.get("assessment_id", ""))
        except ValueError:
            return None

    @property
    def lock_version(self) -> int | None:
        try:
            return int(self.meta.get("lock_version", ""))
        except ValueError:
            return None


# --- stage 1: the file -------------------------------------------------------------------------------------------


def parse_workbook(file) -> ParsedWorkbook:
    """Read an uploaded workbook (a path, bytes or a binary file object) into plain rows, or raise WorkbookRefused."""
    content = _read(file)
    with _open_zip(content) as archive:
        sheet_parts = _check_archive(archive)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), data_only=True, read_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise WorkbookRefused(CORRUPT) from error
    try:
        if MARKER_SHEET not in book.sheetnames:
            raise WorkbookRefused(NO_MARKER)
        meta, entries = _read_marker(book[MARKER_SHEET])
        _check_template(meta)
        return ParsedWorkbook(meta=meta, rows=_read_cells(book, entries, sheet_parts))
    except (ElementTree.ParseError, DefusedXmlException) as error:
        # In read-only mode openpyxl parses each sheet while its rows are read: truncated XML, an undefined entity
        # or an entity declaration (refused by defusedxml) surfaces here.
        raise WorkbookRefused(CORRUPT) from error
    finally:
        book.close()


def _read(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        content = bytes(file)
    elif isinstance(file, str) or hasattr(file, "__fspath__"):
        with open(file, "rb") as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        content = file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise WorkbookRefused(TOO_LARGE.format(limit=MAX_FILE_BYTES // (1024 * 1024)))
    if not content:
        raise WorkbookRefused(EMPTY_FILE)
    if content.startswith(OLE2_MAGIC):
        # An encrypted xlsx is an OLE2 container holding the streams EncryptionInfo and EncryptedPackage.
        if "EncryptionInfo".encode("utf-16-le") in content or "EncryptedPackage".encode("utf-16-le") in content:
            raise WorkbookRefused(ENCRYPTED)
        raise WorkbookRefused(XLS)
    if not content.startswith(ZIP_MAGIC):
        raise WorkbookRefused(NOT_XLSX)
    return content


def _open_zip(content: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise WorkbookRefused(CORRUPT) from error


def _check_archive(archive: zipfile.ZipFile) -> dict[str, str]:
    """The decompression-bomb guard and the checks on the raw XML; returns sheet name → part name."""
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRefused(NOT_XLSX)
    if len(infos) > MAX_MEMBERS:
        raise WorkbookRefused(TOO_BIG_INSIDE.format(what=f"{len(infos)} 个部件"))
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookRefused(TOO_BIG_INSIDE.format(what=f"{total // (1024 * 1024)} MB"))
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookRefused(TOO_BIG_INSIDE.format(what=f"{info.filename} 压缩比异常"))
    content_types = _member(archive, "[Content_Types].xml")
    if any(name.lower().endswith("vbaproject.bin") for name in names) or b"macroEnabled" in content_types:
        raise WorkbookRefused(MACROS)
    # The whole part, before any of it is parsed: a declaration can follow a comment of any length.
    for name in names:
        if name.endswith((".xml", ".rels")) and _has_doctype(_member(archive, name)):
            raise WorkbookRefused(DTD)
    sheet_parts = _sheet_parts(archive)
    if len(sheet_parts) > MAX_SHEETS:
        raise WorkbookRefused(TOO_BIG_INSIDE.format(what=f"{len(sheet_parts)} 张工作表"))
    for sheet, part in sheet_parts.items():
        xml = _member(archive, part)
        _check_sheet_size(sheet, xml)
        _check_formulas(sheet, xml)
    return sheet_parts


_DOCTYPES = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))


def _has_doctype(xml: bytes) -> bool:
    return any(doctype in xml for doctype in _DOCTYPES)


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError as error:
        raise WorkbookRefused(NOT_XLSX) from error
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as error:
        raise WorkbookRefused(CORRUPT) from error
    except Exception as error:  # zlib.error and friends on a damaged member
        raise WorkbookRefused(CORRUPT) from error


_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        workbook = parse_xml(_member(archive, "xl/workbook.xml"))
        rels = parse_xml(_member(archive, "xl/_rels/workbook.xml.rels"))
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise WorkbookRefused(CORRUPT) from error
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_RELS_NS}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{_DOC_REL_NS}id"), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[sheet.get("name", "")] = part
    return parts


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_WITH_BODY = re.compile(rb"<((?:\w+:)?)c\b([^>]*?)(?:/>|>(.*?)</\1c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CACHED = re.compile(rb"<(?:\w+:)?v>[^<]")


def _check_sheet_size(sheet: str, xml: bytes) -> None:
    rows = len(_ROW.findall(xml))
    if rows > MAX_ROWS_PER_SHEET:
        raise WorkbookRefused(TOO_MANY_ROWS.format(sheet=sheet, count=rows, what="行", limit=MAX_ROWS_PER_SHEET))
    cells = len(_CELL.findall(xml))
    if cells > MAX_CELLS_PER_SHEET:
        raise WorkbookRefused(
            TOO_MANY_ROWS.format(sheet=sheet, count=cells, what="个单元格", limit=MAX_CELLS_PER_SHEET)
        )


def _check_formulas(sheet: str, xml: bytes) -> None:
    if not _FORMULA.search(xml):
        return
    for match in _CELL_WITH_BODY.finditer(xml):
        body = match.group(3) or b""
        if _FORMULA.search(body) and not _CACHED.search(body):
            ref = _REF.search(match.group(2))
            cell = ref.group(1).decode() if ref else "?"
            raise WorkbookRefused(FORMULA_NO_VALUE.format(sheet=sheet, cell=cell))


def _read_marker(ws) -> tuple[dict[str, str], list[tuple[str, str, str, str, str]]]:
    meta, chunks = {}, []
    for index, values in enumerate(ws.iter_rows(max_col=2, values_only=True), 1):
        if index < MAP_FIRST_ROW - 1:
            if values and values[0] is not None:
                meta[str(values[0])] = "" if len(values) < 2 or values[1] is None else _text(values[1])
        elif index >= MAP_FIRST_ROW and values and values[0] is not None:
            chunks.append(str(values[0]))
    try:
        entries = decode_cell_map(chunks)
    except ValueError as error:
        raise WorkbookRefused(BAD_MAP.format(detail="单元格清单无法读取")) from error
    if len(entries) > MAX_MAP_ENTRIES:
        raise WorkbookRefused(BAD_MAP.format(detail="条目过多"))
    return meta, entries


def _check_template(meta: dict[str, str]) -> None:
    template = meta.get("template", "")
    if template != TEMPLATE_ID:
        raise WorkbookRefused(OTHER_TEMPLATE.format(template=template or "未知"))
    if meta.get("template_version") != str(TEMPLATE_VERSION):
        raise WorkbookRefused(
            OTHER_VERSION.format(found=meta.get("template_version") or "未知", current=TEMPLATE_VERSION)
        )


def _read_cells(book, entries, sheet_parts) -> list[ParsedRow]:
    wanted: dict[str, set[tuple[int, int]]] = {}
    located = []
    for sheet, coordinate, target, name, label in entries:
        try:
            column, row = coordinate_from_string(coordinate)
            column_index = openpyxl.utils.column_index_from_string(column)
        except (ValueError, CellCoordinatesException) as error:  # "A1:B2", "A0", a column past XFD
            raise WorkbookRefused(BAD_MAP.format(detail=f"单元格 {coordinate}")) from error
        if sheet not in sheet_parts or sheet not in book.sheetnames:
            raise WorkbookRefused(MISSING_SHEET.format(sheet=sheet))
        wanted.setdefault(sheet, set()).add((row, column_index))
        located.append((sheet, row, column, column_index, target, name, label))
    values: dict[str, dict[tuple[int, int], object]] = {}
    for sheet, cells in wanted.items():
        max_row = max(row for row, _ in cells)
        max_column = max(column for _, column in cells)
        found = {}
        for row_cells in book[sheet].iter_rows(min_row=1, max_row=max_row, max_col=max_column):
            for cell in row_cells:
                if getattr(cell, "value", None) is not None and (cell.row, cell.column) in cells:
                    found[(cell.row, cell.column)] = cell.value
        values[sheet] = found
    rows: dict[str, ParsedRow] = {}
    for sheet, row, column, column_index, target, name, label in located:
        value = _text(values[sheet].get((row, column_index)))
        parsed = rows.setdefault(target, ParsedRow(target))
        parsed.cells[name] = Cell(sheet, row, column, label, value)
    return list(rows.values())


def parsed_to_json(parsed: ParsedWorkbook) -> dict:
    """Plain data to keep the parsed rows between preview and apply."""
    return {
        "meta": parsed.meta,
        "rows": [
            {"target": row.target, "cells": {name: list(astuple(cell)) for name, cell in row.cells.items()}}
            for row in parsed.rows
        ],
    }


def parsed_from_json(data: dict) -> ParsedWorkbook:
    rows = [
        ParsedRow(item["target"], {name: Cell(*values) for name, values in item["cells"].items()})
        for item in data["rows"]
    ]
    return ParsedWorkbook(meta=dict(data["meta"]), rows=rows)


def _text(value) -> str | None:
    """A cell's value as the text a person typed: numbers exactly (2681.55, never 2681.5500000000002), dates as ISO."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        try:
            number = Decimal(repr(value))
        except InvalidOperation:
            return str(value)
        text = f"{number:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# --- stage 2: validate with the screens' forms, then apply ------------------------------------------------------

OTHER_ASSESSMENT = "这是另一份自评（{unit} {year} 年度）的工作簿，不能导入到这里：请下载本自评的工作簿。"
GONE = "{where}：{what}已不存在（可能已被他人删除），请重新下载工作簿。"
UNKNOWN_CELL = "{where}：模板中没有这一项，请重新下载工作簿。"
STALE_PREVIEW = "预览之后这份自评已被修改（当前版本 {current}），请重新上传工作簿查看最新的变化。"
CHANGED_SINCE_EXPORT = (
    "工作簿导出后，这份自评在系统中又被修改过（导出时版本 {exported}，当前版本 {current}）："
    "下面按系统中的当前数据列出将发生的变化，请逐项核对。"
)
EMPTY = "（空）"
# Cells of a unit-written indicator row read from its texts or chosen beside them: a row whose other cells are all
# emptied is deleted even when these still hold something.
DERIVED_ROW_CELLS = frozenset({"kind", "target_comparator", "target_number", "actual_number"})


@dataclass
class Change:
    where: str  # the cell in the workbook: 附件1-1 D12
    subject: str  # what the row is: 基础数据表, 专项资金“…”, 产出指标·数量指标·培训人次, 项目“…”·产出指标·…
    label: str  # the field or column: 公务接待费·本年决算数, 实际完成值, a check-item's label
    old: str  # as people read it: 1,234.50 万元, 95%, 符合（1 分）, （空）
    new: str
    action: str = "change"  # change | add | delete

    @property
    def name(self) -> str:
        return f"{self.subject}·{self.label}" if self.label else self.subject


@dataclass
class ImportResult:
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Bound:
    row: ParsedRow
    subject: str
    instance: object
    forms: list
    before: dict
    action: str = "change"
    changed: bool = False


def workbook_import(*, assessment: Assessment, parsed: ParsedWorkbook, user, expected_version: int, apply: bool):
    """Validate every row of `parsed` against `assessment` with the screens' forms; save all of it (one new version)
    when `apply` and nothing is wrong, else nothing. PermissionDenied and StaleSave come from assessment_touch."""
    result = ImportResult()
    if parsed.assessment_id != assessment.pk:
        result.errors.append(
            OTHER_ASSESSMENT.format(
                unit=parsed.meta.get("unit_name") or parsed.meta.get("unit_code") or "",
                year=parsed.meta.get("year", ""),
            )
        )
        return result
    current = Assessment.objects.values_list("lock_version", flat=True).get(pk=assessment.pk)
    if parsed.lock_version is not None and parsed.lock_version != current:
        result.warnings.append(CHANGED_SINCE_EXPORT.format(exported=parsed.lock_version, current=current))
    with transaction.atomic():
        bound = _bind(assessment, parsed, result)
        for item in bound:
            _validate(item, result)
        if result.errors or not apply:
            return result
        assessment_touch(assessment=assessment, user=user, expected_version=expected_version)
        for item in bound:
            _save(item)
        result.applied = True
        if result.changes:
            audit_record(
                assessment=assessment,
                user=user,
                action="save",
                label="Excel 导入",
                changes=[{"where": f"{c.name}（{c.where}）", "old": c.old, "new": c.new} for c in result.changes],
            )
    return result


class _Context:
    """What the import needs of the stored assessment, loaded once."""

    def __init__(self, assessment: Assessment):
        data = assessment_data(assessment)
        self.assessment = assessment
        self.data = data
        self.spec = framework_spec(assessment.framework_version)
        self.funds = {fund.pk: fund for fund in data.special_funds}
        self.institutions = {inst.pk: inst for inst in data.institutions}
        self.projects = {project.pk: project for project in data.projects}
        self.rows = {row.pk: row for row in data.rows}
        version = project_framework_version(assessment) if data.projects else None
        self.project_spec = framework_spec(version) if version else None
        self.paths = {None: _paths(self.spec), "project": _paths(self.project_spec) if self.project_spec else {}}
        self.next_fund = max((fund.position for fund in data.special_funds), default=0)
        self.next_row: dict[int | None, int] = {}
        for row in data.rows:
            if row.project_id is not None and is_execution_row(row):
                continue  # kept after the unit-written rows at the largest position: new rows go before it
            self.next_row[row.project_id] = max(self.next_row.get(row.project_id, 0), row.position)

    def spec_for(self, project_id):
        return self.spec if project_id is None else self.project_spec

    def row_subject(self, project_id, group_or_code: str, name: str) -> str:
        """An indicator row by its place in the table: 产出指标·数量指标·培训人次, on a project's table with the
        project's name first."""
        path = self.paths[None if project_id is None else "project"].get(group_or_code, "")
        subject = "·".join(part for part in (path, name) if part)
        if project_id is not None:
            subject = f"项目“{self.projects[project_id].name}”·{subject}"
        return subject


def _paths(spec) -> dict[str, str]:
    """Each indicator's code → the names from its level-1 indicator down to it: 产出指标·数量指标."""
    paths = {}

    def visit(node, above):
        names = (*above, node.name)
        paths[node.code] = "·".join(names)
        for child in node.children:
            visit(child, names)

    for node in spec.indicators:
        visit(node, ())
    return paths


def _bind(assessment: Assessment, parsed: ParsedWorkbook, result: ImportResult) -> list[_Bound]:
    context = _Context(assessment)
    bound = []
    for row in parsed.rows:
        try:
            item = _bind_row(context, row)
        except _Gone as gone:
            result.errors.append(GONE.format(where=_row_where(row), what=gone.what))
            continue
        if item is None:
            continue
        unknown = [
            cell
            for name, cell in row.cells.items()
            if item.action != "delete" and not any(name in form.fields for form in item.forms)
        ]
        if unknown:
            result.errors.extend(UNKNOWN_CELL.format(where=cell.where) for cell in unknown)
            continue
        bound.append(item)
    return bound


class _Gone(Exception):
    def __init__(self, what: str):
        self.what = what


def _row_where(row: ParsedRow) -> str:
    """A row of the workbook by the name typed in it where it has one, else by its first cell."""
    name = row.cells.get("name")
    if name is not None and (name.value or "").strip():
        return f"“{name.value.strip()}”（{row.first.address}）"
    return row.first.where


def _snapshot(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _bind_row(context: _Context, row: ParsedRow) -> _Bound | None:
    kind, _, rest = row.target.partition(":")
    assessment = context.assessment
    if kind == "facts":
        facts = context.data.facts
        before = _snapshot(facts)
        forms = [_form(f.BasicDataForm, facts, row), _form(f.ExecutionForm, facts, row)]
        return _Bound(row, "基础数据", facts, forms, before)
    if kind == "staffing":
        staffing = context.data.staffing or Staffing(unit=assessment.unit, year=assessment.year)
        before = _snapshot(staffing)
        return _Bound(row, "财政供养人员", staffing, [_form(f.StaffingForm, staffing, row)], before)
    if kind == "assessment":
        before = _snapshot(assessment)
        return _Bound(row, "自评表", assessment, [_form(f.GoalForm, assessment, row)], before)
    if kind == "fund":
        if rest.startswith("new:"):
            if row.is_empty():
                return None
            context.next_fund += 1
            fund = SpecialFund(assessment=assessment, position=context.next_fund)
            typed = (row.cells["name"].value or "").strip() if "name" in row.cells else ""
            subject = f"专项资金“{typed}”" if typed else "专项资金"
            return _Bound(row, subject, fund, [_form(f.SpecialFundForm, fund, row)], _snapshot(fund), "add")
        fund = context.funds.get(_pk(rest))
        if fund is None:
            raise _Gone("该专项资金")
        subject = f"专项资金“{fund.name}”"
        if row.is_empty():
            return _Bound(row, subject, fund, [], _snapshot(fund), "delete")
        return _Bound(row, subject, fund, [_form(f.SpecialFundForm, fund, row)], _snapshot(fund))
    if kind == "inst":
        institution = context.institutions.get(_pk(rest))
        if institution is None:
            raise _Gone("该机构")
        before = _snapshot(institution)
        return _Bound(
            row, f"机构“{institution.name}”", institution, [_form(f.InstitutionForm, institution, row)], before
        )
    if kind == "project":
        project = context.projects.get(_pk(rest))
        if project is None:
            raise _Gone("该项目")
        before = _snapshot(project)
        return _Bound(row, f"项目“{project.name}”", project, [_form(ProjectTableForm, project, row)], before)
    if kind == "row":
        return _bind_indicator_row(context, row, rest)
    raise _Gone(f"模板中的“{row.target}”")


def _bind_indicator_row(context: _Context, row: ParsedRow, rest: str) -> _Bound | None:
    if rest.startswith("new:"):
        if row.is_empty():
            return None
        _, project_part, group, _ = [*rest.split(":"), "", "", "", ""][:4]
        project_id = _pk(project_part) or None  # 0 or nothing: the 自评表's own rows
        if project_id is not None and project_id not in context.projects:
            raise _Gone("该项目")
        spec = context.spec_for(project_id)
        if project_id is not None and group == EXECUTION_CODE and spec is not None:
            return _bind_execution(context, row, context.projects[project_id], spec)
        groups = tables.unit_row_groups(spec) if spec else []
        if group not in dict(groups):
            raise _Gone(f"二级指标“{group}”")
        position = context.next_row.get(project_id, 0) + 1
        context.next_row[project_id] = position
        instance = IndicatorRow(
            assessment=context.assessment,
            project=context.projects.get(project_id),
            position=position,
            group_code=group,
        )
        form = _form(f.IndicatorRowForm, instance, row, groups=groups)
        typed = row.cells.get("name")
        subject = context.row_subject(project_id, group, (typed.value or "").strip() if typed else "")
        return _Bound(row, subject, instance, [form], _indicator_snapshot(instance), "add")
    instance = context.rows.get(_pk(rest))
    if instance is None:
        raise _Gone("该指标")
    spec = context.spec_for(instance.project_id)
    if spec is None:
        raise _Gone("该项目的指标体系")
    groups = tables.unit_row_groups(spec)
    indicator = spec.by_code.get(instance.code) if instance.code else None
    if instance.code and indicator is None:
        raise _Gone(f"指标“{instance.code}”")
    if indicator is not None:
        subject = context.row_subject(instance.project_id, indicator.code, "")
    else:
        subject = context.row_subject(instance.project_id, instance.group_code, instance.name)
    if not instance.code and all(
        cell.value in (None, "") for name, cell in row.cells.items() if name not in DERIVED_ROW_CELLS
    ):
        return _Bound(row, subject, instance, [], _indicator_snapshot(instance), "delete")
    before = _indicator_snapshot(instance)
    form = _form(f.IndicatorRowForm, instance, row, indicator=indicator, groups=groups)
    return _Bound(row, subject, instance, [form], before)


def _bind_execution(context: _Context, row: ParsedRow, project, spec) -> _Bound | None:
    """A project's 预算执行率 hand score exported while the project had no row for it: a row is added only when the
    choice, the score or the reason was filled in (as the project page does); one added since is changed instead."""
    rows = [item for item in context.rows.values() if item.project_id == project.pk]
    form = execution_form(project, spec, rows)
    if form is None:
        raise _Gone("预算执行率的人工评分")
    instance = form.instance
    bound = _form(type(form), instance, row, indicator=form.indicator)
    if instance.pk is None and not bound.has_changed():
        return None
    subject = context.row_subject(project.pk, form.indicator.code, "")
    action = "change" if instance.pk else "add"
    return _Bound(row, subject, instance, [bound], _indicator_snapshot(instance), action)


def _indicator_snapshot(instance: IndicatorRow) -> dict:
    before = _snapshot(instance)
    before["answers"] = dict(instance.answers or {})
    return before


def _pk(text: str) -> int | None:
    """The id in a target of the cell map. Only ASCII digits, as many as an id can have: str.isdigit() is also true
    for "²", which int() refuses, and int() refuses more than 4,300 digits."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else None


def _form(form_class, instance, row: ParsedRow, **kwargs):
    """The screen's form bound to the stored values with the workbook's cells on top (fields the workbook does not
    hold keep their stored value). Choice cells hold the label shown in Excel; the form gets the choice's value."""
    form = form_class(instance=instance, **kwargs)
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    for name, cell in row.cells.items():
        if name in form.fields:
            data[name] = _choice_value(form.fields[name], cell.value)
    # Bound in place (what the constructor does with `data`), so the fields are built once, not twice.
    form.is_bound, form.data, form._errors = True, data, None
    form._bound_fields_cache = {}
    return form


def _choice_value(field, value: str | None):
    if value is None:
        return ""
    choices = getattr(field, "choices", None)
    if not choices or not isinstance(field, django_forms.ChoiceField):
        return value
    text = value.strip()
    for key, label in choices:
        if text in (str(label), str(key)) and str(key) != "":
            return key
    return text


def _validate(item: _Bound, result: ImportResult) -> None:
    if item.action == "delete":
        result.changes.append(Change(item.row.first.address, item.subject, "整行", "存在", "删除", "delete"))
        return
    valid = True
    for form in item.forms:
        if not form.is_valid():
            valid = False
            _report(form, item, result)
    if valid:
        _diff(item, result)


def _subject(item: _Bound, cell: Cell | None) -> str:
    """The facts are one object spread over two sheets: named by the table the cell is on."""
    if item.row.target == "facts" and cell is not None:
        return FACT_TABLES.get(cell.sheet, item.subject)
    return item.subject


FACT_TABLES = {SHEET_BASIC: "基础数据表", SHEET_SELF: "自评表"}


def _field_label(item: _Bound, form, name: str) -> str:
    """A field by the name its screen gives it; a unit-written row's score is its 自评得分 (only a framework
    indicator is scored by hand instead of its rule)."""
    if isinstance(item.instance, IndicatorRow):
        if name == "score" and not getattr(form, "hand_scorable", False):
            return "自评得分"
        if name in form.fields:
            return str(form.fields[name].label)
    if name in form.fields and not isinstance(item.instance, IndicatorRow):
        try:
            return str(item.instance._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            return str(form.fields[name].label)
    return item.subject


def _report(form, item: _Bound, result: ImportResult) -> None:
    """Each error as 〈what〉（〈sheet〉 〈cell〉）：〈message〉, the row named as the preview names it."""
    for name, errors in form.errors.items():
        cell = item.row.cells.get(name) if name != django_forms.forms.NON_FIELD_ERRORS else None
        if cell is None and name in ("answers", "failed_items"):
            cell = _cell_for(item, name)
        where = (cell or item.row.first).address
        label = _field_label(item, form, name) if name in form.fields else ""
        subject = _subject(item, cell)
        what = subject if not label or label == subject else f"{subject}·{label}"
        for message in errors:
            result.errors.append(f"{what}（{where}）：{message}")


# Bookkeeping, and a framework indicator's code (never typed: a project's added 预算执行率 row is named by its subject).
SKIPPED = frozenset({"id", "lock_version", "updated_at", "updated_by_id", "created_at", "position", "code"})


def _diff(item: _Bound, result: ImportResult) -> None:
    instance = item.instance
    after = _snapshot(instance)
    form = item.forms[0] if item.forms else None
    answers = getattr(form, "inputs", None).answers if getattr(form, "inputs", None) else ()
    if isinstance(instance, IndicatorRow):
        after["answers"] = dict(instance.answers or {})
    for attname, new in after.items():
        old = item.before.get(attname)
        if attname in SKIPPED or (answers and attname in ("answers", "failed_items")):
            continue
        if _same(old, new) and item.action != "add":
            continue
        # A new row lists what was filled in: not its blanks, nor a choice left at "no" (评分方式 按规则计算).
        if item.action == "add" and (new in (None, "", {}, []) or new is False):
            continue
        model_field = instance._meta.get_field(attname) if attname != "answers" else None
        if model_field is not None and model_field.is_relation:
            continue
        form_field = next((form.fields[attname] for form in item.forms if attname in form.fields), None)
        cell = _cell_for(item, attname)
        if model_field is None:
            label = "检查项结果"
        elif form is not None and attname in form.fields:
            label = _field_label(item, form, attname)
        else:
            label = str(model_field.verbose_name)
        item.changed = True
        result.changes.append(
            Change(
                (cell or item.row.first).address,
                _subject(item, cell),
                label,
                _display(model_field, form_field, old, item.before),
                _display(model_field, form_field, new, after),
                item.action,
            )
        )
    for answer in answers:
        _diff_answer(item, answer, after, result)


def _diff_answer(item: _Bound, answer, after: dict, result: ImportResult) -> None:
    """A check-item of a framework indicator by its label, its answer as the drop-down words it (符合（1 分）)."""
    if answer.is_count and answer.key == TOP_ANSWER:
        old, new = item.before.get("failed_items"), after.get("failed_items")
    else:
        old, new = item.before.get("answers", {}).get(answer.key), after["answers"].get(answer.key)
    if _same(old, new):
        return
    item.changed = True
    cell = item.row.cells.get(f"ans_{answer.key}") or item.row.first
    result.changes.append(
        Change(
            cell.address,
            item.subject,
            answer.label,
            _answer_shown(answer, old),
            _answer_shown(answer, new),
            item.action,
        )
    )


def _answer_shown(answer, value) -> str:
    if value in (None, ""):
        return EMPTY
    if answer.is_count:
        return f"{value} 项"
    return dict(answer.options).get(from_stored(value), shown(value))


def _cell_for(item: _Bound, attname: str) -> Cell | None:
    if attname in item.row.cells:
        return item.row.cells[attname]
    if attname in ("answers", "failed_items"):
        return next((cell for name, cell in item.row.cells.items() if name.startswith("ans_")), None)
    return None


def _same(old, new) -> bool:
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return old is not None and new is not None and Decimal(old) == Decimal(new)
        except (InvalidOperation, TypeError):
            return False
    return old == new


def _display(model_field, form_field, value, values: dict) -> str:
    """A stored value as people read it: a choice by its words, an amount with thousands separators and 万元, an
    area in m², a weight or score in 分, a number read from a percentage with %, nothing as （空）."""
    if value in (None, "") or value == {}:
        return EMPTY
    if isinstance(form_field, django_forms.ChoiceField) and not isinstance(form_field, django_forms.ModelChoiceField):
        for key, label in form_field.choices:
            if key not in ("", None) and str(key) == str(value):
                return str(label)
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, Decimal) and model_field is not None:
        return _number_shown(model_field, value, values)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return shown(value)


# The number read from a row's text is shown in that text's unit: “≥95%” was read as 95.
NUMBER_TEXTS = {"target_number": "target_value", "actual_number": "actual_value"}


def _number_shown(model_field, value: Decimal, values: dict) -> str:
    plain = f"{value.normalize():,f}"
    if model_field.name in ("weight", "score"):
        return f"{plain} 分"
    if "m²" in str(model_field.verbose_name):
        return f"{value:,.2f} m²"
    if model_field.name in NUMBER_TEXTS:
        text = values.get(NUMBER_TEXTS[model_field.name]) or ""
        return f"{plain}%" if "%" in text or "％" in text else plain
    if getattr(model_field, "is_money", False):
        return f"{value:,.2f} 万元"
    return plain


def _save(item: _Bound) -> None:
    if item.action == "change" and not item.changed:
        return  # as stored: nothing to write
    if item.action == "delete":
        item.instance.delete()
        return
    if isinstance(item.instance, Facts | Assessment):
        # Two forms (or the lock's fields) share the instance: saving it once keeps everything they set.
        item.instance.save()
        return
    for form in item.forms:
        form.save()


def workbook_import_file(*, assessment: Assessment, file, user, expected_version: int, apply: bool):
    """Both stages in one call (for scripts and the benchmark); WorkbookRefused is returned as an error."""
    try:
        parsed = parse_workbook(file)
    except WorkbookRefused as refused:
        return ImportResult(errors=[refused.message])
    return workbook_import(
        assessment=assessment, parsed=parsed, user=user, expected_version=expected_version, apply=apply
    )
