"""The one way views load an assessment: 404 for a stranger to its unit, 403 when a read-only member writes; and the
administrators' pages (年度导出, 管理看板) refuse everyone else."""

from collections.abc import Callable
from functools import lru_cache

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.http import Http404

from assessments.frameworks import nearest_assignments
from assessments.models import Assessment
from perfeval.compiled import CompiledQuery
from units.access import is_administrator, may_write, visible_units

ADMIN_ONLY = "年度导出和管理看板只对管理员开放。"
Reads = tuple[Callable[[QuerySet], QuerySet], ...]


def get_assessment_for_user(user, assessment_id, reads: Reads = ()) -> tuple[Assessment, bool]:
    """One query: the assessment with what every one of its pages reads (the unit and its region chain, the framework
    versions and the region-year's nearest assignments, the facts and the unit's staffing of the year —
    `assessments.selectors.assessment_data` takes them from here) and whether the user may write. `reads`: functions
    that make an assessment queryset read more in the same query (e.g. `selectors.with_texts`,
    `last_year.with_year_before`), given as the same objects on every request — the query of each `reads` is built
    and compiled once per process for superusers and once for everyone else (`perfeval.compiled`)."""
    try:
        assessment_id = int(assessment_id)
    except (TypeError, ValueError):
        raise Http404 from None
    low, high = connections[Assessment.objects.db].ops.integer_field_range(Assessment._meta.pk.get_internal_type())
    if (low is not None and assessment_id < low) or (high is not None and assessment_id > high):
        raise Http404  # no row has such an id; as a parameter the database would refuse it
    loader = _loader(tuple(reads), user.is_superuser)
    if loader.usable:
        found = loader.load(user=user.pk, assessment=assessment_id)
    else:
        found = list(_loading(reads, user, assessment_id))
    if not found:
        raise Http404
    assessment = found[0]
    if not hasattr(assessment, "year_staffing"):  # no staffing that year: the join leaves the attribute unset
        assessment.year_staffing = None
    return assessment, assessment.user_may_write


@lru_cache(maxsize=64)  # a handful of shapes; bounded should a caller make new `reads` objects per request
def _loader(reads: Reads, superuser: bool) -> CompiledQuery:
    """The compiled query of these `reads` for a superuser or for anyone else: the two differ in shape (a superuser
    sees every unit and may write everywhere, without a membership to look up)."""

    def build(user: int, assessment: int):
        return _loading(reads, User(pk=user, is_superuser=superuser), assessment)

    return CompiledQuery(build, ("user", "assessment"))


def _loading(reads: Reads, user, assessment_id: int) -> QuerySet[Assessment]:
    queryset = Assessment.objects.all()
    for read in reads:
        queryset = read(queryset)
    return (
        queryset.annotate(
            year_staffing=FilteredRelation("unit__staffing", condition=Q(unit__staffing__year=F("year"))),
            user_may_write=may_write(user, via="unit__"),
            **nearest_assignments(),
        )
        .select_related(
            "unit__region__parent__parent",
            "unit__parent",
            "framework_version__framework",
            "project_framework_version__framework",
            "updated_by",
            "facts",
            "year_staffing",
        )
        .filter(pk=assessment_id, unit__in=visible_units(user))
        .order_by()[:2]  # as QuerySet.get: unordered, and a second row would be an error
    )


def get_rw_assessment_for_user(user, assessment_id) -> Assessment:
    assessment, writable = get_assessment_for_user(user, assessment_id)
    if not writable:
        raise PermissionDenied("您对这份自评只有查看权限。")
    return assessment


def require_administrator(user) -> None:
    if not is_administrator(user):
        raise PermissionDenied(ADMIN_ONLY)
