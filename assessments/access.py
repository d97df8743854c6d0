"""The one way views load an assessment: 404 for a stranger to its unit, 403 when a read-only member writes; and the
administrators' pages (年度导出, 管理看板) refuse everyone else."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from assessments.models import Assessment
from units.access import can_write, is_administrator, visible_units

ADMIN_ONLY = "年度导出和管理看板只对管理员开放。"


def get_assessment_for_user(user, assessment_id) -> tuple[Assessment, bool]:
    assessment = get_object_or_404(
        Assessment.objects.select_related(
            "unit__region__parent__parent",
            "unit__parent",
            "framework_version__framework",
            "project_framework_version__framework",
            "updated_by",
        ),
        pk=assessment_id,
        unit__in=visible_units(user),
    )
    return assessment, can_write(user, assessment.unit)


def get_rw_assessment_for_user(user, assessment_id) -> Assessment:
    assessment, writable = get_assessment_for_user(user, assessment_id)
    if not writable:
        raise PermissionDenied("您对这份自评只有查看权限。")
    return assessment


def require_administrator(user) -> None:
    if not is_administrator(user):
        raise PermissionDenied(ADMIN_ONLY)
