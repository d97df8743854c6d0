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

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def build_parser(prog: str = "score") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="按指标体系计算绩效自评得分并运行一致性检查")
    parser.add_argument("input", help="评分输入 JSON 文件（格式见 README）")
    parser.add_argument("--framework", help="指标体系代码，覆盖输入文件中的 framework")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def read_input(path: str) -> object:
    """The parsed JSON of an input file, read as UTF-8 (with or without a BOM) or, failing that, GBK/GB18030 as
    saved by Chinese Windows tools. Every failure is a ``ScoringError`` in Chinese."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScoringError(f"找不到输入文件“{path}”") from None
    except IsADirectoryError:
        raise ScoringError(f"“{path}”是一个目录，不是输入文件") from None
    except PermissionError:
        raise ScoringError(f"没有权限读取输入文件“{path}”") from None
    except OSError as error:
        raise ScoringError(f"无法读取输入文件“{path}”（{error.strerror or type(error).__name__}）") from None
    return load_json(decode_input(raw))


def decode_input(raw: bytes) -> str:
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    encodings = ("utf-16",) if utf16 else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ScoringError("输入文件的编码无法识别：请另存为 UTF-8 编码")


def run(
    input_path: str, frameworks: Mapping[str, FrameworkSpec], *, framework: str | None, fmt: str
) -> tuple[int, str]:
    """Score one file. Returns (exit code, text to print); errors blocking submission give exit code 1."""
    try:
        data = read_input(input_path)
        sheet, findings = score_input(data, frameworks, framework_code=framework)
    except ScoringError as error:
        return EXIT_ERROR, f"错误：{error}"
    except Exception as error:  # the command promises a Chinese message, never a traceback
        return EXIT_ERROR, f"错误：无法评分此输入（{type(error).__name__}），请检查输入文件"
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
    return run(args.input, frameworks, framework=args.framework, fmt=args.format)
