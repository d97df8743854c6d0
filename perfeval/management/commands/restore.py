from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from perfeval import backups


class Command(BaseCommand):
    help = (
        "把 manage.py backup 的备份恢复到 DATABASE_URL 指定的空数据库（不存在时创建）和 MEDIA_ROOT。"
        " Restore a backup into the configured empty or new database and MEDIA_ROOT."
    )
    # The database may not exist yet: nothing may touch it before the restore does.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="备份目录 / the backup folder")

    def handle(self, *args, backup, **options):
        try:
            outcome = backups.restore(backup)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        manifest = outcome["manifest"]
        created = "（新建）" if outcome["created"] else "（原为空）"
        self.stdout.write(
            f"恢复完成 / restored: {backup} （备份于 {manifest['created_at']}）\n"
            f"  数据库 {manifest['database']['name']} → {outcome['database']}{created}；"
            f"文件 {manifest['media_files']} 个 → MEDIA_ROOT\n"
            "  下一步 / next: python manage.py migrate（代码比备份新时补上迁移 / applies migrations newer than the backup）"
        )
        if outcome["missing"]:
            self.stderr.write(
                f"警告：{len(outcome['missing'])} 个佐证材料文件不在备份中 / evidence files missing from the backup:\n  "
                + "\n  ".join(outcome["missing"])
            )
