"""The checks are counted the same wherever they are shown: a number typed into the narrative that contradicts the
computed figure is a 提示 in the score panel's count on every tab, on 得分与检查 and in the submit checklist, and it
leaves the "待说明" count once explained."""

import re

import pytest
from django.urls import reverse

from assessments.checks import assessment_checks
from assessments.explanations import explanations_save
from assessments.models import NarrativeSection
from assessments.selectors import assessment_data
from assessments.workflow.checklist import submit_checklist


@pytest.fixture
def narrated(assessment):
    """编制 10 in the 基础数据 and “编制5人” typed in the narrative."""
    staffing = assessment_data(assessment).staffing
    staffing.staff_quota = 10
    staffing.save()
    NarrativeSection.objects.update_or_create(
        assessment=assessment, key="basic_info", defaults={"body": "本单位编制5人。"}
    )
    return assessment


def panel_counts(html: str) -> tuple[str, str, str]:
    text = re.sub(r"<[^>]+>|\s+", "", html.split('id="score-panel-checks"', 1)[1].split("</p>", 1)[0])
    match = re.search(r"一致性检查：(无错误|\d+个错误)，(\d+)个提示(?:（(\d+)个待说明）)?", text)
    return match.group(1), match.group(2), match.group(3) or "0"


def test_a_narrative_figure_counts_in_the_panel_the_score_tab_and_the_checklist(client, alice, narrated):
    data = assessment_data(narrated)
    checks = assessment_checks(data, data.scored())
    narrative = [hint for hint in checks.hints if hint.finding.code == "narrative_figure_mismatch"]
    assert len(narrative) == 1 and "编制 5" in narrative[0].finding.message
    # the engine's own warnings alone are one fewer: the panel used to count only those
    assert len(checks.hints) == len({f.code + str(f.fields) for f in data.scored().warnings}) + 1

    client.force_login(alice)
    for tab in ("basic", "self-eval", "narrative", "score"):
        html = client.get(reverse("assessments:tab", args=[narrated.pk, tab])).content.decode()
        assert panel_counts(html) == ("无错误", str(len(checks.hints)), str(len(checks.hints))), tab
    score = client.get(reverse("assessments:tab", args=[narrated.pk, "score"])).content.decode()
    assert f"一致性检查（0 个错误，{len(checks.hints)} 个提示，{len(checks.hints)} 个待说明）" in score
    assert narrative[0].finding.message in score

    listed = submit_checklist(data, data.scored())
    hints = next(group for group in listed.groups if group.key == "hints")
    assert len(hints.items) == len(checks.hints)
    assert narrative[0].finding.message in [item.message for item in hints.items]


def test_an_explained_narrative_figure_leaves_the_count_of_hints_to_explain(client, alice, narrated):
    data = assessment_data(narrated)
    scored = data.scored()
    checks = assessment_checks(data, scored)
    hint = next(hint for hint in checks.hints if hint.finding.code == "narrative_figure_mismatch")
    explanations_save(
        assessment=narrated, user=alice, posted={hint.key: ("", "叙述写的是年初编制数")}, findings=checks.findings
    )
    client.force_login(alice)
    html = client.get(reverse("assessments:tab", args=[narrated.pk, "basic"])).content.decode()
    assert panel_counts(html) == ("无错误", str(len(checks.hints)), str(len(checks.hints) - 1))
    hints = next(group for group in submit_checklist(data, scored).groups if group.key == "hints")
    assert hint.finding.message not in [item.message for item in hints.items]
    assert len(hints.items) == len(checks.hints) - 1


def test_the_narrative_tab_has_the_box_under_the_section_with_the_figure_and_it_saves_where_the_score_tab_does(
    client, alice, narrated
):
    data = assessment_data(narrated)
    hint = next(
        h for h in assessment_checks(data, data.scored()).hints if h.finding.code == "narrative_figure_mismatch"
    )
    client.force_login(alice)
    html = client.get(reverse("assessments:tab", args=[narrated.pk, "narrative"])).content.decode()
    section = html.split('id="id_basic_info"', 1)[1]
    before_box = section.split('form="hint-explanations-form"', 1)[0]
    assert "<textarea" not in before_box, "the box stands under its own section, before the next one"
    number = re.search(r'name="key-(\d+)" value="([^"]+)"', section)
    assert number and number.group(2) == hint.key
    assert 'id="hint-explanations-form"' in html

    posted = {f"key-{number.group(1)}": hint.key, f"explain-{number.group(1)}": "叙述写的是年初编制数"}
    posted["next"] = reverse("assessments:tab", args=[narrated.pk, "narrative"])
    assert client.post(reverse("assessments:explanations", args=[narrated.pk]), posted).status_code == 302
    from assessments.explanations import stored_explanations

    assert stored_explanations(narrated).get(hint.key) == "叙述写的是年初编制数"
    score = client.get(reverse("assessments:tab", args=[narrated.pk, "score"])).content.decode()
    assert "叙述写的是年初编制数" in score
