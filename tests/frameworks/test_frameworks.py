import copy
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from assessments.models import Assessment
from scoring.adapters import framework_spec, framework_version_create, shipped_definitions
from scoring.models import Framework, FrameworkVersion, Indicator

SHIPPED = {
    "mof-2020-selfeval",
    "mof-2021-core",
    "hunan-overall",
    "futian-common-2021",
    "guangdong-overall",
    "selfeval-20-80",
}


def _load():
    call_command("load_frameworks", stdout=io.StringIO())


def test_the_shipped_frameworks_are_these():
    assert set(shipped_definitions()) == SHIPPED


def test_loading_stores_each_framework_as_version_one_with_its_indicator_tree(db):
    _load()
    assert set(Framework.objects.values_list("code", flat=True)) == SHIPPED
    futian = FrameworkVersion.objects.get(framework__code="futian-common-2021")
    assert futian.version == 1
    assert futian.region == "广东省深圳市福田区"
    level1 = futian.indicators.filter(level=1)
    assert sum(i.weight for i in level1) == 100
    assert {i.name for i in level1} == {"部门决策", "部门管理", "部门绩效"}
    utilisation = futian.indicators.get(name="固定资产利用率")
    assert utilisation.rule_kind == "bands"
    assert {"fixed_assets_in_use", "fixed_assets_total"} <= set(utilisation.facts)
    assert utilisation.parent.level == 2


def test_loading_twice_creates_no_new_version(db):
    _load()
    _load()
    assert FrameworkVersion.objects.count() == len(SHIPPED)


def test_a_changed_definition_becomes_the_next_version_and_the_old_one_stays(db, unit):
    _load()
    v1 = FrameworkVersion.objects.get(framework__code="futian-common-2021")
    assessment = Assessment.objects.create(unit=unit, year=2021, framework_version=v1)
    changed = copy.deepcopy(v1.definition)
    changed["name"] = "福田区共性指标体系（修订）"
    v2, created = framework_version_create(definition=changed, note="改名")
    assert created and v2.version == 2
    assert v2.definition["version"] == 2
    v1.refresh_from_db()
    assert v1.name == "福田区部门整体支出绩效评价共性指标体系（2021）"
    assessment.refresh_from_db()
    assert assessment.framework_version == v1
    assert framework_spec(v1).version == 1 and framework_spec(v2).version == 2
    assert Indicator.objects.filter(version=v2).count() == Indicator.objects.filter(version=v1).count()


def test_a_definition_whose_weights_do_not_add_up_is_refused_in_chinese(db):
    broken = copy.deepcopy(shipped_definitions()["futian-common-2021"])
    broken["indicators"][0]["weight"] = 25
    with pytest.raises(ValidationError) as error:
        framework_version_create(definition=broken)
    assert error.value.messages == ["一级指标分值之和为 105，应为 100（futian-common-2021 / indicators）"]
    assert not FrameworkVersion.objects.exists()


def test_a_version_in_use_cannot_be_deleted(db, unit):
    from django.db.models import ProtectedError

    _load()
    version = FrameworkVersion.objects.first()
    Assessment.objects.create(unit=unit, year=2021, framework_version=version)
    with pytest.raises(ProtectedError):
        version.delete()
