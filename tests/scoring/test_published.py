"""Real published 自评表 (fixtures/published/), scored against what their files record by hand.

Each file is a score input (README, "Scoring from the command line") with the report's own figures in ``stated`` and,
beside what the engine reads, what perfeval must compute from the rules: ``recomputed`` (total, grade, the part that
could be scored, item points by name), the complete list of ``findings`` and the CLI ``exit_status``. The figures were
worked out by hand from domain.md and the framework YAML, not copied from the engine. A file whose ``engine_gaps`` is
not empty needs an engine feature that is not there yet; its tests are then expected to fail until the feature lands.
"""

import io
import json
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from scoring.engine import framework_from_dict, load_json, score_input

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "fixtures" / "published"
FILES = sorted(PUBLISHED.glob("*.json"))
MARK = {"error": "错误", "warning": "提示"}


@cache
def frameworks():
    loaded = {}
    for path in sorted((ROOT / "fixtures" / "frameworks").glob("*.yaml")):
        framework = framework_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
        loaded[framework.code] = framework
    return loaded


def read(path: Path) -> dict:
    return load_json(path.read_text(encoding="utf-8"))


def cases():
    for path in FILES:
        gaps = read(path).get("engine_gaps") or []
        marks = [pytest.mark.xfail(strict=True, reason="; ".join(gaps))] if gaps else []
        yield pytest.param(path, id=path.stem, marks=marks)


def decimal_or_none(text):
    return None if text is None else Decimal(text)


def unmatched(expected: list[dict], findings: list[dict]) -> tuple[list[dict], list[dict]]:
    """Pair recorded findings with the engine's; a recorded finding without ``fields`` matches on code and severity."""
    left = list(findings)
    missing = []
    for wanted in sorted(expected, key=lambda item: "fields" not in item):  # exact ones first
        for index, found in enumerate(left):
            same = found["code"] == wanted["code"] and found["severity"] == wanted["severity"]
            if same and ("fields" not in wanted or found["fields"] == wanted["fields"]):
                del left[index]
                break
        else:
            missing.append(wanted)
    return missing, left


def test_the_corpus_has_reports_from_several_provinces():
    provinces = Counter(read(path)["source"]["province"] for path in FILES)
    assert len(FILES) >= 16
    assert len(provinces) >= 7


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_every_published_file_names_its_source_and_what_the_report_gets_wrong(path):
    data = read(path)
    source = data["source"]
    assert source["url"].startswith("http")
    assert all(source[key] for key in ("title", "province", "unit", "year", "form", "transcription"))
    assert data["errors_in_report"], "每份报告都要写明其错误"
    assert data["exit_status"] in (0, 1)
    assert set(data["recomputed"]) >= {"total", "grade", "scored_total", "items"}


@pytest.mark.parametrize("path", list(cases()))
def test_published_report_scores_as_recorded(path):
    data = read(path)
    recomputed = data["recomputed"]
    sheet, findings = score_input(data, frameworks())
    assert sheet.total == decimal_or_none(recomputed["total"])
    assert sheet.grade == recomputed["grade"]
    assert sheet.scored_total == Decimal(recomputed["scored_total"])
    for name, points in recomputed["items"].items():
        assert sheet.line(name).points == decimal_or_none(points), name
    for name, texts in (recomputed.get("explanations_include") or {}).items():
        explanation = sheet.line(name).explanation
        assert all(text in explanation for text in texts), explanation
    for name, texts in (recomputed.get("explanations_exclude") or {}).items():
        explanation = sheet.line(name).explanation
        assert not any(text in explanation for text in texts), explanation
    missing, extra = unmatched(data["findings"], [finding.to_dict() for finding in findings])
    assert (missing, extra) == ([], [])


def run_score_command(path: Path, *options: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("score", str(path), *options, stdout=out, stderr=err)
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue() + err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(cases()))
def test_manage_py_score_exits_as_recorded_and_prints_the_findings(path):
    data = read(path)
    code, output = run_score_command(path)
    assert code == data["exit_status"], output
    assert f"一致性检查：{len(data['findings'])} 项" in output
    for finding in data["findings"]:
        assert f"[{MARK[finding['severity']]}] {finding['code']}：" in output
    total = data["recomputed"]["total"]
    assert (f"总分：{total}" if total is not None else "总分：未完成") in output
    for name, texts in (data["recomputed"].get("explanations_include") or {}).items():
        assert all(text in printed_explanation(output, name) for text in texts), output
    for name, texts in (data["recomputed"].get("explanations_exclude") or {}).items():
        assert not any(text in printed_explanation(output, name) for text in texts), output


def printed_explanation(output: str, name: str) -> str:
    """The explanation printed under an indicator: the text sheet puts it on the line after the name and points."""
    lines = output.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{name}  "))
    return lines[index + 1]


@pytest.mark.django_db
def test_the_json_output_of_a_published_report_keeps_its_source_out_of_the_sheet():
    """Top-level keys the engine does not read (source, recomputed, findings…) are ignored, not refused."""
    code, output = run_score_command(PUBLISHED / "sc-qingshen-fgj-2023-wages.json", "--format", "json")
    payload = json.loads(output)
    assert code == 1  # a block over its cap blocks submission
    assert "source" not in payload["sheet"]
    assert payload["sheet"]["total"] is None  # both rows' 完成值 are blank
    # 产出 60 + 效益 30 + 满意度 0 still add up to 100 with 执行率, but 产出 gives more than its 50: an error; the
    # empty 满意度 a hint.
    assert [(finding["code"], finding["message"]) for finding in payload["findings"]] == [
        (
            "weights_exceed_cap",
            "“产出指标”下各三级指标分值之和为 60，应为 50，超过该部分的分值上限，须调整各三级指标分值",
        ),
        ("weights_mismatch", "“满意度指标”下各三级指标分值之和为 0，应为 10"),
    ]


def test_the_20_plus_80_form_scores_execution_out_of_20_and_lower_is_better_rows_as_target_over_actual():
    """selfeval-20-80 (the Hubei template): 得分 = 20 × 执行率; 反向 得分 = 权重 × A/B, as the 通城县 form's notes say."""
    data = {
        "framework": "selfeval-20-80",
        "facts": {"budget_full_year": "50", "spending_actual": "10"},
        "entries": {
            "成本": [
                {
                    "name": "单位成本",
                    "weight": 40,
                    "kind": "quantitative",
                    "target_value": "≤8万元",
                    "actual_value": "10万元",
                }
            ],
            "社会效益": [
                {
                    "name": "惠及人数",
                    "weight": 40,
                    "kind": "quantitative",
                    "target_value": "≥100人",
                    "actual_value": "100人",
                }
            ],
        },
    }
    sheet, findings = score_input(data, frameworks())
    assert sheet.line("预算执行率").points == Decimal("4.00")
    assert sheet.line("单位成本").points == Decimal("32.00")
    assert sheet.total == Decimal("76.00")
    assert sheet.grade == "中"
    assert findings == []


def test_an_actual_without_a_unit_is_read_in_the_money_unit_of_its_target():
    """The 丽江 table as printed: 指标值 “﹦72890” with 度量单位 元 and 完成值 “72890” — the same amount, full marks."""
    data = {
        "framework": "mof-2020-selfeval",
        "facts": {"budget_full_year": "7.29", "spending_actual": "7.29"},
        "entries": {
            "数量": [
                {
                    "name": "卫片执法补助经费",
                    "weight": 10,
                    "kind": "quantitative",
                    "target_value": "﹦72890元",
                    "actual_value": "72890",
                }
            ]
        },
    }
    sheet, _ = score_input(data, frameworks())
    line = sheet.line("卫片执法补助经费")
    assert line.points == Decimal("10.00")
    assert "实际完成值未写单位，按指标值的“元”计：72890元 = 7.289万元" in line.explanation


@pytest.mark.parametrize(
    ("actual", "points"),
    [
        ("72000", "9.88"),  # 7.2 of 7.289 万元, the deviation rule: 1 − 0.089 ÷ 7.289
        ("7.289万元", "10.00"),  # a unit of its own is read as written
        ("72890人", "0.00"),  # not a bare figure: 72890 against 7.289, far off
    ],
)
def test_only_a_bare_actual_takes_the_money_unit_of_its_target(actual, points):
    data = {
        "framework": "mof-2020-selfeval",
        "entries": {
            "数量": [
                {
                    "name": "补助",
                    "weight": 10,
                    "kind": "quantitative",
                    "target_value": "=72890元",
                    "actual_value": actual,
                }
            ]
        },
    }
    sheet, _ = score_input(data, frameworks())
    assert sheet.line("补助").points == Decimal(points)


def test_a_result_that_repeats_a_worded_target_with_its_comparator_is_a_restated_target():
    """The 襄阳 table's 成本控制 row: 年初目标值 and 实际完成值 are both “不超过预算”, the target copied, not a result."""
    data = {
        "framework": "selfeval-20-80",
        "entries": {
            "数量": [
                {
                    "name": "成本控制",
                    "weight": 80,
                    "kind": "qualitative",
                    "target_value": "不超过预算",
                    "actual_value": "不超过预算",
                    "outcome": "达成年度指标",
                    "score": 80,
                }
            ]
        },
    }
    _, findings = score_input(data, frameworks())
    assert [finding.fields for finding in findings if finding.code == "actual_is_target"] == [("quantity.1",)]


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("达到预期", "达到预期"),  # an outcome word, not a bound
        ("不超过预算", "未超预算"),  # a result in words of its own
        ("按计划完成", "按计划完成"),  # no comparator at all
    ],
)
def test_a_worded_result_that_is_not_a_copied_bound_is_not_a_restated_target(target, actual):
    row = {"name": "成本控制", "weight": 80, "kind": "qualitative", "target_value": target, "actual_value": actual}
    row.update(outcome="达成年度指标", score=80)
    _, findings = score_input({"framework": "selfeval-20-80", "entries": {"数量": [row]}}, frameworks())
    assert "actual_is_target" not in [finding.code for finding in findings]
