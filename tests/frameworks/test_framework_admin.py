import io

import yaml
from django.core.management import call_command

from scoring.models import FrameworkVersion


def _load():
    call_command("load_frameworks", stdout=io.StringIO())


def _post(admin_client, version, data):
    """Post the change form with the management form of the (read-only) indicator inline, as a browser would."""
    count = version.indicators.count()
    management = {
        "indicators-TOTAL_FORMS": count,
        "indicators-INITIAL_FORMS": count,
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 1000,
    }
    for index, indicator in enumerate(version.indicators.order_by("position")):
        management[f"indicators-{index}-id"] = indicator.pk
        management[f"indicators-{index}-version"] = version.pk
    return admin_client.post(f"/admin/scoring/frameworkversion/{version.pk}/change/", {**management, **data})


def test_editing_a_version_in_the_admin_saves_the_next_version(admin_client, db):
    _load()
    v1 = FrameworkVersion.objects.get(framework__code="mof-2020-selfeval")
    page = admin_client.get(f"/admin/scoring/frameworkversion/{v1.pk}/change/")
    assert page.status_code == 200
    assert "定义（YAML）" in page.content.decode()
    definition = dict(v1.definition, name="财预〔2020〕10号绩效自评表（修订）")
    response = _post(
        admin_client, v1, {"definition_text": yaml.safe_dump(definition, allow_unicode=True), "note": "改名"}
    )
    assert response.status_code == 302
    versions = list(FrameworkVersion.objects.filter(framework__code="mof-2020-selfeval").order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].name == "财预〔2020〕10号绩效自评表"
    assert versions[1].name == "财预〔2020〕10号绩效自评表（修订）"
    assert versions[1].note == "改名"


def test_an_invalid_definition_is_shown_next_to_the_field_and_kept(admin_client, db):
    _load()
    v1 = FrameworkVersion.objects.get(framework__code="mof-2020-selfeval")
    text = "code: mof-2020-selfeval\nname: 坏的\nindicators: [\n"
    response = _post(admin_client, v1, {"definition_text": text})
    html = response.content.decode()
    assert response.status_code == 200
    assert "定义不是有效的 YAML/JSON" in html
    assert "name: 坏的" in html
    assert FrameworkVersion.objects.filter(framework__code="mof-2020-selfeval").count() == 1


def test_a_definition_in_the_wrong_shape_is_shown_next_to_the_field_not_a_server_error(admin_client, db):
    """A grade without its label raised KeyError inside the engine: the admin answered 500."""
    _load()
    v1 = FrameworkVersion.objects.get(framework__code="mof-2020-selfeval")
    definition = dict(v1.definition, grades=[{"min": 0, "max": 100, "max_inclusive": True}])
    response = _post(admin_client, v1, {"definition_text": yaml.safe_dump(definition, allow_unicode=True)})
    assert response.status_code == 200
    assert "缺少必填项“label”（mof-2020-selfeval / grades）" in response.content.decode()
    assert FrameworkVersion.objects.filter(framework__code="mof-2020-selfeval").count() == 1
