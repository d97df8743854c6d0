from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from perfeval import backups


class Command(BaseCommand):
    help = (
        "备份 PostgreSQL 数据库（pg_dump）和 MEDIA_ROOT 中的文件到一个目录（默认 backups/<时间>/）。"
        " Back up the PostgreSQL database and MEDIA_ROOT into one folder."
    )
    # Nothing here needs the system checks, and a backup should not be blocked by a warning.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="备份目录（须不存在或为空） / the backup folder")

    def handle(self, *args, output=None, **options):
        try:
            folder, manifest = backups.backup(output)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        dump = manifest["files"][backups.DUMP]["bytes"]
        self.stdout.write(
            f"备份完成 / backup written: {folder}\n"
            f"  数据库 {manifest['database']['name']}：{dump:,} 字节；"
            f"文件 {manifest['media_files']} 个（{manifest['files'][backups.MEDIA]['bytes']:,} 字节）\n"
            f"  恢复 / restore: make restore BACKUP={folder}"
        )
