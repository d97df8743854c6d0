"""A satisfaction share is checked against its number of responses at the precision it was printed with, and quoted
as printed. Mutation testing (make mutation) showed that no test would notice the precision being lost."""

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
