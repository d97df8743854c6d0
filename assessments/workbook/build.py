"""The assessment as an Excel workbook laid out like the official tables: 附件1-1 基础数据表, 附件1-2 整体支出绩效自评表,
one 附件1-3 项目支出绩效自评表 per project and the 收支情况 table per institution.

Typed cells are unlocked and tinted; computed cells are locked and hold values (never formulas). Every typed cell is
listed in the hidden marker sheet `_perfeval` with what it holds (`target` = which object, `field` = the form field),
together with the template id and version and the assessment it was exported from — the import
(assessments.workbook.imports) reads exactly those cells and nothing else. Values and choice labels come from the same
forms the screens use, so a choice reads in Excel as it does on the screen (定性, 达成年度指标, 符合（1 分）)."""

import io
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assessments import forms as f
from assessments import tables
from assessments.checks import assessment_checks, project_checks
from assessments.explanations import stored_explanations
from assessments.facts import FactSheet
from assessments.models import Assessment, IndicatorRow, Project, SpecialFund
from assessments.projects.forms import ProjectTableForm, execution_form
from assessments.scores import entry_key, project_framework_version, score_project
from assessments.selectors import AssessmentData, assessment_data
from perfeval.spreadsheets import set_cell
from scoring.adapters import framework_spec
from units.models import Staffing

TEMPLATE_ID = "perfeval-selfeval"
TEMPLATE_VERSION = 1
MARKER_SHEET = "_perfeval"
LISTS_SHEET = "_lists"
MAP_FIRST_ROW = 10  # the cell map starts here in the marker sheet; rows above are key/value pairs
MAP_CHUNK = 30000  # characters of the cell map per cell (Excel keeps at most 32,767 in one cell)

SHEET_BASIC = "附件1-1"
SHEET_SELF = "附件1-2"
SHEET_FINANCE = "收支情况"
SHEET_HINT_NOTES = "提示及说明"
BLANK_FUND_ROWS = 5  # empty 专项资金 rows offered for new funds
BLANK_INDICATOR_ROWS = 2  # empty 三级指标 rows offered under each level-2 group

AMOUNT_FORMAT = "#,##0.00"
NUMBER_FORMAT = "#,##0.####"
PERCENT_FORMAT = "0.00%"
COUNT_FORMAT = "0"

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FONT = Font(name="宋体", size=10)
BOLD = Font(name="宋体", size=10, bold=True)
TITLE = Font(name="宋体", size=14, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
INPUT_FILL = PatternFill("solid", fgColor="FFF9DB")
COMPUTED_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def project_sheet_name(position: int) -> str:
    return f"附件1-3（{position}）"


def workbook_filename(assessment: Assessment) -> str:
    return f"{assessment.year}年度{assessment.unit.name}绩效自评.xlsx"


class _Book:
    """The workbook being built, its cell map and its drop-down lists."""

    def __init__(self):
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.cell_map: list[tuple[str, str, str, str, str]] = []
        self.lists: dict[tuple[str, ...], str] = {}
        self.lists_ws = None

    def sheet(self, title: str, widths: dict[str, float]) -> "_Sheet":
        ws = self.wb.create_sheet(title)
        for column, width in widths.items():
            ws.column_dimensions[column].width = width
        ws.sheet_view.showGridLines = False
        ws.protection.sheet = True
        # Protected against typing into computed cells; resizing rows and columns stays possible.
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.protection.formatCells = False
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        return _Sheet(self, ws)

    def list_range(self, labels: tuple[str, ...]) -> str:
        """A drop-down's choices as a range of the hidden lists sheet (labels may hold commas; no 255-char limit)."""
        if labels not in self.lists:
            if self.lists_ws is None:
                self.lists_ws = self.wb.create_sheet(LISTS_SHEET)
                self.lists_ws.sheet_state = "veryHidden"
            column = get_column_letter(len(self.lists) + 1)
            for row, label in enumerate(labels, 1):
                set_cell(self.lists_ws[f"{column}{row}"], label)
            self.lists[labels] = f"'{LISTS_SHEET}'!${column}$1:${column}${len(labels)}"
        return self.lists[labels]


class _Sheet:
    def __init__(self, book: _Book, ws):
        self.book, self.ws = book, ws
        self.validations: dict[str, DataValidation] = {}

    def write(self, coordinate: str, value, *, font=FONT, fill=None, align=WRAP, fmt=None, border=True):
        cell = self.ws[coordinate]
        # Text typed by a person is text: never a formula, also after a round trip through Excel.
        set_cell(cell, value)
        cell.font = font
        cell.alignment = align
        if fill is not None:
            cell.fill = fill
        if fmt:
            cell.number_format = fmt
        if border:
            cell.border = BORDER
        return cell

    def label(self, coordinate: str, text: str, *, bold=False, header=False, indent=0, merge_to: str = ""):
        align = CENTER if header else Alignment(vertical="center", wrap_text=True, indent=indent)
        self.write(
            coordinate, text, font=BOLD if (bold or header) else FONT, fill=HEADER_FILL if header else None, align=align
        )
        if merge_to:
            self.merge(coordinate, merge_to)

    def merge(self, first: str, last: str):
        self.ws.merge_cells(f"{first}:{last}")
        for row in self.ws[f"{first}:{last}"]:
            for cell in row:
                cell.border = BORDER

    def title(self, row: int, text: str, last_column: str, *, note: str = ""):
        if note:
            self.write(f"A{row}", note, font=FONT, border=False)
            row += 1
        self.write(f"A{row}", text, font=TITLE, align=CENTER, border=False)
        self.ws.merge_cells(f"A{row}:{last_column}{row}")
        self.ws.row_dimensions[row].height = 28
        return row + 1

    def computed(self, coordinate: str, value, fmt: str = AMOUNT_FORMAT):
        self.write(coordinate, _cell_value(value), fill=COMPUTED_FILL, align=RIGHT, fmt=fmt)

    def points(self, coordinate: str, line):
        """A score line's points; one scored by hand in place of its rule says so in a note on the cell."""
        self.computed(coordinate, line.points if line else None)
        if line is not None and line.by_hand:
            self.ws[coordinate].comment = Comment(
                f"人工评分：数据无法取得，按人工录入得分。{line.explanation}", "perfeval"
            )

    def input(
        self,
        coordinate: str,
        form,
        name: str,
        target: str,
        label: str,
        *,
        fmt: str = "",
        merge_to: str = "",
        value=None,
    ):
        """A typed cell: the form's current value, unlocked, listed in the cell map; choices get a drop-down."""
        field = form.fields[name]
        current = form[name].value() if value is None else value
        choices = [(str(k), str(v)) for k, v in getattr(field, "choices", ()) if str(k) != ""]
        if choices:
            labels = dict(choices)
            current = labels.get(str(current), current) if current not in (None, "") else None
            self.dropdown(coordinate, tuple(label for _, label in choices))
        if isinstance(field, f.AmountField):
            fmt = fmt or (AMOUNT_FORMAT if field.decimal_places == 2 else NUMBER_FORMAT)
        elif isinstance(field, f.CountField):
            fmt = fmt or COUNT_FORMAT
        numeric = isinstance(field, f.AmountField | f.CountField)
        cell = self.write(
            coordinate,
            _cell_value(current) if numeric else (None if current in (None, "") else str(current)),
            fill=INPUT_FILL,
            align=RIGHT if numeric else WRAP,
            fmt=fmt or None,
        )
        cell.protection = Protection(locked=False)
        if merge_to:
            self.merge(coordinate, merge_to)
        self.book.cell_map.append((self.ws.title, coordinate, target, name, label))
        return cell

    def dropdown(self, coordinate: str, labels: tuple[str, ...]):
        source = self.book.list_range(labels)
        validation = self.validations.get(source)
        if validation is None:
            validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
            validation.error = "请从下拉列表中选择。"
            validation.errorTitle = "无效的选项"
            self.ws.add_data_validation(validation)
            self.validations[source] = validation
        validation.add(coordinate)


def encode_cell_map(entries: list[tuple[str, str, str, str, str]]) -> list[str]:
    """The cell map as JSON text cut into cells: [[sheet, cell, target, field, label], …]. A few long cells read far
    faster than thousands of small ones."""
    text = json.dumps([list(entry) for entry in entries], ensure_ascii=False, separators=(",", ":"))
    return [text[i : i + MAP_CHUNK] for i in range(0, len(text), MAP_CHUNK)] or ["[]"]


def decode_cell_map(chunks: list[str]) -> list[tuple[str, str, str, str, str]]:
    """The entries written by encode_cell_map; ValueError when they are not five strings each."""
    entries = json.loads("".join(chunks))
    if not isinstance(entries, list):
        raise ValueError("not a list")
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 5 and all(isinstance(item, str) for item in entry)):
            raise ValueError(f"bad entry {entry!r}"[:80])
    return [tuple(entry) for entry in entries]


def _cell_value(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return str(value)


# --- the workbook ------------------------------------------------------------------------------------------------


def build_workbook(assessment: Assessment) -> Workbook:
    data = assessment_data(assessment)
    book = _Book()
    _basic_data_sheet(book, data)
    _self_eval_sheet(book, data)
    project_version = project_framework_version(assessment) if data.projects else None
    project_spec = framework_spec(project_version) if project_version else None
    for position, project in enumerate(data.projects, 1):
        rows = [row for row in data.rows if row.project_id == project.pk]
        _project_sheet(book, data, project, rows, project_spec, position)
    _finance_sheet(book, data)
    _hint_notes_sheet(book, data)
    _marker_sheet(book, assessment)
    book.wb.active = 0
    return book.wb


def workbook_bytes(assessment: Assessment) -> bytes:
    buffer = io.BytesIO()
    build_workbook(assessment).save(buffer)
    return buffer.getvalue()


def _header_block(sheet: _Sheet, data: AssessmentData, row: int, last_column: str) -> int:
    unit = data.assessment.unit
    sheet.write(f"A{row}", f"填报单位（盖章）：{unit.name}", border=False)
    sheet.write(f"{last_column}{row}", f"年度：{data.assessment.year}", border=False, align=RIGHT)
    return row + 1


def _footer(sheet: _Sheet, data: AssessmentData, row: int):
    unit = data.assessment.unit
    row += 1
    plain = Alignment(vertical="center")
    sheet.write(f"A{row}", f"填表人：{unit.contact_person or ''}", border=False, align=plain)
    sheet.write(f"C{row}", "填报日期：", border=False, align=plain)
    sheet.write(f"E{row}", f"联系电话：{unit.contact_phone or ''}", border=False, align=plain)
    sheet.write(f"A{row + 1}", "单位负责人签字：", border=False, align=plain)


def _basic_data_sheet(book: _Book, data: AssessmentData):
    assessment, facts = data.assessment, data.facts
    sheet = book.sheet(SHEET_BASIC, {"A": 34, "B": 15, "C": 15, "D": 15, "E": 15, "F": 15, "G": 15})
    row = sheet.title(1, "部门整体支出绩效评价基础数据表", "G", note="附件1-1")
    row = _header_block(sheet, data, row, "G")
    fact_sheet = data.fact_sheet()
    computed = fact_sheet.values

    # 财政供养人员
    staffing = data.staffing or Staffing(unit=assessment.unit, year=assessment.year)
    staffing_form = f.StaffingForm(instance=staffing, prefix="staffing")
    sheet.label(f"A{row}", "财政供养人员情况", header=True)
    for column, text in zip("BCD", ("编制数", "实际在职人数", "控制率"), strict=True):
        sheet.label(f"{column}{row}", text, header=True)
    row += 1
    sheet.label(f"A{row}", "人数")
    sheet.input(f"B{row}", staffing_form, "staff_quota", "staffing", "编制数")
    sheet.input(f"C{row}", staffing_form, "staff_actual", "staffing", "实际在职人数")
    quota, actual = staffing.staff_quota, staffing.staff_actual
    sheet.computed(
        f"D{row}", Decimal(actual) / Decimal(quota) if quota and actual is not None else None, PERCENT_FORMAT
    )
    row += 2

    # 经费控制情况
    year = assessment.year
    basic_form = f.BasicDataForm(instance=facts, prefix="facts")
    headers = {"prior": f"{year - 1}年决算数", "budget": f"{year}年预算数", "actual": f"{year}年决算数"}
    sheet.label(f"A{row}", "经费控制情况（万元）", header=True)
    for column, (key, _) in zip("BCD", tables.BASIC_DATA_COLUMNS, strict=True):
        sheet.label(f"{column}{row}", headers[key], header=True)
    row += 1
    for table_row in tables.BASIC_DATA_ROWS:
        sheet.label(f"A{row}", table_row.label, bold=table_row.indent == 0, indent=table_row.indent * 2)
        for column, (key, _) in zip("BCD", tables.BASIC_DATA_COLUMNS, strict=True):
            name = f"{table_row.name}_{key}"
            if table_row.computed:
                sheet.computed(f"{column}{row}", computed.get(name))
            else:
                label = f"{_plain(table_row.label)}·{headers[key]}"
                sheet.input(f"{column}{row}", basic_form, name, "facts", label)
        row += 1
        if table_row.name == "project_special":
            row = _special_fund_rows(sheet, data, row, headers)

    # 楼堂馆所
    row += 1
    headers = (
        "楼堂馆所控制情况",
        "批复规模（m²）",
        "实际规模（m²）",
        "规模控制率",
        "预算投资（万元）",
        "实际投资（万元）",
        "投资概算控制率",
    )
    for column, text in zip("ABCDEFG", headers, strict=True):
        sheet.label(f"{column}{row}", text, header=True)
    row += 1
    sheet.label(f"A{row}", "本年度完工项目")
    sheet.input(f"B{row}", basic_form, "building_area_approved", "facts", "批复规模（m²）", fmt=AMOUNT_FORMAT)
    sheet.input(f"C{row}", basic_form, "building_area_actual", "facts", "实际规模（m²）", fmt=AMOUNT_FORMAT)
    sheet.computed(f"D{row}", _ratio(facts.building_area_actual, facts.building_area_approved), PERCENT_FORMAT)
    sheet.input(f"E{row}", basic_form, "building_investment_budget", "facts", "预算投资")
    sheet.input(f"F{row}", basic_form, "building_investment_actual", "facts", "实际投资")
    sheet.computed(
        f"G{row}", _ratio(facts.building_investment_actual, facts.building_investment_budget), PERCENT_FORMAT
    )
    row += 2
    sheet.label(f"A{row}", "厉行节约保障措施", header=True)
    sheet.input(f"B{row}", basic_form, "austerity_measures", "facts", "厉行节约保障措施", merge_to=f"G{row}")
    sheet.ws.row_dimensions[row].height = 60
    _footer(sheet, data, row + 1)
    sheet.ws.freeze_panes = "B5"


def _special_fund_rows(sheet: _Sheet, data: AssessmentData, row: int, headers: dict[str, str]) -> int:
    """One row per 专项资金 under 3、专项资金, then empty rows for new ones (a row left empty is not saved; an
    existing row emptied is deleted)."""
    funds = [(f"fund:{fund.pk}", fund) for fund in data.special_funds]
    funds += [(f"fund:new:{n}", SpecialFund(assessment=data.assessment)) for n in range(1, BLANK_FUND_ROWS + 1)]
    for target, fund in funds:
        form = f.SpecialFundForm(instance=fund)
        sheet.input(f"A{row}", form, "name", target, "专项资金名称")
        sheet.ws[f"A{row}"].alignment = Alignment(vertical="center", wrap_text=True, indent=6)
        for column, (key, _) in zip("BCD", tables.BASIC_DATA_COLUMNS, strict=True):
            sheet.input(f"{column}{row}", form, key, target, f"专项资金·{headers[key]}")
        row += 1
    return row


def _plain(label: str) -> str:
    """A table label without its numbering: "3、公务接待" → "公务接待"."""
    return label.split("、", 1)[-1].removeprefix("其中：")


def _ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


# --- 附件1-2 and 附件1-3: the 10号 tables -------------------------------------------------------------------------

# Columns of the indicator table. A–H are the official table; I onwards are the inputs the engine reads.
IND_COLUMNS = {
    "A": ("一级指标", 12),
    "B": ("二级指标", 14),
    "C": ("三级指标", 28),
    "D": ("年度指标值", 16),
    "E": ("实际完成值", 16),
    "F": ("分值", 8),
    "G": ("得分", 8),
    "H": ("偏差原因分析及改进措施", 28),
    "I": ("类型", 8),
    "J": ("定性评价／选项", 22),
    "K": ("自评得分（定性、人工评分）", 12),
    "L": ("比较方式", 8),
    "M": ("指标值（数值）", 12),
    "N": ("完成值（数值）", 12),
    "O": ("评分理由", 24),
    # 财预〔2021〕101号's row metadata (the 佐证资料 types, several per row, stay on the screens)
    "P": ("指标值设定依据", 16),
    "Q": ("完成值取值方式", 14),
    "R": ("数据来源", 16),
}
UNIT_ROW_CELLS = (
    ("C", "name"),
    ("D", "target_value"),
    ("E", "actual_value"),
    ("F", "weight"),
    ("H", "deviation_reason"),
    ("I", "kind"),
    ("J", "outcome"),
    ("K", "score"),
    ("L", "target_comparator"),
    ("M", "target_number"),
    ("N", "actual_number"),
    ("O", "score_reason"),
    ("P", "target_basis"),
    ("Q", "actual_method"),
    ("R", "data_source"),
)


def _self_eval_sheet(book: _Book, data: AssessmentData):
    assessment = data.assessment
    sheet = book.sheet(SHEET_SELF, {c: w for c, (_, w) in IND_COLUMNS.items()})
    row = sheet.title(1, f"{assessment.year}年度部门整体支出绩效自评表", "H", note="附件1-2")
    row = _header_block(sheet, data, row, "H")
    spec = framework_spec(assessment.framework_version)
    try:
        scored = data.scored()
        lines = {line.code: line for line in scored.sheet.lines}
        total = scored.sheet.total if scored.sheet.complete else scored.sheet.scored_total
    except ValidationError:
        lines, total = {}, None
    execution_form = f.ExecutionForm(instance=data.facts, prefix="facts")
    groups = tables.unit_row_groups(spec)
    rows = [r for r in data.rows if r.project_id is None]
    code_rows = {r.code: r for r in rows if r.code}
    execution_node = next((node for node in spec.walk() if tables.is_funds_block(node)), None)

    # Funds block
    sheet.label(f"A{row}", "年度预算资金（万元）", header=True, merge_to=f"C{row}")
    for column, text in zip(
        "DEFGHI", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), strict=True
    ):
        sheet.label(f"{column}{row}", text, header=True)
    row += 1
    sheet.label(f"A{row}", "年度资金总额", bold=True, merge_to=f"C{row}")
    sheet.input(f"D{row}", execution_form, "budget_initial", "facts", "年初预算数")
    sheet.input(f"E{row}", execution_form, "budget_full_year", "facts", "全年预算数")
    sheet.input(f"F{row}", execution_form, "spending_actual", "facts", "全年执行数")
    execution_line = lines.get(execution_node.code) if execution_node else None
    sheet.computed(f"G{row}", execution_node.weight if execution_node else None, NUMBER_FORMAT)
    sheet.computed(f"H{row}", _ratio(data.facts.spending_actual, data.facts.budget_full_year), PERCENT_FORMAT)
    sheet.points(f"I{row}", execution_line)
    row += 1
    for heading, names in (
        (
            "按收入性质分（全年预算数）",
            ("budget_general_budget", "budget_government_funds", "budget_special_account", "budget_other"),
        ),
        ("按支出性质分（全年预算数）", ("budget_basic", "budget_project")),
    ):
        sheet.label(f"A{row}", heading, bold=True, merge_to=f"C{row}")
        row += 1
        for name in names:
            label = _field_label(execution_form, name).removesuffix("·全年预算数")
            sheet.label(f"A{row}", label, indent=2, merge_to=f"C{row}")
            sheet.input(f"E{row}", execution_form, name, "facts", label)
            row += 1
    if execution_node is not None and execution_node.code in code_rows:
        execution_row = code_rows[execution_node.code]
        form = f.IndicatorRowForm(instance=execution_row, indicator=spec.by_code[execution_node.code], groups=groups)
        row = _execution_rows(sheet, form, f"row:{execution_row.pk}", row)
    row = _goal_block(sheet, f.GoalForm(instance=assessment, prefix="goal"), "assessment", row + 1)
    row = _indicator_table(sheet, spec, rows, lines, groups, row + 1, project_pk=None, skip=execution_node)
    row = _total_row(sheet, spec, total, row)
    row = _other_facts(sheet, execution_form, row + 1)
    _footer(sheet, data, row)
    sheet.ws.freeze_panes = "D4"


def _execution_rows(sheet: _Sheet, form, target: str, row: int) -> int:
    """Below the funds block, its 预算执行率: the 偏差原因 asked for when it falls short of full marks, and the hand
    score when its data cannot be had."""
    sheet.label(f"A{row}", "执行率偏差原因分析及改进措施", merge_to=f"C{row}")
    sheet.input(f"D{row}", form, "deviation_reason", target, "执行率偏差原因分析及改进措施", merge_to=f"I{row}")
    row += 1
    if form.hand_scorable:
        row = _hand_score_row(sheet, form, target, row)
    return row


def _hand_score_row(sheet: _Sheet, form, target: str, row: int) -> int:
    """The funds block's 预算执行率 scored by hand when its data cannot be had: the choice, the score, the reason."""
    name = form.indicator.name
    sheet.label(f"A{row}", "评分方式（数据无法取得时人工评分：得分、原因）", merge_to=f"C{row}")
    sheet.input(f"D{row}", form, "manual", target, f"{name}·评分方式", merge_to=f"E{row}")
    sheet.input(f"F{row}", form, "score", target, f"{name}·人工评分")
    sheet.input(f"G{row}", form, "score_reason", target, f"{name}·人工评分原因", merge_to=f"I{row}")
    return row + 1


def _field_label(form, name: str) -> str:
    return str(form.fields[name].label)


def _goal_block(sheet: _Sheet, form, target: str, row: int) -> int:
    sheet.label(f"A{row}", "年度总体目标", header=True, merge_to=f"A{row + 1}")
    sheet.label(f"B{row}", "预期目标", header=True, merge_to=f"E{row}")
    sheet.label(f"F{row}", "实际完成情况", header=True, merge_to=f"H{row}")
    sheet.input(f"B{row + 1}", form, "goal_planned", target, "年度总体目标·预期目标", merge_to=f"E{row + 1}")
    sheet.input(f"F{row + 1}", form, "goal_achieved", target, "年度总体目标·实际完成情况", merge_to=f"H{row + 1}")
    sheet.ws.row_dimensions[row + 1].height = 60
    return row + 2


def _indicator_table(sheet, spec, rows, lines, groups, row, *, project_pk, skip=None) -> int:
    for column, (text, _) in IND_COLUMNS.items():
        sheet.label(f"{column}{row}", text, header=True)
    row += 1
    by_group: dict[str, list[IndicatorRow]] = {}
    code_rows = {}
    for item in rows:
        if item.code:
            code_rows[item.code] = item
        else:
            by_group.setdefault(item.group_code, []).append(item)
    for node in spec.walk():
        if skip is not None and node.code == skip.code:
            continue
        line = lines.get(node.code)
        column = {1: "A", 2: "B"}.get(node.level, "C")
        if node.unit_rows or not node.is_leaf:
            sheet.label(f"{column}{row}", node.name, bold=True)
            if node.weight is not None:
                sheet.computed(f"F{row}", node.weight, NUMBER_FORMAT)
            sheet.computed(f"G{row}", line.points if line else None)
            row += 1
        if node.unit_rows:
            slots = [(f"row:{item.pk}", item) for item in by_group.get(node.code, [])]
            slots += [
                (
                    f"row:new:{project_pk or 0}:{node.code}:{n}",
                    IndicatorRow(group_code=node.code, project_id=project_pk),
                )
                for n in range(1, BLANK_INDICATOR_ROWS + 1)
            ]
            for target, item in slots:
                form = f.IndicatorRowForm(instance=item, groups=groups)
                for cell_column, name in UNIT_ROW_CELLS:
                    label = f"{node.name}·{IND_COLUMNS[cell_column][0]}"
                    sheet.input(f"{cell_column}{row}", form, name, target, label)
                item_line = lines.get(entry_key(item)) if item.pk else None
                sheet.computed(f"G{row}", item_line.points if item_line else None)
                for blank in "AB":
                    sheet.write(f"{blank}{row}", None)
                row += 1
        elif node.is_leaf and node.code in code_rows:
            row = _code_row(sheet, spec, node, code_rows[node.code], line, groups, row, column)
    return row


def _code_row(sheet, spec, node, item: IndicatorRow, line, groups, row: int, column: str) -> int:
    """A framework indicator: its name and weight as in the framework, the inputs its rule asks for."""
    form = f.IndicatorRowForm(instance=item, indicator=node, groups=groups)
    target = f"row:{item.pk}"
    sheet.label(f"{column}{row}", node.name)
    sheet.computed(f"F{row}", node.weight, NUMBER_FORMAT)
    sheet.points(f"G{row}", line)
    mode = form.inputs.mode
    if form.hand_scorable:
        sheet.input(f"J{row}", form, "manual", target, f"{node.name}·评分方式")
        sheet.input(f"K{row}", form, "score", target, f"{node.name}·人工评分")
        sheet.input(f"O{row}", form, "score_reason", target, f"{node.name}·人工评分原因")
    if mode == "quantitative":
        sheet.input(f"D{row}", form, "target_value", target, f"{node.name}·年度指标值")
        sheet.input(f"E{row}", form, "actual_value", target, f"{node.name}·实际完成值")
    if mode == "qualitative":
        sheet.input(f"J{row}", form, "outcome", target, f"{node.name}·定性评价")
    if mode in ("qualitative", "manual"):
        sheet.input(f"K{row}", form, "score", target, f"{node.name}·自评得分")
        sheet.input(f"O{row}", form, "score_reason", target, f"{node.name}·评分理由")
    sheet.input(f"H{row}", form, "deviation_reason", target, f"{node.name}·偏差原因分析及改进措施")
    row += 1
    for answer in form.inputs.answers:
        name = f"ans_{answer.key}"
        sheet.label(f"C{row}", answer.label, indent=2)
        sheet.computed(f"F{row}", answer.weight, NUMBER_FORMAT)
        sheet.input(f"J{row}", form, name, target, f"{node.name}·{answer.label}")
        row += 1
    return row


def _total_row(sheet: _Sheet, spec, total, row: int) -> int:
    sheet.label(f"A{row}", "总分", bold=True, merge_to=f"E{row}")
    sheet.computed(f"F{row}", spec.total, NUMBER_FORMAT)
    sheet.computed(f"G{row}", total)
    return row + 1


def _other_facts(sheet: _Sheet, form, row: int) -> int:
    """The 自评表 inputs besides the funds block: adjustments, quarterly spending, surveys, work done."""
    shown = tables.FUNDS_BLOCK_AMOUNTS
    sheet.label(f"A{row}", "其他数据（预算调整、季度支出、满意度调查、重点工作）", header=True, merge_to=f"E{row}")
    row += 1
    for name in tables.EXECUTION_FIELDS:
        if name in shown:
            continue
        label = _field_label(form, name)
        hint = str(form.fields[name].help_text).rstrip("。")  # 本年追加预算: 调减填负数
        sheet.label(f"A{row}", f"{label}（{hint}）" if hint else label, merge_to=f"C{row}")
        if isinstance(form.fields[name], f.AmountField | f.CountField):
            sheet.input(f"D{row}", form, name, "facts", label)
        else:
            sheet.input(f"D{row}", form, name, "facts", label, merge_to=f"H{row}")
        row += 1
    return row


def _project_sheet(book: _Book, data: AssessmentData, project: Project, rows, spec, position: int):
    sheet = book.sheet(project_sheet_name(position), {c: w for c, (_, w) in IND_COLUMNS.items()})
    row = sheet.title(1, f"{data.assessment.year}年度项目支出绩效自评表", "H", note="附件1-3")
    row = _header_block(sheet, data, row, "H")
    form = ProjectTableForm(instance=project, prefix="project")
    target = f"project:{project.pk}"
    sheet.label(f"A{row}", "项目名称", header=True, merge_to=f"B{row}")
    sheet.input(f"C{row}", form, "name", target, "项目名称", merge_to=f"H{row}")
    row += 1
    sheet.label(f"A{row}", "主管部门", header=True, merge_to=f"B{row}")
    sheet.input(f"C{row}", form, "supervising_department", target, "主管部门", merge_to=f"D{row}")
    sheet.label(f"E{row}", "实施单位", header=True)
    sheet.input(f"F{row}", form, "implementing_unit", target, "实施单位", merge_to=f"H{row}")
    row += 1
    try:
        scored = score_project(project, spec=spec, rows=rows) if spec else None
    except ValidationError:
        scored = None
    lines = {line.code: line for line in scored.sheet.lines} if scored else {}
    execution_node = next((node for node in spec.walk() if tables.is_funds_block(node)), None) if spec else None
    sheet.label(f"A{row}", "项目资金（万元）", header=True, merge_to=f"C{row}")
    for column, text in zip(
        "DEFGHI", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), strict=True
    ):
        sheet.label(f"{column}{row}", text, header=True)
    row += 1
    funds = scored.facts if scored else {}
    sheet.label(f"A{row}", "年度资金总额", bold=True, merge_to=f"C{row}")
    for column, name in zip("DEF", ("budget_initial", "budget_full_year", "spending_actual"), strict=True):
        sheet.computed(f"{column}{row}", funds.get(name))
    execution_line = lines.get(execution_node.code) if execution_node else None
    sheet.computed(f"G{row}", execution_node.weight if execution_node else None, NUMBER_FORMAT)
    sheet.computed(f"H{row}", _ratio(funds.get("spending_actual"), funds.get("budget_full_year")), PERCENT_FORMAT)
    sheet.points(f"I{row}", execution_line)
    row += 1
    for label, source in (("其中：当年财政拨款", "fiscal"), ("上年结转资金", "carryover"), ("其他资金", "other")):
        sheet.label(f"A{row}", label, indent=2, merge_to=f"C{row}")
        for column, suffix, header in zip(
            "DEF",
            ("budget_initial", "budget_full_year", "spending_actual"),
            ("年初预算数", "全年预算数", "全年执行数"),
            strict=True,
        ):
            sheet.input(f"{column}{row}", form, f"{source}_{suffix}", target, f"{_plain(label)}·{header}")
        for column in "GHI":
            sheet.computed(f"{column}{row}", None)
        row += 1
    hand = execution_form(project, spec, rows) if spec else None
    if hand is not None:
        # Until the unit chooses hand scoring the project has no row for it: the import then adds one.
        stored = hand.instance.pk
        hand_target = f"row:{stored}" if stored else f"row:new:{project.pk}:{hand.instance.code}"
        row = _execution_rows(sheet, hand, hand_target, row)
    row = _goal_block(sheet, form, target, row + 1)
    if spec is not None:
        groups = tables.unit_row_groups(spec)
        row = _indicator_table(sheet, spec, rows, lines, groups, row + 1, project_pk=project.pk, skip=execution_node)
        total = (scored.sheet.total if scored.sheet.complete else scored.sheet.scored_total) if scored else None
        row = _total_row(sheet, spec, total, row)
    _footer(sheet, data, row)
    sheet.ws.freeze_panes = "D4"


def _finance_sheet(book: _Book, data: AssessmentData):
    """收支情况: one column per institution, then the computed 汇总 column."""
    institutions = data.institutions
    last = get_column_letter(len(institutions) + 2)
    widths = {"A": 30, **{get_column_letter(i + 2): 16 for i in range(len(institutions) + 1)}}
    sheet = book.sheet(SHEET_FINANCE, widths)
    row = sheet.title(1, f"{data.assessment.year}年度收支情况（万元）", last)
    row = _header_block(sheet, data, row, last)
    fact_sheet = FactSheet(
        data.facts, institutions=institutions, special_funds=data.special_funds, staffing=data.staffing
    )
    sheet.label(f"A{row}", "项目", header=True)
    forms = []
    for index, institution in enumerate(institutions):
        column = get_column_letter(index + 2)
        form = f.InstitutionForm(instance=institution, prefix="inst")
        forms.append((column, form, f"inst:{institution.pk}"))
        sheet.input(f"{column}{row}", form, "name", f"inst:{institution.pk}", "机构名称")
        sheet.ws[f"{column}{row}"].font = BOLD
    sheet.label(f"{last}{row}", "汇总", header=True)
    row += 1
    for table_row in tables.FINANCE_ROWS:
        sheet.label(
            f"A{row}", table_row.label, bold=table_row.computed and table_row.indent == 0, indent=table_row.indent * 2
        )
        for index, (column, form, target) in enumerate(forms):
            if table_row.computed:
                values = fact_sheet.institution_rows[index][1]
                sheet.computed(f"{column}{row}", values.get(table_row.name))
            else:
                sheet.input(f"{column}{row}", form, table_row.name, target, table_row.label)
        sheet.computed(f"{last}{row}", fact_sheet.summary.get(table_row.name))
        row += 1
    _footer(sheet, data, row)
    sheet.ws.freeze_panes = "B5"


def _hint_notes_sheet(book: _Book, data: AssessmentData):
    """提示及说明: each warning of the checks with the unit's explanation — the 自评表's and its narrative's, then each
    project table's — for reading (not imported: explanations are typed beside their finding on screen)."""
    try:
        scored = data.scored()
    except ValidationError:
        return
    explanations = stored_explanations(data.assessment)
    notes = [
        (hint.finding.message, hint.text) for hint in assessment_checks(data, scored, explanations=explanations).hints
    ]
    for checks in project_checks(data, explanations=explanations):
        notes += checks.hint_notes()
    if not notes:
        return
    sheet = book.sheet(SHEET_HINT_NOTES, {"A": 8, "B": 60, "C": 60})
    row = sheet.title(1, f"{data.assessment.year}年度提示及说明", "C")
    for column, label in zip("ABC", ("序号", "提示", "说明"), strict=True):
        sheet.label(f"{column}{row}", label, header=True)
    for number, (message, text) in enumerate(notes, 1):
        row += 1
        sheet.write(f"A{row}", number)
        sheet.write(f"B{row}", message)
        sheet.write(f"C{row}", text or "（未说明）")


def _marker_sheet(book: _Book, assessment: Assessment):
    """The hidden version marker and cell map the import reads."""
    ws = book.wb.create_sheet(MARKER_SHEET)
    ws.sheet_state = "veryHidden"
    pairs = (
        ("template", TEMPLATE_ID),
        ("template_version", TEMPLATE_VERSION),
        ("assessment_id", assessment.pk),
        ("unit_code", assessment.unit.code),
        ("unit_name", assessment.unit.name),
        ("year", assessment.year),
        ("lock_version", assessment.lock_version),
        ("exported_at", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
    )
    for row, (key, value) in enumerate(pairs, 1):
        set_cell(ws.cell(row=row, column=1), key)
        set_cell(ws.cell(row=row, column=2), value)
    ws.cell(row=MAP_FIRST_ROW - 1, column=1, value="cell_map")
    for row, chunk in enumerate(encode_cell_map(book.cell_map), MAP_FIRST_ROW):
        set_cell(ws.cell(row=row, column=1), chunk)
    ws.protection.sheet = True
