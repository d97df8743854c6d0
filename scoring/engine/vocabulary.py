"""Every fact the engine reads, with its Chinese label and unit. The name is the one the models, the templates, the
Excel column keys and the snapshots use for the same figure.

A framework may only name facts listed here, so a typo in a YAML file fails at load time instead of scoring zero.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fact:
    name: str
    label: str
    unit: str  # 万元, %, 人, m², 个, 份

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"


FACTS: dict[str, Fact] = {}


def _add(name: str, label: str, unit: str) -> None:
    FACTS[name] = Fact(name, label, unit)


# Staff (财政供养人员)
_add("staff_quota", "编制数", "人")
_add("staff_actual", "实际在职人数", "人")
_add("staff_agency", "编外人员数", "人")

# Budget and spending (万元)
_add("carryover_start", "上年结转和结余", "万元")
_add("carryover_end", "年末结转和结余", "万元")
_add("budget_initial", "年初预算数", "万元")
_add("budget_added", "本年追加预算", "万元")
_add("budget_full_year", "全年预算数", "万元")
_add("spending_actual", "全年执行数", "万元")
# One meaning in every framework: the adjustments that count (调整、调剂资金累计), with the policy-driven ones
# (budget_adjustment_excluded, which need a reason) already left out — never the gross figure.
_add("budget_adjustment", "预算调整数", "万元")
_add("budget_adjustment_excluded", "政策性调整数（不计入预算调整率）", "万元")
_add("budget_basic_adjustment", "部门基本支出预算调整", "万元")  # the 本年决算数 figure, as first stored
# 部门基本支出预算调整 in the 附件1-1 table, three columns
_add("budget_basic_adjustment_prior", "部门基本支出预算调整·上年决算数", "万元")
_add("budget_basic_adjustment_budget", "部门基本支出预算调整·本年预算数", "万元")
_add("budget_basic_adjustment_actual", "部门基本支出预算调整·本年决算数", "万元")
for _q in range(1, 5):
    _add(f"spending_q{_q}", f"第{'一二三四'[_q - 1]}季度末累计支出", "万元")
_add("spending_basic", "基本支出", "万元")
_add("spending_personnel", "人员支出", "万元")
_add("spending_public", "公用支出", "万元")
_add("spending_project", "项目支出", "万元")
_add("budget_basic", "基本支出·全年预算数", "万元")
_add("budget_personnel", "人员经费预算数", "万元")
_add("budget_project", "项目支出·全年预算数", "万元")
# The 10号 funds block (附件1-2): 全年预算数 by income nature (按收入性质分); by spending nature it is budget_basic and
# budget_project above (按支出性质分).
_add("budget_general_budget", "一般公共预算·全年预算数", "万元")
_add("budget_government_funds", "政府性基金拨款·全年预算数", "万元")
_add("budget_special_account", "纳入专户管理的非税收入拨款·全年预算数", "万元")
_add("budget_other", "其他资金·全年预算数", "万元")

# The 10号 funds block by source of funds (资金来源: 当年财政拨款 / 上年结转 / 其他资金), each with the three columns of
# the total row (年初预算数 budget_initial, 全年预算数 budget_full_year, 全年执行数 spending_actual):
# funds_carryover_budget_full_year …. Each column of the total row is the sum of its sources; published tables often
# print the total row as 0/0/0 with the sources filled, and the engine then reads the totals from the sources.
FUND_SOURCES = {"funds_appropriation": "当年财政拨款", "funds_carryover": "上年结转", "funds_other": "其他资金"}
FUND_COLUMNS = {"budget_initial": "年初预算数", "budget_full_year": "全年预算数", "spending_actual": "全年执行数"}
for _source, _label in FUND_SOURCES.items():
    for _column, _column_label in FUND_COLUMNS.items():
        _add(f"{_source}_{_column}", f"{_label}{_column_label}", "万元")

# Income (收入), the Hunan 州-level tables and the 10号 funds block
_add("income_total", "收入合计", "万元")
_add("income_general_budget", "公共财政拨款（一般公共预算）", "万元")
_add("income_government_funds", "政府性基金拨款", "万元")
_add("income_special_account", "纳入专户管理的非税收入拨款", "万元")
_add("income_other", "其他收入", "万元")
_add("balance_year", "当年结余", "万元")

# 三公经费 and its parts; each part with _budget (本年预算), _actual (本年决算), _prior (上年决算). The labels of the
# 附件1-1 rows are the table's "row·column" wording, which the screens, the audit trail and the workbook also use.
_SANGONG_PARTS = {
    "reception": "公务接待费",
    "vehicle": "公务用车购置和维护经费",
    "vehicle_purchase": "公车购置",
    "vehicle_operation": "公车运行维护",
    "overseas_travel": "因公出国（境）经费",
}
_COLUMNS = {"budget": "·本年预算数", "actual": "·本年决算数", "prior": "·上年决算数"}
for _part, _label in _SANGONG_PARTS.items():
    for _column, _column_label in _COLUMNS.items():
        _add(f"{_part}_{_column}", f"{_label}{_column_label}", "万元")
_add("sangong_budget", "三公经费·本年预算数", "万元")
_add("sangong_actual", "三公经费·本年决算数", "万元")
_add("sangong_budget_prior", "三公经费·上年预算数", "万元")
_add("sangong_actual_prior", "三公经费·上年决算数", "万元")

# 公用经费 and its 其中 rows (not exhaustive: the rows need only stay below the parent)
_PUBLIC_PARTS = {
    "public_funds": "公用经费",
    "public_office": "办公经费",
    "public_utilities_travel": "水费、电费、差旅费",
    "public_meetings_training": "会议费、培训费",
}
for _part, _label in _PUBLIC_PARTS.items():
    for _column, _column_label in _COLUMNS.items():
        _add(f"{_part}_{_column}", f"{_label}{_column_label}", "万元")

# 项目支出 in the 附件1-1 table, three columns, with its rows
_PROJECT_PARTS = {
    "project_funds": "项目支出",
    "project_business": "业务工作经费",
    "project_operation": "运行维护经费",
    "project_special": "专项资金",
}
for _part, _label in _PROJECT_PARTS.items():
    for _column, _column_label in _COLUMNS.items():
        _add(f"{_part}_{_column}", f"{_label}{_column_label}", "万元")

# 政府采购
for _column, _column_label in _COLUMNS.items():
    _add(f"procurement_{_column}", f"政府采购金额{_column_label}", "万元")

# Fixed assets (固定资产, 万元)
_add("fixed_assets_total", "固定资产·合计", "万元")
_add("fixed_assets_in_use", "固定资产·在用", "万元")
_add("fixed_assets_leased", "固定资产·出租", "万元")
_add("fixed_assets_other", "固定资产·其他", "万元")

# Buildings (楼堂馆所, projects completed this year)
_add("building_area_approved", "楼堂馆所·批复规模", "m²")
_add("building_area_actual", "楼堂馆所·实际规模", "m²")
_add("building_investment_budget", "楼堂馆所·预算投资", "万元")
_add("building_investment_actual", "楼堂馆所·实际投资", "万元")

# Satisfaction, as fractions, each with its survey counts
_SATISFACTION = {"recipients": "服务对象", "public": "社会公众", "staff": "内部员工"}
for _who, _label in _SATISFACTION.items():
    _add(f"satisfaction_{_who}", f"{_label}满意度", "%")
    _add(f"satisfaction_{_who}_responses", f"{_label}满意度·有效问卷数", "份")
    _add(f"satisfaction_{_who}_satisfied", f"{_label}满意度·满意问卷数", "份")

# Work done
_add("key_tasks_planned", "重点工作·计划数", "个")
_add("key_tasks_completed", "重点工作·完成数", "个")
_add("projects_planned", "计划完成项目数", "个")
_add("projects_on_time", "按时完成项目数", "个")

# Sub-totals named in the sum checks (parent = Σ children); kept here so checks and frameworks share one list.
SANGONG_PARTS = ("reception", "vehicle", "overseas_travel")
VEHICLE_PARTS = ("vehicle_purchase", "vehicle_operation")
PUBLIC_PARTS = ("public_office", "public_utilities_travel", "public_meetings_training")
PROJECT_PARTS = ("project_business", "project_operation", "project_special")
INCOME_SOURCES = ("income_general_budget", "income_government_funds", "income_special_account", "income_other")
BUDGET_BY_INCOME = ("budget_general_budget", "budget_government_funds", "budget_special_account", "budget_other")
BUDGET_BY_SPENDING = ("budget_basic", "budget_project")
COLUMNS = tuple(_COLUMNS)

# The rows of the 附件1-1 table with a 上年决算数 and a 本年决算数, compared year on year: (label, prior, actual facts —
# the first present is used).
YEAR_ON_YEAR: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("三公经费", "sangong_actual_prior", ("sangong_actual",)),
    *((label, f"{part}_prior", (f"{part}_actual",)) for part, label in _SANGONG_PARTS.items()),
    *((label, f"{part}_prior", (f"{part}_actual",)) for part, label in _PUBLIC_PARTS.items()),
    *((label, f"{part}_prior", (f"{part}_actual",)) for part, label in _PROJECT_PARTS.items()),
    ("政府采购金额", "procurement_prior", ("procurement_actual",)),
    (
        "部门基本支出预算调整",
        "budget_basic_adjustment_prior",
        ("budget_basic_adjustment_actual", "budget_basic_adjustment"),
    ),
)


# Facts that may be negative: balances (当年结余, 结转和结余 — 累计结余 is 收入 − 支出 and goes below zero when a unit
# spends more than it received), a reduction of the budget, the 附件1-1 adjustment row. Every other amount, count and
# area is refused below zero, and every % fact is a share in [0, 100 %].
SIGNED = frozenset(
    {
        "balance_year",
        "carryover_start",
        "carryover_end",
        "budget_added",
        "budget_basic_adjustment",
        "budget_basic_adjustment_prior",
        "budget_basic_adjustment_budget",
        "budget_basic_adjustment_actual",
    }
)


def label(name: str) -> str:
    fact = FACTS.get(name)
    return fact.label if fact else name


def describe(name: str) -> str:
    """How a missing input is named to the user: by its Chinese label alone ('固定资产·在用'), never by its code —
    the code is the input file's business, and the sheet is read by finance staff."""
    return label(name)


def is_known(name: str) -> bool:
    return name in FACTS
