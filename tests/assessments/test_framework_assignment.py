"""Which framework an assessment takes: the assignment of its region-year and form, else the nearest region above with
one, else the layout's default; a change refused once the region-year has a submission; drafts follow a change;
a submitted assessment keeps its version; the preparer reads which rules apply and why."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import frameworks
from assessments.admin import FrameworkAssignmentForm
from assessments.frameworks import SWITCH_REFUSED, Form, assignment_delete, assignment_save, resolve
from assessments.models import Assessment, AuditEvent, FrameworkAssignment, IndicatorRow
from assessments.scores import project_framework_version
from assessments.services import assessment_create
from scoring.models import FrameworkVersion
from units.models import Region, Unit


def version(code: str) -> FrameworkVersion:
    return FrameworkVersion.objects.filter(framework__code=code).order_by("-version").first()


@pytest.fixture
def county(region):
    return Region.objects.create(code="430203", name="荷塘区", level=Region.Level.COUNTY, parent=region)


@pytest.fixture
def county_unit(county):
    return Unit.objects.create(code="U-009", name="荷塘单位", region=county)


def test_without_assignments_the_layout_default_applies(frameworks, unit):
    resolution = resolve(unit.region, 2024, Form.PROJECT)
    assert resolution.version == version("mof-2020-selfeval")
    assert resolution.assignment is None
    assert "按本地区报告格式的默认" in resolution.explanation


def test_a_province_assignment_reaches_its_counties_until_a_nearer_one(frameworks, region, county):
    province = region.parent
    assignment_save(region=province, year=2024, form=Form.PROJECT, version=version("mof-2021-core"))
    assert resolve(county, 2024, Form.PROJECT).version == version("mof-2021-core")
    assert resolve(county, 2024, Form.PROJECT).assignment.region == province
    assert resolve(county, 2023, Form.PROJECT).version == version("mof-2020-selfeval")  # another year
    assert resolve(county, 2024, Form.OVERALL).version == version("mof-2020-selfeval")  # another form
    assignment_save(region=region, year=2024, form=Form.PROJECT, version=version("mof-2020-selfeval"))
    assert resolve(county, 2024, Form.PROJECT).version == version("mof-2020-selfeval")
    assert resolve(county, 2024, Form.PROJECT).assignment.region == region


def test_a_new_assessment_takes_the_assigned_versions(frameworks, unit, alice):
    assignment_save(region=unit.region.parent, year=2024, form=Form.PROJECT, version=version("mof-2021-core"))
    assessment = assessment_create(unit=unit, year=2024, user=alice)
    assert assessment.project_framework_version == version("mof-2021-core")
    assert assessment.framework_version == version("mof-2020-selfeval")
    assert project_framework_version(assessment) == version("mof-2021-core")
    # 2023 is not assigned: the layout's default
    earlier = assessment_create(unit=unit, year=2023, user=alice)
    assert earlier.project_framework_version == version("mof-2020-selfeval")


def test_an_overall_assignment_decides_the_fixed_indicator_rows(frameworks, unit, alice):
    assignment_save(region=unit.region, year=2024, form=Form.OVERALL, version=version("hunan-overall"))
    assessment = assessment_create(unit=unit, year=2024, user=alice)
    assert assessment.framework_version == version("hunan-overall")
    leaves = {i.code for i in version("hunan-overall").indicators.all() if not i.unit_rows and not i.children.exists()}
    assert set(IndicatorRow.objects.filter(assessment=assessment).values_list("code", flat=True)) == leaves


def test_drafts_follow_a_change_before_the_first_submission(frameworks, unit, alice):
    assessment = assessment_create(unit=unit, year=2024, user=alice)
    assert assessment.project_framework_version == version("mof-2020-selfeval")
    assignment_save(region=unit.region, year=2024, form=Form.PROJECT, version=version("mof-2021-core"))
    assessment.refresh_from_db()
    assert assessment.project_framework_version == version("mof-2021-core")
    assignment_save(region=unit.region, year=2024, form=Form.OVERALL, version=version("hunan-overall"))
    assessment.refresh_from_db()
    assert assessment.framework_version == version("hunan-overall")
    codes = set(IndicatorRow.objects.filter(assessment=assessment, project=None).values_list("code", flat=True))
    leaves = {i.code for i in version("hunan-overall").indicators.all() if not i.unit_rows and not i.children.exists()}
    assert codes == leaves


def submit(assessment, user):
    AuditEvent.objects.create(
        assessment=assessment, user=user, user_name=user.username, action="submit", action_label="提交"
    )
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.IN_REVIEW)


def test_a_change_after_the_first_submission_is_refused_in_chinese(frameworks, unit, alice, county_unit):
    assessment = assessment_create(unit=unit, year=2024, user=alice)
    submit(assessment, alice)
    with pytest.raises(ValidationError) as refused:
        assignment_save(region=unit.region.parent, year=2024, form=Form.PROJECT, version=version("mof-2021-core"))
    assert refused.value.messages == [SWITCH_REFUSED.format(region="湖南省", year=2024, form="项目支出", unit="甲单位")]
    assert not FrameworkAssignment.objects.exists()
    # the submitted assessment keeps its version
    assessment.refresh_from_db()
    assert assessment.project_framework_version == version("mof-2020-selfeval")
    # another year, or a county whose units have not submitted, can still be assigned
    assignment_save(region=unit.region.parent, year=2025, form=Form.PROJECT, version=version("mof-2021-core"))
    assignment_save(region=county_unit.region, year=2024, form=Form.PROJECT, version=version("mof-2021-core"))


def test_a_returned_assessment_still_counts_as_submitted(frameworks, unit, alice):
    assessment = assessment_create(unit=unit, year=2024, user=alice)
    submit(assessment, alice)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.DRAFT, returned=True)
    with pytest.raises(ValidationError):
        assignment_save(region=unit.region, year=2024, form=Form.OVERALL, version=version("hunan-overall"))


def test_deleting_an_assignment_is_refused_after_a_submission(frameworks, unit, alice):
    assignment = assignment_save(region=unit.region, year=2024, form=Form.PROJECT, version=version("mof-2021-core"))
    submit(assessment_create(unit=unit, year=2024, user=alice), alice)
    with pytest.raises(ValidationError):
        assignment_delete(assignment=assignment)
    assert FrameworkAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_admin_form_shows_the_refusal(frameworks, unit, alice):
    submit(assessment_create(unit=unit, year=2024, user=alice), alice)
    form = FrameworkAssignmentForm(
        data={
            "region": unit.region.pk,
            "year": 2024,
            "form": "project",
            "framework_version": version("mof-2021-core").pk,
        }
    )
    assert not form.is_valid()
    assert "已有单位提交过项目支出绩效自评" in str(form.errors)


def test_a_version_outside_its_years_is_refused(frameworks, unit):
    with pytest.raises(ValidationError) as refused:
        assignment_save(region=unit.region, year=2020, form=Form.PROJECT, version=version("mof-2021-core"))
    assert "不适用于 2020 年度" in refused.value.messages[0]


def test_the_admin_saves_an_assignment_and_drafts_follow(frameworks, unit, alice, admin_client):
    assessment = assessment_create(unit=unit, year=2024, user=alice)
    response = admin_client.post(
        reverse("admin:assessments_frameworkassignment_add"),
        {
            "region": unit.region.parent.pk,
            "year": 2024,
            "form": "project",
            "framework_version": version("mof-2021-core").pk,
            "note": "湘财绩〔2024〕1号",
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.project_framework_version == version("mof-2021-core")


def test_the_preparer_reads_which_rules_apply_and_why(frameworks, unit, alice, client):
    assignment_save(
        region=unit.region.parent,
        year=2024,
        form=Form.PROJECT,
        version=version("mof-2021-core"),
        note="湘财绩〔2024〕1号",
    )
    assessment = assessment_create(unit=unit, year=2024, user=alice)
    client.force_login(alice)
    page = client.get(reverse("assessments:tab", args=[assessment.pk, "basic"])).content.decode()
    name = version("mof-2021-core").name
    assert f"本地区 2024 年度项目支出自评适用《{name}》第 1 版（由 湖南省 指定，依据：湘财绩〔2024〕1号）" in page
    assert "本地区 2024 年度部门整体支出自评适用" in page
    assert "按本地区报告格式的默认" in page


def test_explanations_cost_one_query(frameworks, unit, alice, django_assert_num_queries):
    assessment = assessment_create(unit=unit, year=2024, user=alice)
    assessment = Assessment.objects.select_related(
        "unit__region__parent__parent", "framework_version", "project_framework_version"
    ).get(pk=assessment.pk)
    with django_assert_num_queries(1):
        lines = frameworks_explanations(assessment)
    assert len(lines) == 2


frameworks_explanations = frameworks.explanations


def test_the_demo_has_two_regions_on_different_rules_in_2024(db, client):
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    taojiang = Assessment.objects.get(unit__code="430922-101", year=2024)
    assert taojiang.project_framework_version == version("mof-2020-selfeval")
    futian_unit = Unit.objects.get(code="440304-101")
    futian = assessment_create(unit=futian_unit, year=2024, user=get_user_model().objects.get(username="ft-preparer"))
    assert futian.project_framework_version == version("mof-2021-core")
    client.force_login(get_user_model().objects.get(username="tj-preparer"))
    page = client.get(reverse("assessments:tab", args=[taojiang.pk, "basic"])).content.decode()
    assert "本地区 2024 年度项目支出自评适用" in page and "由 湖南省 指定" in page


def test_the_admin_refuses_a_deletion_after_a_submission_with_a_message(frameworks, unit, alice, admin_client):
    assignment = assignment_save(region=unit.region, year=2024, form=Form.PROJECT, version=version("mof-2021-core"))
    submit(assessment_create(unit=unit, year=2024, user=alice), alice)
    url = reverse("admin:assessments_frameworkassignment_delete", args=[assignment.pk])
    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert FrameworkAssignment.objects.filter(pk=assignment.pk).exists()
    assert "已有单位提交过项目支出绩效自评" in response.content.decode()


# --- the line loaded with the assessment ----------------------------------------------------------------------------


def _looked_up(assessment) -> list[str]:
    """The lines as `explanations` reads them with its own query (the assessment loaded without the annotations)."""
    plain = Assessment.objects.select_related(
        "unit__region__parent__parent", "framework_version", "project_framework_version"
    ).get(pk=assessment.pk)
    return frameworks_explanations(plain)


def _loaded(user, assessment, django_assert_num_queries) -> list[str]:
    from assessments.access import get_assessment_for_user

    found, _ = get_assessment_for_user(user, assessment.pk)
    with django_assert_num_queries(0):
        return frameworks_explanations(found)


def test_the_nearest_assignment_of_a_county_comes_with_the_assessment(
    frameworks, county_unit, county, region, alice, root, django_assert_num_queries
):
    """Province, city and county each assign one form or the other: the nearest of each form is named, with its note;
    another year's assignment is not."""
    province = region.parent
    assignment_save(region=province, year=2024, form=Form.PROJECT, version=version("mof-2021-core"), note="省文件")
    assignment_save(region=province, year=2024, form=Form.OVERALL, version=version("mof-2021-core"))
    assignment_save(region=region, year=2024, form=Form.OVERALL, version=version("mof-2020-selfeval"), note="市文件")
    assignment_save(region=county, year=2023, form=Form.OVERALL, version=version("hunan-overall"))
    assessment = assessment_create(unit=county_unit, year=2024, user=root)
    core, selfeval = version("mof-2021-core"), version("mof-2020-selfeval")
    expected = [
        f"本地区 2024 年度部门整体支出自评适用《{selfeval.name}》第 1 版（由 湖南省株洲市 指定，依据：市文件）",
        f"本地区 2024 年度项目支出自评适用《{core.name}》第 1 版（由 湖南省 指定，依据：省文件）",
    ]
    assert _loaded(root, assessment, django_assert_num_queries) == expected == _looked_up(assessment)
    assignment_save(region=county, year=2024, form=Form.OVERALL, version=version("hunan-overall"))
    assessment.refresh_from_db()
    expected[0] = (
        f"本地区 2024 年度部门整体支出自评适用《{version('hunan-overall').name}》第 1 版（由 湖南省株洲市荷塘区 指定）"
    )
    assert _loaded(root, assessment, django_assert_num_queries) == expected == _looked_up(assessment)


def test_a_kept_version_and_a_missing_one_read_alike_loaded_with_the_assessment(
    frameworks, unit, alice, django_assert_num_queries
):
    """A version kept from before the assignment changed is named as kept; an old assessment storing no project
    version names the assigned one; without any assignment the layout's default is named."""
    assessment = assessment_create(unit=unit, year=2024, user=alice)
    default = [
        f"本地区 2024 年度部门整体支出自评适用《{version('mof-2020-selfeval').name}》第 1 版（未分配指标体系，按本地区报告格式的默认）",
        f"本地区 2024 年度项目支出自评适用《{version('mof-2020-selfeval').name}》第 1 版（未分配指标体系，按本地区报告格式的默认）",
    ]
    assert _loaded(alice, assessment, django_assert_num_queries) == default == _looked_up(assessment)
    FrameworkAssignment.objects.create(
        region=unit.region, year=2024, form=Form.OVERALL, framework_version=version("hunan-overall")
    )
    FrameworkAssignment.objects.create(
        region=unit.region.parent,
        year=2024,
        form=Form.PROJECT,
        framework_version=version("mof-2021-core"),
        note="省文件",
    )
    Assessment.objects.filter(pk=assessment.pk).update(project_framework_version=None)
    expected = [
        f"本地区 2024 年度部门整体支出自评适用《{version('mof-2020-selfeval').name}》第 1 版（本自评保留创建或提交时的版本）",
        f"本地区 2024 年度项目支出自评适用《{version('mof-2021-core').name}》第 1 版（由 湖南省 指定，依据：省文件）",
    ]
    assert _loaded(alice, assessment, django_assert_num_queries) == expected == _looked_up(assessment)


def test_a_region_chain_longer_than_the_annotations_reach_is_looked_up(frameworks, county, django_user_model, root):
    """A fourth level (none today) is beyond the annotations: the assignment of its top region is still found."""
    from assessments.access import get_assessment_for_user

    street = Region.objects.create(code="430203001", name="某街道", level=Region.Level.COUNTY, parent=county)
    province = county.parent.parent
    assignment_save(region=province, year=2024, form=Form.PROJECT, version=version("mof-2021-core"))
    assessment = assessment_create(
        unit=Unit.objects.create(code="U-010", name="街道单位", region=street), year=2024, user=root
    )
    found, _ = get_assessment_for_user(root, assessment.pk)
    lines = frameworks_explanations(found)
    assert lines[1] == f"本地区 2024 年度项目支出自评适用《{version('mof-2021-core').name}》第 1 版（由 湖南省 指定）"
    assert lines == _looked_up(assessment)
