"""The assessment's facts as the scoring engine reads them: typed fields as stored, plus every derived figure —
the 三公 and 项目支出 totals, the 汇总 of the institutions, 基本支出, 当年结余, 累计结余, 固定资产合计 and the
satisfaction rates — computed here, each with the formula that produced it, so a screen can show the rule."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from assessments.models import Facts, Institution, SpecialFund
from scoring.engine import vocabulary
from units.models import Staffing

COLUMNS = ("prior", "budget", "actual")
INCOME_SOURCES = ("income_general_budget", "income_government_funds", "income_special_account", "income_other")
INSTITUTION_TYPED = (
    "carryover_start",
    *INCOME_SOURCES,
    "spending_personnel",
    "spending_public",
    "spending_project",
    "reception_actual",
    "vehicle_operation_actual",
    "vehicle_purchase_actual",
    "overseas_travel_actual",
    "fixed_assets_in_use",
    "fixed_assets_leased",
    "fixed_assets_other",
)
SURVEY_GROUPS = ("recipients", "public", "staff")


@dataclass(frozen=True)
class Computed:
    name: str
    label: str
    value: Decimal | None
    formula: str


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """A sum as the printed tables make it: blank cells count as 0, but all blank stays blank (not filled in)."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def difference(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None and b is None:
        return None
    return (a or Decimal(0)) - (b or Decimal(0))


class FactSheet:
    """Typed and computed facts of one assessment. Built from already loaded objects, so it runs no query itself."""

    def __init__(
        self,
        facts: Facts,
        *,
        institutions: list[Institution],
        special_funds: list[SpecialFund],
        staffing: Staffing | None,
    ):
        self.values: dict[str, Decimal | None] = {}
        self.computed: dict[str, Computed] = {}
        self.institution_rows: list[tuple[str, dict[str, Decimal | None]]] = []
        self.institution_totals: dict[str, dict[str, Decimal | None]] = {}
        self._read_typed(facts, staffing)
        self._derive_basic_data(special_funds)
        self._derive_institutions(institutions)
        self._derive_surveys(facts)

    # --- building ------------------------------------------------------------------------------------------------

    def _read_typed(self, facts: Facts, staffing: Staffing | None) -> None:
        for field in Facts._meta.concrete_fields:
            value = getattr(facts, field.attname)
            if field.name in vocabulary.FACTS:
                self.values[field.name] = None if value is None else Decimal(value)
        for name in ("staff_quota", "staff_actual", "staff_agency"):
            value = getattr(staffing, name, None) if staffing else None
            self.values[name] = None if value is None else Decimal(value)

    def _compute(self, name: str, value: Decimal | None, formula: str, label: str | None = None) -> None:
        self.values[name] = value
        self.computed[name] = Computed(name, label or vocabulary.label(name), value, formula)

    def _derive_basic_data(self, special_funds: list[SpecialFund]) -> None:
        v = self.values
        for column in COLUMNS:
            self._compute(
                f"vehicle_{column}",
                total([v.get(f"vehicle_purchase_{column}"), v.get(f"vehicle_operation_{column}")]),
                "公务用车购置和运行维护 = 公车购置 + 公车运行维护",
            )
            self._compute(
                f"project_special_{column}",
                total(getattr(fund, column) for fund in special_funds),
                "专项资金 = 各专项之和",
            )
            self._compute(
                f"project_funds_{column}",
                total(
                    v.get(f"{part}_{column}") for part in ("project_business", "project_operation", "project_special")
                ),
                "项目支出 = 业务工作经费 + 运行维护经费 + 专项资金",
            )
        sangong = "三公经费 = 公务用车购置和运行维护 + 因公出国（境） + 公务接待"
        for name, column in (
            ("sangong_budget", "budget"),
            ("sangong_actual", "actual"),
            ("sangong_actual_prior", "prior"),
        ):
            parts = [v.get(f"{part}_{column}") for part in ("vehicle", "overseas_travel", "reception")]
            self._compute(name, total(parts), sangong)
        # 附件1-1 names its 三公 columns like every other row.
        self.values["sangong_prior"] = self.values["sangong_actual_prior"]

    def _derive_institutions(self, institutions: list[Institution]) -> None:
        rows = []
        for institution in institutions:
            row = {name: getattr(institution, name) for name in INSTITUTION_TYPED}
            row.update(institution_totals(row))
            rows.append((institution.name, row))
            self.institution_totals[institution_key(institution)] = row
        self.institution_rows = rows
        summary = {name: total(row[name] for _, row in rows) for name in INSTITUTION_TYPED}
        summary.update(institution_totals(summary))
        for name, formula in SUMMARY_FORMULAS.items():
            self._compute(name, summary[name], formula, SUMMARY_LABELS.get(name))
        # The per-institution 三公 is the 州 form's breakdown; 附件1-1's 本年决算数 stays the unit-level figure.
        self.summary = summary
        self._compute(
            "fixed_assets_total",
            summary["fixed_assets_total"],
            "固定资产合计 = 在用 + 出租 + 其他（各机构汇总）",
        )

    def _derive_surveys(self, facts: Facts) -> None:
        for group in SURVEY_GROUPS:
            responses = getattr(facts, f"satisfaction_{group}_responses")
            satisfied = getattr(facts, f"satisfaction_{group}_satisfied")
            for suffix, value in (("responses", responses), ("satisfied", satisfied)):
                self.values[f"satisfaction_{group}_{suffix}"] = None if value is None else Decimal(value)
            rate = Decimal(satisfied) / Decimal(responses) if responses and satisfied is not None else None
            self._compute(f"satisfaction_{group}", rate, "满意度 = 满意问卷数 ÷ 有效问卷数")

    # --- reading -------------------------------------------------------------------------------------------------

    def engine_facts(self) -> dict[str, Decimal]:
        """Facts for the engine: vocabulary names with a value (a blank is a missing input, reported by name)."""
        return {name: value for name, value in self.values.items() if value is not None and name in vocabulary.FACTS}

    def engine_institutions(self) -> list[tuple[str, dict[str, Decimal]]]:
        return [
            (name, {k: v for k, v in row.items() if v is not None and k in vocabulary.FACTS})
            for name, row in self.institution_rows
        ]


def institution_key(institution: Institution) -> str:
    """How a screen finds an institution's column: its form prefix while being edited, else its id."""
    return getattr(institution, "form_key", None) or f"inst-{institution.pk}"


def institution_totals(row: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
    """The computed columns of one 收支情况 row (or of the 汇总 row)."""
    year_income = total(row[name] for name in INCOME_SOURCES)
    income = total([row["carryover_start"], year_income])
    basic = total([row["spending_personnel"], row["spending_public"]])
    spending = total([basic, row["spending_project"]])
    balance = difference(year_income, spending)
    carryover_end = difference(income, spending)
    return {
        "income_total": income,
        "spending_basic": basic,
        "spending_total": spending,
        "balance_year": balance,
        "carryover_end": carryover_end,
        "fixed_assets_total": total(
            [row["fixed_assets_in_use"], row["fixed_assets_leased"], row["fixed_assets_other"]]
        ),
    }


SUMMARY_FORMULAS = {
    "carryover_start": "上年结转 = 各机构之和",
    "income_total": "收入合计 = 上年结转 + 公共财政拨款 + 政府基金拨款 + 纳入专户管理的非税收入拨款 + 其他收入",
    **{name: f"{vocabulary.label(name)} = 各机构之和" for name in INCOME_SOURCES},
    "spending_personnel": "人员支出 = 各机构之和",
    "spending_public": "公用支出 = 各机构之和",
    "spending_basic": "基本支出 = 人员支出 + 公用支出",
    "spending_project": "项目支出 = 各机构之和",
    "spending_total": "支出合计 = 基本支出 + 项目支出",
    "balance_year": "当年结余 = （收入合计 − 上年结转） − 支出合计",
    "carryover_end": "累计结余（年末结转和结余） = 收入合计 − 支出合计",
    "fixed_assets_in_use": "固定资产在用 = 各机构之和",
    "fixed_assets_leased": "固定资产出租 = 各机构之和",
    "fixed_assets_other": "固定资产其他 = 各机构之和",
}
SUMMARY_LABELS = {"spending_total": "支出合计"}
