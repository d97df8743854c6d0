"""The score command explains its arguments in Chinese and marks the findings that block submission."""

import json
import re
from pathlib import Path

import pytest

from scoring.engine.cli import EXIT_FINDINGS, EXIT_OK, build_parser, main
from tests.scoring.test_golden_seeds import frameworks

ROOT = Path(__file__).resolve().parents[2]


def test_the_help_names_every_argument_in_chinese():
    shown = build_parser().format_help()
    assert "usage: score" in shown
    assert "评分输入 JSON 文件（格式见 README）" in shown
    assert "指标体系代码，覆盖输入文件中的 framework" in shown
    assert "{text,json}" in shown
    assert re.search(r"(?m)--compare FRAMEWORK\s+同时按另一指标体系评分，逐项对比（不改变任何数据）$", shown)


def test_the_output_is_text_unless_json_is_asked_for():
    assert build_parser().parse_args(["in.json"]).format == "text"


def test_errors_and_warnings_are_marked_apart():
    code, text = main([str(ROOT / "fixtures" / "examples" / "seed001-zhuzhou-2022.json")], frameworks())
    assert code == EXIT_FINDINGS
    assert "一致性检查：13 项" in text
    marks = [line.split("：")[0].strip() for line in text.splitlines() if line.startswith("  [")]
    assert len(marks) == 13
    assert marks[:3] == ["[错误] project_sum", "[错误] project_sum", "[提示] income_nature_sum"]
    assert all(mark.startswith("[提示]") for mark in marks[2:])


@pytest.mark.parametrize(
    ("example", "code", "severities"),
    [
        ("seed003-futian-2021", EXIT_OK, ["warning", "warning"]),  # 提示 only: nothing blocks submission
        ("seed001-zhuzhou-2022", EXIT_FINDINGS, ["error", "error", *["warning"] * 11]),
    ],
)
def test_the_json_output_exits_as_the_text_does_by_whether_a_finding_blocks_submission(example, code, severities):
    path = str(ROOT / "fixtures" / "examples" / f"{example}.json")
    exit_code, output = main([path, "--format", "json"], frameworks())
    assert (exit_code, [finding["severity"] for finding in json.loads(output)["findings"]]) == (code, severities)
    assert main([path], frameworks())[0] == code


def test_a_row_that_lacks_an_input_says_so_once():
    # The 保山 table's 时效 row gives its target in words only ("按时限完成"): no 年度指标值 to score against.
    published = ROOT / "fixtures" / "published" / "yn-baoshan-tyjrj-2022-spring-festival-visits.json"
    _, text = main([str(published)], frameworks())
    lines = text.splitlines()
    row = lines.index("    春节前完成走访慰问  未评分 / 20.00")
    assert lines[row + 1 : row + 3] == ["        缺少：年度指标值", "  成本指标  0.00 / 0.00"]
