"""The score command explains its arguments in Chinese."""

from scoring.engine.cli import build_parser


def test_the_help_names_every_argument_in_chinese():
    shown = build_parser().format_help()
    assert "usage: score" in shown
    assert "评分输入 JSON 文件（格式见 README）" in shown
    assert "指标体系代码，覆盖输入文件中的 framework" in shown
    assert "{text,json}" in shown
