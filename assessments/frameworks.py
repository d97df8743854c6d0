"""Which framework version an assessment is scored with, and why: the assignment of its region and year (and form),
else the nearest region above with one, else the default of the region's report layout.

An assignment can change only while no assessment it governs has ever been submitted; drafts it governs follow a
change (their fixed indicator rows are brought in line), and a submitted or finalised assessment keeps the version it
stored, so a finalised score never changes."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import JSONObject

from assessments.layouts import LAYOUTS
from assessments.models import Assessment, AuditEvent, FrameworkAssignment, IndicatorRow
from scoring.models import FrameworkVersion
from units.models import Region

Form = FrameworkAssignment.Form

SWITCH_REFUSED = (
    "{region} {year} 年度已有单位提交过{form}绩效自评（如 {unit}），该年度的指标体系不能再更改；"
    "已提交和已定稿的自评始终按原指标体系评分。"
)
YEAR_OUTSIDE = "《{version}》适用于{years}，不适用于 {year} 年度。"
NO_DEFAULT = "没有可用的指标体系“{code}”：请管理员先载入指标体系（manage.py load_frameworks）。"


@dataclass(frozen=True)
class Resolution:
    version: FrameworkVersion | None
    form: str
    year: int
    assignment: FrameworkAssignment | None  # None: the layout's default
    default_code: str = ""

    @property
    def explanation(self) -> str:
        """What the preparer reads: which rules apply to this year's form, and who chose them."""
        form = Form(self.form).label
        name = f"《{self.version.name}》第 {self.version.version} 版" if self.version else f"“{self.default_code}”"
        if self.assignment is not None:
            who = f"由 {self.assignment.region.full_name} 指定"
            if self.assignment.note:
                who += f"，依据：{self.assignment.note}"
        else:
            who = "未分配指标体系，按本地区报告格式的默认"
        return f"本地区 {self.year} 年度{form}自评适用{name}（{who}）"


def region_chain(region: Region) -> list[Region]:
    """The region and the regions above it, nearest first."""
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain


def default_code(region: Region, form: str) -> str:
    layout = LAYOUTS[region.report_layout]
    return layout.framework_code if form == Form.OVERALL else layout.project_framework_code


def latest_version(code: str) -> FrameworkVersion | None:
    return (
        FrameworkVersion.objects.filter(framework__code=code).select_related("framework").order_by("-version").first()
    )


def resolve(region: Region, year: int, form: str) -> Resolution:
    """The version a new assessment of a unit in ``region`` takes for ``year`` and ``form``, and why."""
    chain = region_chain(region)
    assignments = {
        a.region_id: a
        for a in FrameworkAssignment.objects.filter(region__in=chain, year=year, form=form).select_related(
            "framework_version__framework", "region__parent__parent"
        )
    }
    for place in chain:
        if place.pk in assignments:
            assignment = assignments[place.pk]
            return Resolution(assignment.framework_version, form, year, assignment)
    code = default_code(region, form)
    return Resolution(latest_version(code), form, year, None, code)


def version_for(region: Region, year: int, form: str) -> FrameworkVersion:
    """The version to store on a new assessment; refused in Chinese when none is loaded."""
    resolution = resolve(region, year, form)
    if resolution.version is None:
        raise ValidationError(NO_DEFAULT.format(code=resolution.default_code))
    return resolution.version


def assessment_resolution(assessment: Assessment, form: str) -> Resolution:
    """Why the assessment has the version it stores (or, for an old one storing none, would take)."""
    resolution = resolve(assessment.unit.region, assessment.year, form)
    stored = assessment.framework_version if form == Form.OVERALL else assessment.project_framework_version
    if stored is not None and (resolution.version is None or stored.pk != resolution.version.pk):
        # Kept from before the assignment changed (submitted, or created before assignments existed).
        return Resolution(stored, form, assessment.year, None, stored.framework.code)
    return resolution


# The annotations `nearest_assignments` adds, by form.
NEAREST = {Form.OVERALL: "nearest_overall_assignment", Form.PROJECT: "nearest_project_assignment"}
# How far up the annotations look: 区县 → 市 → 省, as `access.get_assessment_for_user` loads the region chain.
ANNOTATED_CHAIN = ("unit__region", "unit__region__parent", "unit__region__parent__parent")


def nearest_assignments() -> dict[str, Subquery]:
    """Annotations of an assessment queryset: for each form, the assignment of the assessment's year nearest its unit's
    region (the region, its parent, its grandparent), as the few values `explanations` shows, or None. They let the
    query that loads the assessment bring its “适用《…》（由 … 指定）” line."""
    # Within one chain a nearer region has more regions above it. (SQLite cannot order a subquery by the outer
    # query's columns, so the chain's order is not compared with the outer row.)
    depth = Case(
        When(region__parent__isnull=True, then=Value(0)),
        When(region__parent__parent__isnull=True, then=Value(1)),
        default=Value(2),
    )
    in_chain = Q()
    for level in ANNOTATED_CHAIN:
        in_chain |= Q(region=OuterRef(level))
    return {
        name: Subquery(
            FrameworkAssignment.objects.filter(in_chain, year=OuterRef("year"), form=form)
            .order_by(depth.desc())
            .values(
                found=JSONObject(
                    region_id=F("region_id"),
                    framework_version_id=F("framework_version_id"),
                    note=F("note"),
                    version_name=F("framework_version__name"),
                    version=F("framework_version__version"),
                )
            )[:1]
        )
        for form, name in NEAREST.items()
    }


def _annotated_nearest(assessment: Assessment, chain: list[Region]) -> dict[str, FrameworkAssignment] | None:
    """The nearest assignments `nearest_assignments` loaded with the assessment, or None when it did not (or when the
    region chain is longer than the annotations look)."""
    if len(chain) > len(ANNOTATED_CHAIN) or not all(hasattr(assessment, name) for name in NEAREST.values()):
        return None
    nearest = {}
    for form, name in NEAREST.items():
        found = getattr(assessment, name)
        if found is not None:
            version = FrameworkVersion(
                pk=found["framework_version_id"], name=found["version_name"], version=found["version"]
            )
            nearest[form] = FrameworkAssignment(
                region_id=found["region_id"],
                year=assessment.year,
                form=form,
                framework_version=version,
                note=found["note"],
            )
    return nearest


def explanations(assessment: Assessment) -> list[str]:
    """Which rules the assessment's two forms are scored by and why, for its pages: no query when the assessment was
    loaded with `nearest_assignments` (as `access.get_assessment_for_user` does), else one (the assignments of its
    region chain and year); the stored versions are loaded with the assessment."""
    chain = region_chain(assessment.unit.region)
    nearest = _annotated_nearest(assessment, chain)
    if nearest is None:
        order = {region.pk: index for index, region in enumerate(chain)}
        nearest = {}
        found = FrameworkAssignment.objects.filter(region__in=chain, year=assessment.year).select_related(
            "framework_version"
        )
        for assignment in sorted(found, key=lambda a: order[a.region_id]):
            nearest.setdefault(assignment.form, assignment)
    lines = []
    for form, stored in (
        (Form.OVERALL, assessment.framework_version),
        (Form.PROJECT, assessment.project_framework_version),
    ):
        assignment = nearest.get(form)
        if stored is None:
            if assignment is None:
                continue
            stored = assignment.framework_version
        for place in chain:  # the assignment's region is one of the chain: its full name without more queries
            if assignment is not None and place.pk == assignment.region_id:
                assignment.region = place
        if assignment is not None and assignment.framework_version_id != stored.pk:
            line = Resolution(stored, form, assessment.year, None, "").explanation
            line = line.replace("未分配指标体系，按本地区报告格式的默认", "本自评保留创建或提交时的版本")
        else:
            line = Resolution(stored, form, assessment.year, assignment, "").explanation
        lines.append(line)
    return lines


# --- changing an assignment -----------------------------------------------------------------------------------------


def subtree(region: Region) -> list[Region]:
    """The region and every region below it (省 → 市 → 区县: three levels at most, so a few queries)."""
    found, level = [region], [region]
    while level:
        level = list(Region.objects.filter(parent__in=level))
        found += level
    return found


def governed_regions(region: Region, year: int, form: str) -> list[Region]:
    """The regions whose units take ``region``'s assignment: its subtree less the parts with their own."""
    own = set(
        FrameworkAssignment.objects.filter(region__in=subtree(region), year=year, form=form)
        .exclude(region=region)
        .values_list("region_id", flat=True)
    )
    result, level = [region], [region]
    while level:
        level = [r for r in Region.objects.filter(parent__in=level) if r.pk not in own]
        result += level
    return result


def check_switch_allowed(region: Region, year: int, form: str) -> None:
    """Refuse a change once any assessment the assignment governs has been submitted (even if returned since)."""
    submitted = (
        AuditEvent.objects.filter(
            action="submit",
            assessment__year=year,
            assessment__unit__region__in=governed_regions(region, year, form),
        )
        .select_related("assessment__unit")
        .first()
    )
    if submitted is not None:
        raise ValidationError(
            SWITCH_REFUSED.format(
                region=region.full_name, year=year, form=Form(form).label, unit=submitted.assessment.unit.name
            ),
            code="submitted",
        )


def check_year(version: FrameworkVersion, year: int) -> None:
    if year < version.year_from or (version.year_to is not None and year > version.year_to):
        raise ValidationError(
            YEAR_OUTSIDE.format(version=version.name, years=version.years_label, year=year), code="year"
        )


@transaction.atomic
def assignment_save(
    *, region: Region, year: int, form: str, version: FrameworkVersion, user=None, note: str = ""
) -> FrameworkAssignment:
    """Assign ``version`` to the region-year's form (creating or changing the assignment), or refuse in Chinese."""
    check_year(version, year)
    check_switch_allowed(region, year, form)
    assignment, _ = FrameworkAssignment.objects.update_or_create(
        region=region, year=year, form=form, defaults={"framework_version": version, "note": note, "updated_by": user}
    )
    follow_assignment(region, year, form)
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: FrameworkAssignment) -> None:
    """Back to the assignment above (or the default), refused like a change once the region-year has submissions."""
    check_switch_allowed(assignment.region, assignment.year, assignment.form)
    region, year, form = assignment.region, assignment.year, assignment.form
    assignment.delete()
    follow_assignment(region, year, form)


@transaction.atomic
def follow_assignment(region: Region, year: int, form: str) -> int:
    """Bring the drafts the region's assignment governs in line with it; how many changed. Only drafts never
    submitted can be here (check_switch_allowed ran first)."""
    changed = 0
    drafts = Assessment.objects.filter(
        year=year, status=Assessment.Status.DRAFT, unit__region__in=governed_regions(region, year, form)
    ).select_related("unit__region")
    for assessment in drafts:
        version = resolve(assessment.unit.region, year, form).version
        if version is None:
            continue
        if form == Form.PROJECT:
            if assessment.project_framework_version_id != version.pk:
                Assessment.objects.filter(pk=assessment.pk).update(project_framework_version=version)
                changed += 1
            continue
        if assessment.framework_version_id == version.pk:
            continue
        Assessment.objects.filter(pk=assessment.pk).update(framework_version=version)
        sync_fixed_rows(assessment, version)
        changed += 1
    return changed


def sync_fixed_rows(assessment: Assessment, version: FrameworkVersion) -> None:
    """The framework's own indicators as rows: new ones added, ones the version does not have removed (a draft's
    answers to an indicator the region no longer uses cannot be scored); unit-written rows stay where the version
    has their group."""
    indicators = list(version.indicators.order_by("position"))
    parents = {indicator.parent_id for indicator in indicators}
    codes = [i.code for i in indicators if not i.unit_rows and i.pk not in parents]
    groups = [i.code for i in indicators if i.unit_rows]
    rows = IndicatorRow.objects.filter(assessment=assessment, project=None)
    rows.exclude(group_code="").exclude(group_code__in=groups).delete()
    fixed = rows.filter(group_code="")
    fixed.exclude(code__in=codes).delete()
    present = set(fixed.values_list("code", flat=True))
    IndicatorRow.objects.bulk_create(
        IndicatorRow(assessment=assessment, position=position, code=code)
        for position, code in enumerate(codes, 1)
        if code not in present
    )
