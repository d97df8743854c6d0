import sys

from django.core.management.base import BaseCommand

from scoring.adapters import latest_specs
from scoring.engine.cli import EXIT_ERROR, run
from scoring.engine.whatif import run_compare


class Command(BaseCommand):
    help = "按指标体系计算评分输入 JSON 的得分，并运行一致性检查（输入格式见 README）。"

    def add_arguments(self, parser):
        parser.add_argument("input", help="评分输入 JSON 文件")
        parser.add_argument("--framework", help="指标体系代码，覆盖输入文件中的 framework")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("--compare", metavar="FRAMEWORK", help="同时按另一指标体系评分，逐项对比（不改变任何数据）")

    def handle(self, *args, **options):
        if options["compare"]:
            code, output = run_compare(
                options["input"],
                latest_specs(),
                options["compare"],
                framework=options["framework"],
                fmt=options["format"],
            )
        else:
            code, output = run(options["input"], latest_specs(), framework=options["framework"], fmt=options["format"])
        (self.stderr if code == EXIT_ERROR else self.stdout).write(output)
        # 1: the checks found errors that would block submission; 2: the input could not be scored.
        if code:
            sys.exit(code)
