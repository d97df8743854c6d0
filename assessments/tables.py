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
