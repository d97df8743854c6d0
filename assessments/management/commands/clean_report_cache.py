"""Delete the cached report PDFs nobody has downloaded for a while (daily, by deploy/systemd's
perfeval-report-cache.timer): every downloaded state of a draft leaves one, so the cache would only grow."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from assessments.reports.cache import remove_unused


class Command(BaseCommand):
    help = "删除长期未被下载的报告 PDF 缓存（年度导出引用的文件保留）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="多少天未被使用的缓存文件被删除（默认 30）")

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days 须为正整数（天数）。")
        removed = remove_unused(timedelta(days=days))
        self.stdout.write(f"已删除 {len(removed)} 个 {days} 天内未使用的报告缓存文件。")
