"""A satisfaction share is checked against its number of responses at the precision it was printed with, and quoted
as printed; a survey without responses does not stop the checking of the others. Mutation testing (make mutation)
showed that no test would notice these going wrong."""

from scoring.engine import score_input
from tests.scoring.test_golden_seeds import frameworks


def impossible(facts: dict) -> list[str]:
    _, findings = score_input({"framework": "mof-2020-selfeval", "facts": facts, "entries": {}}, frameworks())
    return [finding.message for finding in findings if finding.code == "satisfaction_impossible"]


def test_a_share_printed_with_a_decimal_is_checked_at_that_decimal():
    # 21 of 22 is 95.45 %, printed 95.5 %; at whole percents 95.5 % would be 96 %, which no k/22 gives.
    assert impossible({"satisfaction_public": "95.5%", "satisfaction_public_responses": 22}) == []
    assert impossible({"satisfaction_public": "95.5%", "satisfaction_public_responses": 30}) == [
        "社会公众满意度 95.5% 不可能来自 30 份有效问卷（任何满意份数 ÷ 30 都不等于这个百分数）"
    ]


def test_a_survey_without_responses_does_not_stop_the_checking_of_the_next_ones():
    from decimal import Decimal

    from scoring.engine.checks import check_satisfaction_counts

    facts = {
        "satisfaction_recipients": Decimal("0.9"),
        "satisfaction_recipients_responses": Decimal(0),
        "satisfaction_recipients_satisfied": Decimal(0),
        "satisfaction_public": Decimal("0.96"),
        "satisfaction_public_responses": Decimal(200),
        "satisfaction_public_satisfied": Decimal(190),
        "satisfaction_staff": Decimal("0.8"),
        "satisfaction_staff_responses": Decimal(10),
        "satisfaction_staff_satisfied": Decimal(12),
    }
    public = ("satisfaction_public", "satisfaction_public_responses", "satisfaction_public_satisfied")
    staff = ("satisfaction_staff", "satisfaction_staff_responses", "satisfaction_staff_satisfied")
    assert [finding.to_dict() for finding in check_satisfaction_counts(facts)] == [
        {
            "code": "satisfaction_mismatch",
            "severity": "error",
            "fields": list(public),
            "message": "社会公众满意度 96.00% ≠ 满意 190 ÷ 有效 200 = 95.00%",
        },
        {
            "code": "satisfaction_mismatch",
            "severity": "error",
            "fields": list(staff),
            "message": "内部员工满意度：满意问卷数 12 多于有效问卷数 10",
        },
    ]
