"""The one way views load an assessment: 404 for a stranger to its unit, 403 when a read-only member writes; and the
administrators' pages (年度导出, 管理看板) refuse everyone else."""

from django.core.exceptions import PermissionDenied
from django.db.models import F, FilteredRelation, Q
from django.shortcuts import get_object_or_404

from assessments.frameworks import nearest_assignments
from assessments.models import Assessment
from units.access import is_administrator, may_write, visible_units

ADMIN_ONLY = "年度导出和管理看板只对管理员开放。"


def get_assessment_for_user(user, assessment_id, queryset=Assessment.objects) -> tuple[Assessment, bool]:
    """One query: the assessment with what every one of its pages reads (the unit and its region chain, the framework
    versions and the region-year's nearest assignments, the facts and the unit's staffing of the year —
    `assessments.selectors.assessment_data` takes them from here) and whether the user may write. `queryset`: a page
    reading more in the same query (e.g. `last_year.with_year_before`) passes it."""
    assessment = get_object_or_404(
        queryset.annotate(
            year_staffing=FilteredRelation("unit__staffing", condition=Q(unit__staffing__year=F("year"))),
            user_may_write=may_write(user, via="unit__"),
            **nearest_assignments(),
        ).select_related(
            "unit__region__parent__parent",
            "unit__parent",
            "framework_version__framework",
            "project_framework_version__framework",
            "updated_by",
            "facts",
            "year_staffing",
        ),
        pk=assessment_id,
        unit__in=visible_units(user),
    )
    if not hasattr(assessment, "year_staffing"):  # no staffing that year: the join leaves the attribute unset
        assessment.year_staffing = None
    return assessment, assessment.user_may_write


def get_rw_assessment_for_user(user, assessment_id) -> Assessment:
    assessment, writable = get_assessment_for_user(user, assessment_id)
    if not writable:
        raise PermissionDenied("您对这份自评只有查看权限。")
    return assessment


def require_administrator(user) -> None:
    if not is_administrator(user):
        raise PermissionDenied(ADMIN_ONLY)
