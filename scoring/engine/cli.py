"""The body of ``manage.py score``: argument parsing and output, given frameworks already loaded.

Kept here (standard library only) so the Django command is a thin wrapper that loads the frameworks and calls
``main``; the output is the same in tests and on the command line.
"""

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from .api import load_json, score_input
from .errors import ScoringError
from .framework import FrameworkSpec
from .whatif import run_compare

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def build_parser(prog: str = "score") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="按指标体系计算绩效自评得分并运行一致性检查")
    parser.add_argument("input", help="评分输入 JSON 文件（格式见 README）")
    parser.add_argument("--framework", help="指标体系代码，覆盖输入文件中的 framework")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--compare", metavar="FRAMEWORK", help="同时按另一指标体系评分，逐项对比（不改变任何数据）")
    return parser


def run(
    input_path: str, frameworks: Mapping[str, FrameworkSpec], *, framework: str | None, fmt: str
) -> tuple[int, str]:
    """Score one file. Returns (exit code, text to print); errors blocking submission give exit code 1."""
    try:
        data = load_json(Path(input_path).read_text(encoding="utf-8"))
        sheet, findings = score_input(data, frameworks, framework_code=framework)
    except ScoringError as error:
        return EXIT_ERROR, f"错误：{error}"
    except (OSError, json.JSONDecodeError) as error:
        return EXIT_ERROR, f"无法读取输入文件：{error}"
    blocking = any(finding.severity == "error" for finding in findings)
    if fmt == "json":
        payload = {"sheet": sheet.to_dict(), "findings": [finding.to_dict() for finding in findings]}
        return (EXIT_FINDINGS if blocking else EXIT_OK), json.dumps(payload, ensure_ascii=False, indent=2)
    lines = [sheet.render_text(), "", f"一致性检查：{len(findings)} 项"]
    for finding in findings:
        mark = "错误" if finding.severity == "error" else "提示"
        lines.append(f"  [{mark}] {finding.code}：{finding.message}")
    return (EXIT_FINDINGS if blocking else EXIT_OK), "\n".join(lines)


def main(argv: Sequence[str], frameworks: Mapping[str, FrameworkSpec]) -> tuple[int, str]:
    args = build_parser().parse_args(argv)
    if args.compare:
        return run_compare(args.input, frameworks, args.compare, framework=args.framework, fmt=args.format)
    return run(args.input, frameworks, framework=args.framework, fmt=args.format)
