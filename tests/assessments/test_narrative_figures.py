"""The narrative agrees with the tables: placeholders filled from the computed figures, numbers typed beside a
computed figure's name checked against it, and a report that never prints two different totals."""

from decimal import Decimal

from assessments.narrative import agreeing, disagreements, figures, fill, narrative_findings

D = Decimal
VALUES = {
    "staff_quota": D(10),
    "staff_actual": D(3),
    "spending_actual": D("90.94"),
    "budget_full_year": D("91.44"),
    "public_funds_actual": D("17.67"),
    "public_funds_budget": D("4.55"),
}
KNOWN = figures(VALUES, total=D("96.92"), grade="优")


def test_placeholders_are_filled_and_unknown_ones_left_as_typed():
    text = fill("总分{总分}，等次{等次}，编制{编制数}人，执行率{预算执行率}，{不存在}", KNOWN)
    assert text == "总分96.92，等次优，编制10人，执行率99.45%，{不存在}"


def test_an_incomplete_sheet_fills_a_dash_and_checks_nothing_against_it():
    known = figures({}, total=None, grade=None)
    assert fill("{总分}{等次}{预算执行率}", known) == "———"
    assert disagreements("总分 90 分", known) == []


def test_the_taojiang_narrative_disagrees_with_its_basic_data_table():
    found = disagreements("单位编制5人，实有3人，控制率60％。", KNOWN)
    assert [(name, typed, figure.name) for name, typed, figure in found] == [
        ("编制", "5", "编制数"),
        ("控制率", "60％", "财政供养人员控制率"),
    ]


def test_a_longer_name_wins_and_a_short_name_is_not_read_inside_another_word():
    # 公用经费控制率 is not the staff 控制率; 预算编制规范性 4.50 is not a head count.
    assert disagreements("公用经费控制率388.35%，预算编制规范性4.50分", KNOWN) == []


def test_figures_are_compared_at_the_precision_typed():
    assert disagreements("预算执行率99.5%，预算执行率 99.45%", KNOWN) == []
    assert [typed for _, typed, _ in disagreements("预算执行率为98%", KNOWN)] == ["98%"]


def test_a_disagreement_is_a_warning_naming_the_section_and_the_placeholder():
    (finding,) = narrative_findings({"scoring": "自评总体得分为 96.98 分"}, {"scoring": "四、评分情况"}, KNOWN)
    assert finding.severity == "warning" and finding.fields == ("narrative:scoring", "总分")
    assert finding.message == (
        "叙述“四、评分情况”写总体得分 96.98，按填报数据计算总分为 96.92；可改用占位符{总分}自动填入"
    )


def test_the_report_prints_the_computed_total_in_place_of_a_typed_one_that_differs():
    assert agreeing("自评总体得分为 96.98 分，等次为{等次}。", KNOWN) == "自评总体得分为 96.92 分，等次为优。"
    assert agreeing("自评总体得分为 96.92 分。", KNOWN) == "自评总体得分为 96.92 分。"
