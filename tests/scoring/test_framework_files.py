"""Reading a framework file (指标体系): every key an author writes takes effect, and every mistake is refused with the
Chinese message, the field to correct and the framework's code that the admin page shows.

Each framework is built and read inside its test, never at import: mutmut runs a mutant's tests in a process forked
from the one that ran them clean, where whatever a module built at import was built by the unmutated code (see
MUTATION.md, "How it runs")."""

import copy
import importlib.util
from decimal import Decimal

import pytest

from scoring.engine import ScoringError, framework_from_dict, score, vocabulary
from scoring.engine.framework import GradeBand, Rounding
from scoring.engine.inputs import IndicatorEntry
from scoring.engine.layout import AbsentMove, RowRule, WeightScheme, row_rule
from scoring.engine.rules import Settings
from tests.scoring.test_frameworks import raw

D = Decimal
NOT_A_NUMBER = "“{}”不是数字：请只填写数字，可带“万元”或“%”"
MAPPING, LIST = "应为键值表（键: 值）", "应为列表"


def tiny(**changes) -> dict:
    """A small framework file: 甲 (a yes/no item, 60) and 乙 (40) with one child 乙一 (a yes/no item, 40)."""
    data = {
        "code": "t",
        "name": "测试指标体系",
        "indicators": [
            {"code": "a", "name": "甲", "weight": 60, "rule": {"kind": "check"}},
            {
                "code": "b",
                "name": "乙",
                "weight": 40,
                "children": [{"code": "b1", "name": "乙一", "weight": 40, "rule": {"kind": "check"}}],
            },
        ],
    }
    data.update(changes)
    return data


def with_rows(**changes) -> dict:
    """A framework whose level 1 产出 (60) has a group 数量 (rows written by the unit) and a fixed 甲 (a yes/no item,
    40); 效益 (0) has a group 社会效益."""
    data = {
        "code": "r",
        "name": "可填写三级指标的测试体系",
        "indicators": [
            {"code": "fixed", "name": "甲", "weight": 40, "rule": {"kind": "check"}},
            {
                "code": "output",
                "name": "产出指标",
                "weight": 60,
                "children": [{"code": "quantity", "name": "数量指标", "unit_rows": True}],
            },
            {
                "code": "benefit",
                "name": "效益指标",
                "weight": 0,
                "children": [{"code": "social", "name": "社会效益指标", "unit_rows": True}],
            },
        ],
    }
    data.update(changes)
    return data


def refusal(data) -> tuple[str, str | None, str | None]:
    """The refusal's message, field and framework code."""
    with pytest.raises(ScoringError) as refused:
        framework_from_dict(data)
    return refused.value.message, refused.value.field, refused.value.code


# --- the file as a whole ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [[], "code: t", None])
def test_a_file_that_is_not_a_mapping_is_refused(data):
    assert refusal(data) == ("指标体系文件应为一个对象（键值表）", None, None)


@pytest.mark.parametrize("code", [None, ""])
def test_a_file_without_a_code_is_refused_at_the_framework(code):
    data = tiny(code=code)
    assert refusal(data) == ("缺少必填项“code”", "指标体系", None)


@pytest.mark.parametrize("name", [None, ""])
def test_a_file_without_a_name_is_refused_at_its_code(name):
    """framework_from_dict 104 and _required 8: the refusal lost the field that says which framework lacks it."""
    assert refusal(tiny(name=name)) == ("缺少必填项“name”", "t", "t")


def first(data: dict) -> dict:
    return data["indicators"][0]


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        (lambda d: d.update(years=2021), MAPPING, "years"),
        (lambda d: d.update(years={"from": "二〇二一"}), "“二〇二一”不是整数", "years.from"),
        (lambda d: d.update(years={"from": 2021, "to": "至今"}), "“至今”不是整数", "years.to"),
        (lambda d: d.update(version="v2"), "“v2”不是整数", "version"),
        (lambda d: d.update(rounding=2), MAPPING, "rounding"),
        (
            lambda d: d.update(rounding={"places": "两位"}),
            "保留位数应为 0–4 位，舍入方式只支持四舍五入（half_up）",
            "rounding",
        ),
        (lambda d: d.update(settings=["a"]), MAPPING, "settings"),
        (
            lambda d: d.update(settings={"execution_cap_table": {"below": "80%"}}),
            "应为列表",
            "settings.execution_cap_table",
        ),
        (
            lambda d: d.update(settings={"execution_cap_table": ["80%"]}),
            "应为键值表（键: 值）",
            "settings.execution_cap_table",
        ),
        (
            lambda d: d.update(settings={"execution_cap_table": [{"cap": 80}]}),
            "每一行应写明 below（执行率低于）和 cap（总分上限）",
            "settings.execution_cap_table",
        ),
        (lambda d: d.update(grades={"优": 90}), LIST, "grades"),
        (lambda d: d.update(grades=["优"]), MAPPING, "grades"),
        (lambda d: d.update(grades=[{"min": 0, "max": 100, "max_inclusive": True}]), "缺少必填项“label”", "grades"),
        (lambda d: d.update(indicators={"a": 60, "b": 40}), LIST, "indicators"),
        (lambda d: d.update(indicators=["a"]), MAPPING, "indicators"),
        (lambda d: first(d).update(rule="check"), MAPPING, "a"),
        (lambda d: first(d).update(children="a1"), LIST, "a"),
        (lambda d: first(d).update(aliases="甲类"), LIST, "a"),
        (lambda d: d["indicators"][1].update(children=["b1"]), MAPPING, "b"),
    ],
)
def test_a_file_edited_into_the_wrong_shape_is_refused_where_it_is_wrong(change, message, field):
    """Each of these crashed the reading (KeyError, AttributeError, ValueError): a 500 on the admin page that edits a
    framework, instead of a message next to the definition."""
    data = tiny()
    change(data)
    assert refusal(data) == (message, field, "t")


@pytest.mark.parametrize(
    ("layout", "message", "field"),
    [
        ({"weight_schemes": {"fixed": 40}}, LIST, "weight_schemes"),
        ({"weight_schemes": ["设成本指标"]}, MAPPING, "weight_schemes[0]"),
        ({"weight_schemes": [{"when": ["benefit"]}]}, MAPPING, "weight_schemes[0]"),
        ({"weight_schemes": [{"weights": [40, 60, 0]}]}, MAPPING, "weight_schemes[0]"),
        ({"absent_moves": {"from": "benefit", "to": "output"}}, LIST, "absent_moves"),
        ({"absent_moves": ["benefit"]}, MAPPING, "absent_moves"),
        ({"row_group_map": ["quantity"]}, MAPPING, "row_group_map"),
    ],
)
def test_a_layout_key_in_the_wrong_shape_is_refused_where_it_is_wrong(layout, message, field):
    assert refusal(with_rows(**layout)) == (message, field, "r")


def test_the_code_and_name_are_read_as_text():
    framework = framework_from_dict(tiny(code=2021, name=101))
    assert (framework.code, framework.name) == ("2021", "101")


def test_region_years_and_version_are_read_from_the_file():
    framework = framework_from_dict(tiny(region="湖南省", years={"from": 2022, "to": "2024"}, version="3"))
    assert (framework.region, framework.year_from, framework.year_to, framework.version) == ("湖南省", 2022, 2024, 3)
    framework = framework_from_dict(tiny(years={"from": 2021, "to": None}))
    assert (framework.region, framework.year_from, framework.year_to, framework.version) == ("", 2021, None, 1)
    framework = framework_from_dict(tiny())
    assert (framework.year_from, framework.year_to) == (0, None)


def test_a_file_without_indicators_is_refused():
    assert refusal(tiny(indicators=[])) == ("指标体系没有任何指标", "indicators", "t")
    del (data := tiny())["indicators"]
    assert refusal(data) == ("指标体系没有任何指标", "indicators", "t")


def test_level_one_weights_must_add_up_to_the_total_written_in_the_file():
    data = tiny()
    data["indicators"][0]["weight"] = 50
    assert refusal(copy.deepcopy(data)) == ("一级指标分值之和为 90，应为 100", "indicators", "t")
    assert framework_from_dict(tiny(total=100)).total == D(100)
    data["total"] = 90
    assert framework_from_dict(data).total == D(90)
    assert refusal(tiny(total="百分")) == (NOT_A_NUMBER.format("百分"), "total", "t")


def test_a_sheet_is_complete_when_its_rows_fill_the_total_written_in_the_file():
    """framework_from_dict 99: the file's total was dropped (100 used), so a framework of 20 points was never
    complete."""
    data = {
        "code": "small",
        "name": "二十分体系",
        "total": 20,
        "indicators": [
            {
                "code": "output",
                "name": "产出指标",
                "weight": 20,
                "children": [{"code": "q", "name": "数量", "unit_rows": True}],
            }
        ],
    }
    framework = framework_from_dict(data)
    assert framework.total == D(20)
    full = IndicatorEntry(parent="q", name="完成培训", weight=D(20), target_value="≥100", actual_value="100")
    sheet = score(framework, {}, [full])
    assert (sheet.total, sheet.incomplete, sheet.warnings) == (D(20), [], [])
    short = IndicatorEntry(parent="q", name="完成培训", weight=D(15), target_value="≥100", actual_value="100")
    sheet = score(framework, {}, [short])
    assert sheet.total is None
    assert sheet.incomplete == [
        "各指标分值之和为 15，比满分 20 少 5 分：“产出指标”15 分（应为 20 分）。评分表不完整，不计总分和等次"
    ]


def test_children_weights_must_add_up_to_their_parent():
    data = tiny()
    data["indicators"][1]["children"][0]["weight"] = 30
    assert refusal(data) == ("“乙”的下级指标分值之和为 30，应为 40", "b", "t")


def test_children_weights_are_checked_at_every_level_after_a_leaf_or_a_group_of_rows():
    """_check_weights 20 (offset 5): ``continue`` → ``break`` stopped the check at the first leaf or group of rows, so
    a wrong sum further down the same level 1 was accepted."""
    data = tiny()
    data["indicators"][1]["children"] = [
        {"code": "b1", "name": "乙一", "weight": 10, "rule": {"kind": "check"}},
        {
            "code": "b2",
            "name": "乙二",
            "weight": 30,
            "children": [{"code": "b21", "name": "乙二一", "weight": 20, "rule": {"kind": "check"}}],
        },
    ]
    assert refusal(data) == ("“乙二”的下级指标分值之和为 20，应为 30", "b2", "t")
    data = with_rows()
    data["indicators"][1]["children"].append(
        {
            "code": "quality",
            "name": "质量",
            "weight": 10,
            "children": [{"code": "q1", "name": "合格率", "weight": 5, "rule": {"kind": "check"}}],
        }
    )
    assert refusal(data) == ("“质量”的下级指标分值之和为 5，应为 10", "quality", "r")


def test_a_code_used_twice_is_refused_naming_it():
    data = tiny()
    data["indicators"][1]["children"][0]["code"] = "a"
    assert refusal(data) == ("指标代码“a”重复", "a", "t")


def test_indicators_are_found_by_code_name_or_alias_but_not_by_a_name_two_of_them_share():
    data = tiny()
    data["indicators"][1]["aliases"] = ["乙类", "合规性"]
    data["indicators"][1]["children"][0]["name"] = "甲"  # the same name as the level 1 甲
    data["indicators"][1]["children"][0]["aliases"] = ["合规性"]
    framework = framework_from_dict(data)
    assert [framework.resolve(key).code for key in ("b", "乙", " 乙类 ", "b1")] == ["b", "b", "b", "b1"]
    assert framework.by_code["b"].aliases == ("乙类", "合规性")
    for ambiguous in ("甲", "合规性"):
        with pytest.raises(ScoringError) as refused:
            framework.resolve(ambiguous)
        assert (refused.value.message, refused.value.field) == (f"指标体系 t 中没有指标“{ambiguous}”", ambiguous)


# --- rounding and settings -------------------------------------------------------------------------------------------


def test_rounding_is_two_places_half_up_unless_the_file_says_otherwise():
    assert framework_from_dict(tiny()).rounding == Rounding(2, "half_up")
    assert framework_from_dict(tiny(rounding={"places": "0"})).rounding == Rounding(0, "half_up")
    assert framework_from_dict(tiny(rounding={"places": 4, "mode": "half_up"})).rounding == Rounding(4, "half_up")


@pytest.mark.parametrize("rounding", [{"places": 5}, {"places": -1}, {"mode": "half_even"}])
def test_rounding_other_than_0_to_4_places_half_up_is_refused(rounding):
    message = "保留位数应为 0–4 位，舍入方式只支持四舍五入（half_up）"
    assert refusal(tiny(rounding=rounding)) == (message, "rounding", "t")


def test_a_file_without_settings_gets_the_usual_ones():
    assert framework_from_dict(tiny()).settings == Settings()


def test_every_setting_written_in_the_file_is_the_one_used():
    written = {
        "lower_is_better_formula": "b",
        "equal_to_formula": "all_or_nothing",
        "quarterly_cap": False,
        "execution_caps": True,
        "deviation_deduction": True,
        "execution_carryover": "net_spending",
        "deviation_threshold": "20%",
        "over_completion_warning": "150%",
        "execution_reason_below": "85%",
        "deadline_late_share": "50%",
        "deviation_points": 3,
        "execution_cap_table": [{"below": "90%", "cap": 95}],
    }
    assert framework_from_dict(tiny(settings=written)).settings == Settings(
        lower_is_better_formula="b",
        equal_to_formula="all_or_nothing",
        quarterly_cap=False,
        execution_caps=True,
        execution_cap_table=((D("0.9"), D(95)),),
        deviation_deduction=True,
        deviation_threshold=D("0.2"),
        deviation_points=D(3),
        over_completion_warning=D("1.5"),
        execution_reason_below=D("0.85"),
        deadline_late_share=D("0.5"),
        execution_carryover="net_spending",
    )


@pytest.mark.parametrize(
    ("written", "message", "field"),
    [
        ({"lower_is_better_formula": "c"}, "越低越好指标的计分公式应为 a 或 b", "settings.lower_is_better_formula"),
        (
            {"equal_to_formula": "exact"},
            "等于型指标的计分方式应为 deviation 或 all_or_nothing",
            "settings.equal_to_formula",
        ),
        ({"quarterly_cap": "yes"}, "应为 true 或 false", "settings.quarterly_cap"),
        ({"execution_caps": 1}, "应为 true 或 false", "settings.execution_caps"),
        ({"deviation_deduction": "false"}, "应为 true 或 false", "settings.deviation_deduction"),
        (
            {"execution_carryover": "half"},
            "执行率对上年结转的处理应为 none、net_spending、add_to_budget",
            "settings.execution_carryover",
        ),
        ({"deviation_threshold": "三成"}, NOT_A_NUMBER.format("三成"), "settings.deviation_threshold"),
        ({"over_completion_warning": "很高"}, NOT_A_NUMBER.format("很高"), "settings.over_completion_warning"),
        ({"execution_reason_below": "九成"}, NOT_A_NUMBER.format("九成"), "settings.execution_reason_below"),
        ({"deadline_late_share": "一半"}, NOT_A_NUMBER.format("一半"), "settings.deadline_late_share"),
        ({"deviation_points": "两分"}, NOT_A_NUMBER.format("两分"), "settings.deviation_points"),
        (
            {"execution_cap_table": [{"below": "八成", "cap": 89}]},
            NOT_A_NUMBER.format("八成"),
            "settings.execution_cap_table",
        ),
        (
            {"execution_cap_table": [{"below": "80%", "cap": "满分"}]},
            NOT_A_NUMBER.format("满分"),
            "settings.execution_cap_table",
        ),
    ],
)
def test_a_setting_that_cannot_be_read_is_refused_at_that_setting(written, message, field):
    assert refusal(tiny(settings=written)) == (message, field, "t")


def test_the_carry_over_setting_changes_how_the_execution_rate_is_computed():
    """mof-2021-core's 预算执行率 reads spending ÷ budget; with net_spending the prior year's carry-over is taken off
    the spending first."""
    facts = {"budget_full_year": D(100), "spending_actual": D(95), "carryover_start": D(10)}
    entry = IndicatorEntry(code="budget_execution", project_completed=False)
    data = raw("mof-2021-core")
    plain = score(framework_from_dict(copy.deepcopy(data)), facts, [entry]).line("budget_execution")
    data["settings"]["execution_carryover"] = "net_spending"
    netted = score(framework_from_dict(data), facts, [entry]).line("budget_execution")
    assert (plain.rates["execution_rate"], plain.points) == (D("0.95"), D(7))
    assert (netted.rates["execution_rate"], netted.points) == (D("0.85"), D(7))


# --- grades ----------------------------------------------------------------------------------------------------------


def test_without_grades_the_usual_four_apply():
    framework = framework_from_dict(tiny())
    assert framework.grades == (
        GradeBand("差", D(0), D(60), False),
        GradeBand("中", D(60), D(80), False),
        GradeBand("良", D(80), D(90), False),
        GradeBand("优", D(90), D(100), True),
    )
    assert [framework.grade(D(total)) for total in ("0", "59.99", "60", "89.99", "90", "100", "100.01")] == [
        "差",
        "差",
        "中",
        "良",
        "优",
        "优",
        None,
    ]


def test_grades_are_read_in_any_order_and_the_highest_may_be_open():
    grades = [{"label": "好", "min": 60, "max": None}, {"label": "不好", "min": 0, "max": 60}]
    framework = framework_from_dict(tiny(grades=grades))
    assert framework.grades == (GradeBand("不好", D(0), D(60), False), GradeBand("好", D(60), None, False))
    assert [framework.grade(D(total)) for total in ("59.99", "60", "120")] == ["不好", "好", "好"]


@pytest.mark.parametrize(
    ("grades", "message"),
    [
        ([{"label": "合格", "min": 10, "max": 100, "max_inclusive": True}], "等次应从 0 分开始"),
        (
            [
                {"label": "差", "min": 0, "max": 60, "max_inclusive": True},
                {"label": "好", "min": 60, "max": 100, "max_inclusive": True},
            ],
            "等次“差”与“好”之间有空缺或重叠",
        ),
        (
            [{"label": "差", "min": 0, "max": 60}, {"label": "好", "min": 50, "max": 100, "max_inclusive": True}],
            "等次“差”与“好”之间有空缺或重叠",
        ),
        ([{"label": "差", "min": 0, "max": 60}, {"label": "好", "min": 60, "max": 100}], "最高等次应包含满分"),
    ],
)
def test_grades_that_do_not_cover_every_total_once_are_refused(grades, message):
    assert refusal(tiny(grades=grades)) == (message, "grades", "t")


# --- indicators ------------------------------------------------------------------------------------------------------


def test_an_indicator_is_read_with_its_level_name_weight_and_rule():
    data = tiny()
    del data["indicators"][1]["children"][0]["name"]
    framework = framework_from_dict(data)
    assert [(i.code, i.name, i.level, i.weight, i.kind, i.is_leaf) for i in framework.walk()] == [
        ("a", "甲", 1, D(60), "check", True),
        ("b", "乙", 1, D(40), None, False),
        ("b1", "b1", 2, D(40), "check", True),
    ]
    # the rule is built with the indicator's name: a partial score without a reason is asked for it by that name
    line = score(framework, {}, [IndicatorEntry(code="a", answer=D(30))]).line("a")
    assert (line.points, line.warnings) == (
        D(30),
        ["甲未得满分，需说明扣分原因", "未得满分，需填写偏差原因分析及改进措施"],
    )


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        (lambda a: a.pop("weight"), "指标“甲”缺少分值", "a"),
        (lambda a: a.update(weight=None), "指标“甲”缺少分值", "a"),
        (lambda a: a.update(weight=-60), "指标“甲”的分值不能为负", "a"),
        (lambda a: a.update(weight="六十"), NOT_A_NUMBER.format("六十"), "a"),
        (lambda a: a.pop("rule"), "末级指标“甲”缺少评分规则（rule）", "a"),
        (lambda a: a.update(rule={"kind": "check"}, unit_rows=True), "指标“甲”有下级指标，不能再设评分规则", "a"),
        (
            lambda a: a.update(row_rules={"direct": "direct"}),
            "只有可填写三级指标的指标（unit_rows）才能设置 row_rules",
            "a",
        ),
    ],
)
def test_a_malformed_indicator_is_refused_at_its_code(change, message, field):
    data = tiny()
    change(data["indicators"][0])
    assert refusal(data) == (message, field, "t")


def test_an_indicator_with_children_and_a_rule_is_refused():
    data = tiny()
    data["indicators"][1]["rule"] = {"kind": "check"}
    assert refusal(data) == ("指标“乙”有下级指标，不能再设评分规则", "b", "t")


def test_a_group_of_unit_rows_needs_no_weight_or_rule():
    framework = framework_from_dict(with_rows())
    quantity = framework.by_code["quantity"]
    assert (quantity.weight, quantity.rule, quantity.unit_rows, quantity.is_leaf, quantity.level) == (
        None,
        None,
        True,
        False,
        2,
    )


def test_a_level_one_with_a_fixed_indicator_and_a_group_of_rows_is_not_summed_from_its_children():
    """The rows' weights are the unit's: a parent with a group among its children cannot be checked at load."""
    data = with_rows()
    data["indicators"][1]["children"].insert(
        0, {"code": "training", "name": "培训", "weight": 10, "rule": {"kind": "check"}}
    )
    framework = framework_from_dict(data)
    assert [child.code for child in framework.by_code["output"].children] == ["training", "quantity"]


def test_a_rule_that_names_a_fact_outside_the_vocabulary_is_refused_at_its_indicator():
    data = tiny()
    data["indicators"][0]["rule"] = {
        "kind": "bands",
        "rate": {"numerator": "spending_actual", "denominator": "budget_fullyear"},
        "bands": [{"max": "60%", "points": 0}, {"min": "60%", "points": 60}],
    }
    assert refusal(data) == ("规则引用了词汇表中不存在的数据项：budget_fullyear", "a", "t")


# --- row rules (how unit rows are scored) ----------------------------------------------------------------------------


def test_row_rules_are_read_framework_wide_and_per_group_and_choose_each_rows_rule():
    data = with_rows(
        row_rules={"quantitative": {"kind": "threshold_completion", "threshold": "60%"}, "direct": "direct"}
    )
    data["indicators"][1]["children"][0]["row_rules"] = {"qualitative": "qualitative_2021"}
    framework = framework_from_dict(data)
    assert dict(framework.layout.row_rules) == {
        "quantitative": RowRule("threshold_completion", {"threshold": "60%"}),
        "direct": RowRule("direct", {}),
    }
    quantity, social = framework.by_code["quantity"], framework.by_code["social"]
    assert dict(quantity.row_rules) == {"qualitative": RowRule("qualitative_2021", {})}
    assert dict(social.row_rules) == {}
    rules = {
        (group.code, kind): row_rule(framework, group, kind, D(7), "x")
        for group in (quantity, social)
        for kind in ("quantitative", "qualitative", "deadline", "direct")
    }
    assert {where: rule.kind for where, rule in rules.items()} == {
        ("quantity", "quantitative"): "threshold_completion",
        ("quantity", "qualitative"): "qualitative_2021",
        ("quantity", "deadline"): "deadline",
        ("quantity", "direct"): "direct",
        ("social", "quantitative"): "threshold_completion",
        ("social", "qualitative"): "qualitative",
        ("social", "deadline"): "deadline",
        ("social", "direct"): "direct",
    }
    assert {rule.weight for rule in rules.values()} == {D(7)}


def test_a_row_of_a_kind_no_rule_exists_for_is_refused_listing_the_kinds():
    framework = framework_from_dict(with_rows())
    with pytest.raises(ScoringError) as refused:
        row_rule(framework, framework.by_code["quantity"], "checklist", D(10), "quantity.行")
    assert (refused.value.message, refused.value.field) == (
        "三级指标的类型应为quantitative（定量）、qualitative（定性）、deadline（时限）、direct（直接赋分）",
        "quantity.行",
    )


def test_rows_scored_by_options_with_their_own_points_load_and_score():
    """parse_row_rules 35: the rule was tried at load with no weight, and a rule whose points are checked against the
    weight (options, bands) crashed the reading of a valid file."""
    options = [{"code": "good", "label": "好", "points": 5}, {"code": "bad", "label": "差", "points": 0}]
    framework = framework_from_dict(with_rows(row_rules={"qualitative": {"kind": "choice", "options": options}}))
    entry = IndicatorEntry(parent="quantity", name="服务质量", weight=D(5), kind="qualitative", answer="good")
    line = score(framework, {}, [entry]).line("quantity.1")
    assert (line.kind, line.points, line.band) == ("choice", D(5), "好")


@pytest.mark.parametrize(
    ("row_rules", "message", "field"),
    [
        (["quantitative"], "row_rules 应为“行类型: 规则”的键值表", "row_rules"),
        (
            {"checklist": "direct"},
            "未知的三级指标类型“checklist”，可选：quantitative（定量）、qualitative（定性）、deadline（时限）、direct（直接赋分）",
            "row_rules",
        ),
        (
            {"quantitative": {"kind": "threshold_completion", "threshold": "100%"}},
            "完成率门槛应在 0 至 100%（不含）之间",
            "row_rules.quantitative",
        ),
        ({"direct": {"kind": "direct", "per_item": "两分"}}, NOT_A_NUMBER.format("两分"), "row_rules.direct"),
    ],
)
def test_framework_wide_row_rules_that_cannot_be_used_are_refused_at_load(row_rules, message, field):
    """parse_row_rules 14: the unknown row kind was refused without its field."""
    assert refusal(with_rows(row_rules=row_rules)) == (message, field, "r")


def test_a_groups_row_rules_that_cannot_be_used_are_refused_at_the_group():
    data = with_rows()
    data["indicators"][1]["children"][0]["row_rules"] = {"qualitative": {"kind": "magic"}}
    message, field, code = refusal(data)
    assert (message.startswith("未知的评分规则类型“magic”，可用：bands、"), field, code) == (
        True,
        "quantity.row_rules.qualitative",
        "r",
    )
    data["indicators"][1]["children"][0]["row_rules"] = "direct"
    assert refusal(data) == ("row_rules 应为“行类型: 规则”的键值表", "quantity.row_rules", "r")


# --- level-1 weights that depend on the rows (weight_schemes, absent_moves) -----------------------------------------


def schemes(*weights: dict, when=({"benefit": True}, {"benefit": False})) -> list[dict]:
    return [{"label": f"方案{'甲乙'[i]}", "when": when[i], "weights": w} for i, w in enumerate(weights)]


def test_weight_schemes_and_moves_are_read_with_their_labels():
    data = with_rows(
        weight_schemes=schemes({"fixed": 40, "output": 40, "benefit": 20}, {"fixed": 40, "output": 60, "benefit": 0}),
        absent_moves=[{"from": "benefit", "to": "output"}],
    )
    layout = framework_from_dict(data).layout
    assert layout.weight_schemes == (
        WeightScheme("方案甲", (("benefit", True),), {"fixed": D(40), "output": D(40), "benefit": D(20)}),
        WeightScheme("方案乙", (("benefit", False),), {"fixed": D(40), "output": D(60), "benefit": D(0)}),
    )
    assert layout.absent_moves == (AbsentMove("benefit", "output", "未设效益指标，其分值并入产出指标"),)
    assert dict(layout.group_tops) == {"quantity": "output", "social": "benefit"}
    assert layout.variable_weights is True
    assert framework_from_dict(with_rows()).layout.variable_weights is False


def test_a_weight_scheme_may_not_change_the_weight_of_a_level_one_without_rows():
    """parse_layout 45: the refusal named the field XXweight_schemesXX."""
    data = with_rows(weight_schemes=schemes({"fixed": 30, "output": 50, "benefit": 20}, when=({},)))
    message = "分值方案“方案甲”不能改变“甲”的分值（其评分规则按 40 分设定）"
    assert refusal(data) == (message, "weight_schemes", "r")


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        ({"when": {"nope": True}}, "分值方案“方案甲”的条件应为“一级指标代码: true/false”"),
        ({"when": {"benefit": "yes"}}, "分值方案“方案甲”的条件应为“一级指标代码: true/false”"),
        ({"weights": {"fixed": 40, "output": 70, "benefit": -10}}, "分值方案“方案甲”的分值不能为负"),
        ({"weights": {"fixed": 40, "output": 50, "benefit": 20}}, "分值方案“方案甲”的分值之和为 110，应为 100"),
        ({"weights": {"fixed": 40, "output": 60}}, "分值方案“方案甲”应为每个一级指标列出分值（不符：benefit）"),
        ({"weights": {"fixed": 40, "output": "六十", "benefit": 0}}, NOT_A_NUMBER.format("六十")),
    ],
)
def test_a_weight_scheme_that_cannot_be_used_is_refused_at_its_place(scheme, message):
    data = with_rows(
        weight_schemes=[{"label": "方案甲", "when": {}, "weights": {"fixed": 40, "output": 60, "benefit": 0}}]
    )
    data["weight_schemes"][0].update(scheme)
    assert refusal(data) == (message, "weight_schemes[0]", "r")


@pytest.mark.parametrize(
    ("move", "message"),
    [
        ({"from": "benefit", "to": "nope"}, "分值转移中的“nope”不是一级指标"),
        ({"to": "output"}, "分值转移中的“None”不是一级指标"),
        ({"from": "fixed", "to": "output"}, "分值转移中的“fixed”没有可填写的三级指标"),
        ({"from": "benefit", "to": "fixed"}, "分值转移中的“fixed”没有可填写的三级指标"),
    ],
)
def test_a_weight_move_between_unknown_or_fixed_indicators_is_refused(move, message):
    assert refusal(with_rows(absent_moves=[move])) == (message, "absent_moves", "r")


# --- rows written under another framework's groups (row_group_map) and required row fields -------------------------


def test_a_row_group_map_is_read_with_its_keys_as_text_and_must_point_at_groups():
    layout = framework_from_dict(with_rows(row_group_map={"成本指标": "quantity", 2020: "social"})).layout
    assert dict(layout.row_group_map) == {"成本指标": "quantity", "2020": "social"}
    assert refusal(with_rows(row_group_map={"成本指标": "output"})) == (
        "“成本指标”对应的“output”不是可填写三级指标的二级指标",
        "row_group_map",
        "r",
    )


def test_required_row_fields_are_read_by_name_or_column_once_each():
    layout = framework_from_dict(with_rows(required_metadata=["数据来源", "evidence", "data_source"])).layout
    assert layout.required_metadata == ("data_source", "evidence")


@pytest.mark.parametrize(
    ("required", "message"),
    [
        ("data_source", "required_metadata 应为列表"),
        (
            ["佐证"],
            "未知的指标信息项“佐证”，可选：target_basis（指标值设定依据）、actual_method（完成值取值方式）、"
            "data_source（数据来源）、evidence（佐证资料）",
        ),
    ],
)
def test_required_row_fields_that_cannot_be_read_are_refused(required, message):
    assert refusal(with_rows(required_metadata=required)) == (message, "required_metadata", "r")


# --- the vocabulary of facts -----------------------------------------------------------------------------------------


def test_the_vocabulary_read_afresh_gives_each_fact_its_label_and_unit():
    """The vocabulary is built when its module is first imported, before mutmut's forked test process exists, so it is
    executed again here (vocabulary._add 4: every unit lost, so no % fact was a rate and no amount was in 万元)."""
    spec = importlib.util.spec_from_file_location(vocabulary.__name__, vocabulary.__file__)
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    facts = fresh.FACTS
    assert [(facts[name].name, facts[name].label, facts[name].unit) for name in ("staff_quota", "spending_q3")] == [
        ("staff_quota", "编制数", "人"),
        ("spending_q3", "第三季度末累计支出", "万元"),
    ]
    assert {fact.unit for fact in facts.values()} == {"万元", "%", "人", "m²", "个", "份"}
    assert sorted(name for name, fact in facts.items() if fact.is_rate) == [
        "satisfaction_public",
        "satisfaction_recipients",
        "satisfaction_staff",
    ]
    assert all(name == fact.name for name, fact in facts.items())
    assert {name: (fact.label, fact.unit) for name, fact in facts.items()} == {
        name: (fact.label, fact.unit) for name, fact in vocabulary.FACTS.items()
    }


def test_a_fact_is_named_by_its_label_and_a_name_the_vocabulary_lacks_as_written():
    assert [vocabulary.label(name) for name in ("fixed_assets_in_use", "execution_rate")] == [
        "固定资产·在用",
        "execution_rate",
    ]
    assert [vocabulary.describe(name) for name in ("staff_quota", "budget_fullyear")] == ["编制数", "budget_fullyear"]
    assert (vocabulary.is_known("staff_quota"), vocabulary.is_known("budget_fullyear")) == (True, False)
