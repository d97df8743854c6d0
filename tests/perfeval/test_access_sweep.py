"""Every URL, every role of another unit, an object of 甲单位: 404 or 403 (or 405), and none of 甲单位's data."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from assessments.models import Evidence, Project
from units.models import Membership, Role

PUBLIC = {"login", "logout"}
# 信息公开 (public:list, public:pdf) answers anyone by design: tests/assessments/reports/public/test_public.py covers it.
PUBLIC |= {"list", "pdf", "verify"}  # verify: anyone checks a published PDF against its hashes
# A forgotten password is reset without logging in; the pages show no unit (tests/perfeval/test_request_guards.py).
PUBLIC |= {"password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}
# Pages that are about the user, not about a unit: they may answer 200 but must not show another unit's data.
PERSONAL = {"home", "inbox", "notifications_read", "password_change", "password_change_done", "delegations"}
# Batch signing acts on the items of the user's own inbox; an id of another unit's assessment is refused one by one.
PERSONAL |= {"inbox_batch_sign"}
# An administrator's export form and dashboard show only the units they can see (tests/exports).
PERSONAL |= {"index", "dashboard", "rectification_overdue"}


def _patterns():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name not in PUBLIC:
                yield p.name, prefix + str(p.pattern)

    return list(walk(get_resolver().url_patterns))


@pytest.fixture
def target(assessment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = Project.objects.create(assessment=assessment, name="甲单位的秘密项目")
    evidence = Evidence(assessment=assessment, original_name="甲单位佐证.pdf", size=8)
    evidence.file.save("e.pdf", ContentFile(b"%PDF-1.4"), save=False)
    evidence.save()
    return {
        "assessment_id": assessment.pk,
        "project_id": project.pk,
        "evidence_id": evidence.pk,
        "unit_id": assessment.unit_id,
    }


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_members_of_another_unit_reach_nothing_of_it(client, django_user_model, other_unit, target, role):
    outsider = django_user_model.objects.create_user(username=f"out-{role}", password="x")
    Membership.objects.create(user=outsider, unit=other_unit, role=role)
    client.force_login(outsider)
    checked = 0
    for name, route in _patterns():
        url = "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(target.get(m.group(2), "basic")), route)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            body = response.content.decode(errors="ignore")
            assert "甲单位" not in body and "0731-1234" not in body, (method, url)
            if name not in PERSONAL:
                assert response.status_code in (403, 404, 405), (method, url, response.status_code)
            checked += 1
    assert checked > 40
