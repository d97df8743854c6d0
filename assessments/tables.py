"""The row layouts of the official tables, shared by the screens, the reports and the Excel workbooks:
one place says which row is typed, which is computed, and in what order they stand on paper."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    label: str
    name: str  # a field name; for 3-column tables the prefix of `<name>_prior/_budget/_actual`
    computed: bool = False
    indent: int = 0


# 收支情况 (Hunan 州-level form), one column per institution plus the computed 汇总 column.
FINANCE_ROWS = (
    Row("收入合计", "income_total", computed=True),
    Row("上年结转", "carryover_start", indent=1),
    Row("公共财政拨款", "income_general_budget", indent=1),
    Row("政府基金拨款", "income_government_funds", indent=1),
    Row("纳入专户管理的非税收入拨款", "income_special_account", indent=1),
    Row("其他收入", "income_other", indent=1),
    Row("支出合计", "spending_total", computed=True),
    Row("基本支出", "spending_basic", computed=True, indent=1),
    Row("人员支出", "spending_personnel", indent=2),
    Row("公用支出", "spending_public", indent=2),
    Row("项目支出", "spending_project", indent=1),
    Row("当年结余", "balance_year", computed=True),
    Row("累计结余", "carryover_end", computed=True),
    Row("“三公”经费：公务接待费", "reception_actual"),
    Row("公务用车运行维护费", "vehicle_operation_actual", indent=1),
    Row("公务用车购置费", "vehicle_purchase_actual", indent=1),
    Row("因公出国（境）费用", "overseas_travel_actual", indent=1),
    Row("固定资产合计", "fixed_assets_total", computed=True),
    Row("在用", "fixed_assets_in_use", indent=1),
    Row("出租", "fixed_assets_leased", indent=1),
    Row("其他", "fixed_assets_other", indent=1),
)

# 附件1-1 经费控制情况: three columns 上年决算数 / 本年预算数 / 本年决算数.
BASIC_DATA_COLUMNS = (("prior", "上年决算数"), ("budget", "本年预算数"), ("actual", "本年决算数"))
BASIC_DATA_ROWS = (
    Row("三公经费", "sangong", computed=True),
    Row("1、公务用车购置和维护经费", "vehicle", computed=True, indent=1),
    Row("其中：公车购置", "vehicle_purchase", indent=2),
    Row("公车运行维护", "vehicle_operation", indent=2),
    Row("2、因公出国（境）经费", "overseas_travel", indent=1),
    Row("3、公务接待", "reception", indent=1),
    Row("项目支出", "project_funds", computed=True),
    Row("1、业务工作经费", "project_business", indent=1),
    Row("2、运行维护经费", "project_operation", indent=1),
    Row("3、专项资金（一个专项一行，见下表）", "project_special", computed=True, indent=1),
    Row("公用经费", "public_funds"),
    Row("其中：办公经费", "public_office", indent=1),
    Row("水费、电费、差旅费", "public_utilities_travel", indent=1),
    Row("会议费、培训费", "public_meetings_training", indent=1),
    Row("政府采购金额", "procurement"),
    Row("部门基本支出预算调整", "budget_basic_adjustment"),
)


def unit_row_groups(spec) -> list[tuple[str, str]]:
    """The level-2 groups of a 10号 table under which the unit writes its own rows, as choices."""
    return [(node.code, node.name) for node in spec.walk() if node.unit_rows]


# The funds block at the head of a 10号 自评表: its amounts (the workbook's funds block shows these), and with them,
# on screen, the 追加预算 and the reason asked for when execution falls short.
FUNDS_BLOCK_AMOUNTS = frozenset(
    {
        "budget_initial",
        "budget_full_year",
        "spending_actual",
        "budget_general_budget",
        "budget_government_funds",
        "budget_special_account",
        "budget_other",
        "budget_basic",
        "budget_project",
    }
)
FUNDS_BLOCK_FIELDS = FUNDS_BLOCK_AMOUNTS | {"budget_added", "execution_shortfall_reason"}


def is_funds_block(node) -> bool:
    """The 10号 预算执行率 indicator, scored from the funds block at the head of the table."""
    return node.is_leaf and node.rule is not None and set(node.rule.facts()) == {"spending_actual", "budget_full_year"}


# A project's funds block (附件1-3): a row per source of funds, three columns each (project fields <source>_<column>).
FUND_SOURCES = [("其中：当年财政拨款", "fiscal"), ("上年结转资金", "carryover"), ("其他资金", "other")]
FUND_COLUMNS = ("budget_initial", "budget_full_year", "spending_actual")
# The prefix of the project page's 预算执行率 hand score (数据无法取得，人工评分): its score and reason are id_execution-….
EXECUTION_PREFIX = "execution"


# The 基础数据表's inputs (附件1-1), besides staffing and the special funds.
BASIC_DATA_FIELDS = [
    f"{part}_{column}"
    for part in (
        "vehicle_purchase",
        "vehicle_operation",
        "overseas_travel",
        "reception",
        "project_business",
        "project_operation",
        "public_funds",
        "public_office",
        "public_utilities_travel",
        "public_meetings_training",
        "procurement",
        "budget_basic_adjustment",
    )
    for column in ("prior", "budget", "actual")
] + [
    "building_area_approved",
    "building_area_actual",
    "building_investment_budget",
    "building_investment_actual",
    "austerity_measures",
]

# The 自评表's inputs besides the indicator rows: the funds block, quarterly spending, surveys, work done.
EXECUTION_FIELDS = [
    "budget_initial",
    "budget_added",
    "budget_full_year",
    "spending_actual",
    "budget_general_budget",
    "budget_government_funds",
    "budget_special_account",
    "budget_other",
    "budget_basic",
    "budget_project",
    "budget_adjustment",
    "budget_adjustment_excluded",
    "budget_adjustment_excluded_reason",
    "execution_shortfall_reason",
    "spending_q1",
    "spending_q2",
    "spending_q3",
    "spending_q4",
    "satisfaction_recipients_responses",
    "satisfaction_recipients_satisfied",
    "satisfaction_public_responses",
    "satisfaction_public_satisfied",
    "satisfaction_staff_responses",
    "satisfaction_staff_satisfied",
    "key_tasks_planned",
    "key_tasks_completed",
    "projects_planned",
    "projects_on_time",
]
