"""Reads that gather an assessment's data for a screen in a fixed number of queries."""

from dataclasses import dataclass, field

from assessments.facts import FactSheet
from assessments.models import Assessment, Facts, IndicatorRow, Institution, Project, Snapshot, SpecialFund
from assessments.scores import ScoredAssessment, score_assessment
from units.models import Staffing


@dataclass
class AssessmentData:
    assessment: Assessment
    facts: Facts
    staffing: Staffing | None
    institutions: list[Institution]
    special_funds: list[SpecialFund]
    rows: list[IndicatorRow]
    projects: list[Project]
    _fact_sheet: FactSheet | None = field(default=None, repr=False)

    @property
    def assessment_rows(self) -> list[IndicatorRow]:
        return [row for row in self.rows if row.project_id is None]

    def fact_sheet(self) -> FactSheet:
        if self._fact_sheet is None:
            self._fact_sheet = FactSheet(
                self.facts, institutions=self.institutions, special_funds=self.special_funds, staffing=self.staffing
            )
        return self._fact_sheet

    def scored(self) -> ScoredAssessment:
        return score_assessment(self.assessment, fact_sheet=self.fact_sheet(), rows=self.assessment_rows)


def assessment_data(assessment: Assessment) -> AssessmentData:
    facts, _ = Facts.objects.get_or_create(assessment=assessment)
    data = AssessmentData(
        assessment=assessment,
        facts=facts,
        staffing=Staffing.objects.filter(unit=assessment.unit_id, year=assessment.year).first(),
        institutions=list(Institution.objects.filter(assessment=assessment)),
        special_funds=list(SpecialFund.objects.filter(assessment=assessment)),
        rows=list(IndicatorRow.objects.filter(assessment=assessment)),
        projects=list(Project.objects.filter(assessment=assessment)),
    )
    if assessment.status == Assessment.Status.FINAL:
        _as_frozen(data)
    return data


def unsaved_instance(model, values: dict, **extra):
    """An unsaved model instance from a snapshot's plain values (Decimal strings back to Decimal)."""
    kwargs = {}
    for model_field in model._meta.concrete_fields:
        if model_field.name in values:
            kwargs[model_field.attname] = model_field.to_python(values[model_field.name])
    return model(**kwargs, **extra)


# The unit's own fields that the frozen document keeps (they are edited from any year's assessment).
FROZEN_UNIT_FIELDS = ("contact_person", "contact_phone", "functions", "internal_structure")


def _as_frozen(data: AssessmentData) -> None:
    """A final assessment is shown as it was frozen. Its own rows cannot change any more (the models and the
    database refuse it), but the unit's staffing and its contact details belong to the unit and stay editable: the
    screens take them from the snapshot, so every tab shows the totals the signed report prints."""
    snapshot = Snapshot.objects.latest_for(data.assessment)
    if snapshot is None:
        return
    document = snapshot.verified_data()["assessment"]
    frozen_staffing = document.get("staffing") or {}
    data.staffing = (
        unsaved_instance(Staffing, frozen_staffing, unit_id=data.assessment.unit_id, year=data.assessment.year)
        if frozen_staffing
        else None
    )
    unit = data.assessment.unit
    for name in FROZEN_UNIT_FIELDS:
        if name in document.get("unit", {}):
            setattr(unit, name, document["unit"][name])
