"""Put the annual-export items of dead workers back in the queue (run every minute by deploy/systemd's timer; the
render tasks and the job page do the same whenever they run)."""

from django.core.management.base import BaseCommand

from assessments.exports.services import reclaim_stale_items


class Command(BaseCommand):
    help = "年度导出：把已中断的生成进程留下的单位重新排队。"

    def handle(self, *args, **options):
        reclaimed = reclaim_stale_items()
        if reclaimed:
            self.stdout.write(f"已重新排队 {len(reclaimed)} 个单位：{', '.join(map(str, reclaimed))}")
