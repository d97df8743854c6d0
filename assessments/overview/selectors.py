"""Reads that shape unit queries for screens."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from assessments.models import Assessment
from units.access import visible_units
from units.models import WRITE_ROLES, Membership, Role, Staffing, Unit


def current_assessment_year() -> int:
    """Units assess a fiscal year after it closes, so the year under assessment is last year."""
    return timezone.localdate().year - 1


@dataclass
class UnitYear:
    year: int
    staffing: Staffing | None
    assessment: Assessment | None

    @property
    def status_label(self) -> str:
        return self.assessment.status_label if self.assessment else "未创建"


@dataclass
class UnitOverview:
    unit: Unit
    role_labels: list[str]
    years: list[UnitYear] = field(default_factory=list)
    writable: bool = False  # may create the unit's next year


def visible_unit_list(user, query: str = "") -> QuerySet[Unit]:
    """The units the user can see, in the order of the list, optionally those whose name or code contains `query`."""
    units = visible_units(user).select_related("parent", "region__parent__parent").order_by("region__code", "code")
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return units


def unit_overviews(user, units) -> list[UnitOverview]:
    """Each of the given units (one page of the list) with the user's roles there and one row per year (newest
    first); a fixed number of queries however many units the user can see."""
    units = list(units)
    prefetch_related_objects(
        units,
        Prefetch("staffing", queryset=Staffing.objects.order_by("-year")),
        Prefetch("assessments", queryset=Assessment.objects.filter(kind=Assessment.Kind.OVERALL)),
    )
    roles_by_unit: dict[int, set[str]] = {}
    for unit_id, role in Membership.objects.filter(user=user).order_by().values_list("unit_id", "role"):
        roles_by_unit.setdefault(unit_id, set()).add(role)

    this_year = current_assessment_year()
    overviews = []
    for unit in units:
        reach = [unit.pk, unit.parent_id, unit.parent.parent_id if unit.parent else None]
        roles = set().union(*(roles_by_unit.get(pk, set()) for pk in reach if pk))
        labels = [label for value, label in Role.choices if value in roles]
        if user.is_superuser and not labels:
            labels = ["系统管理员"]
        staffing = {s.year: s for s in unit.staffing.all()}
        assessments = {a.year: a for a in unit.assessments.all()}
        years = sorted(set(staffing) | set(assessments) | {this_year}, reverse=True)
        overview = UnitOverview(unit=unit, role_labels=labels, writable=user.is_superuser or bool(roles & WRITE_ROLES))
        overview.years = [UnitYear(y, staffing.get(y), assessments.get(y)) for y in years]
        overviews.append(overview)
    return overviews
