from django.core.management.base import BaseCommand

from scoring.adapters import FRAMEWORK_DIR, framework_version_create, shipped_definitions


class Command(BaseCommand):
    help = "载入 fixtures/frameworks/ 下的指标体系；内容有变化时存为新版本，未变化时不做改动。"

    def handle(self, *args, **options):
        for code, definition in shipped_definitions().items():
            version, created = framework_version_create(
                definition=definition, note=f"载入 {FRAMEWORK_DIR.name}/{code}.yaml"
            )
            state = "新版本" if created else "未变化"
            self.stdout.write(f"{code:<24} 第{version.version}版（{state}）{version.name}")
