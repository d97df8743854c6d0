from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from assessments.management.demo import load_demo_assessments
from assessments.models import FrameworkAssignment
from scoring.models import FrameworkVersion
from units.models import Membership, Region, Role, Staffing, Unit

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "units.yaml"
ASSESSMENTS_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "assessments.yaml"


class Command(BaseCommand):
    help = "载入由样本报告构建的演示数据（单位、人员编制、每个单位每个角色一个演示用户）。可重复执行。"

    def handle(self, *args, **options):
        data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
        call_command("load_frameworks", stdout=self.stdout)
        assessments = yaml.safe_load(ASSESSMENTS_FILE.read_text(encoding="utf-8"))
        with transaction.atomic():
            logins = load_demo(data)
            users = get_user_model().objects.filter(username__in=[name for name, _ in logins])
            load_demo_assessments(assessments, users=users.in_bulk(field_name="username"))
        self.stdout.write(
            self.style.SUCCESS(f"演示数据已载入：{Unit.objects.count()} 个单位，{len(logins)} 个演示用户。")
        )
        self.stdout.write(f"演示密码（所有用户相同）：{data['demo_password']}")
        for username, label in logins:
            self.stdout.write(f"  {username:<18} {label}")


def load_demo(data: dict) -> list[tuple[str, str]]:
    """Create or update everything in the demo file; returns (username, description) per demo login."""
    regions: dict[str, Region] = {}
    for item in data["regions"]:
        regions[item["code"]], _ = Region.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "level": item["level"],
                "parent": regions.get(item.get("parent")),
                "report_layout": item["report_layout"],
            },
        )

    for item in data.get("framework_assignments", []):
        # The demo's own set-up: written as the file says, the newest version of the named framework.
        version = FrameworkVersion.objects.filter(framework__code=item["framework"]).order_by("-version").first()
        FrameworkAssignment.objects.update_or_create(
            region=regions[item["region"]],
            year=item["year"],
            form=item["form"],
            defaults={"framework_version": version, "note": item.get("note", "")},
        )

    units: dict[str, Unit] = {}
    logins: list[tuple[str, str]] = []
    User = get_user_model()
    for item in data["units"]:
        unit, _ = Unit.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "kind": item["kind"],
                "parent": units.get(item.get("parent")),
                "region": regions[item["region"]],
                "contact_person": item.get("contact_person", ""),
                "contact_phone": item.get("contact_phone", ""),
                "functions": "\n".join(item.get("functions", [])),
                "internal_structure": "\n".join(item.get("internal_structure", [])),
            },
        )
        units[item["code"]] = unit
        for row in item.get("staffing", []):
            Staffing.objects.update_or_create(unit=unit, year=row["year"], defaults=row)
        if prefix := item.get("demo_prefix"):
            for spec in data["demo_roles"]:
                username = f"{prefix}-{spec['suffix']}"
                role_label = Role(spec["role"]).label
                user = _demo_user(User, username, f"{unit.name}·{role_label}", data["demo_password"])
                member_of = unit.parent if spec.get("at") == "parent" else unit
                Membership.objects.update_or_create(
                    user=user, unit=member_of, role=spec["role"], defaults={"title": spec["title"]}
                )
                logins.append((username, f"{unit.name} · {role_label}"))

    su = data["superuser"]
    admin = _demo_user(User, su["username"], su["name"], data["demo_password"])
    if not (admin.is_superuser and admin.is_staff):
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    logins.append((su["username"], su["name"] + "（全部单位，管理后台）"))
    return logins


def _demo_user(User, username: str, full_name: str, password: str):
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
    if created or not user.check_password(password):
        user.set_password(password)
        user.first_name = full_name
        user.save()
    return user
