"""Reads that gather an assessment's data for a screen in a fixed number of queries."""

from dataclasses import dataclass, field

from assessments.facts import FactSheet
from assessments.models import Assessment, Facts, IndicatorRow, Institution, Project, SpecialFund
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
    return AssessmentData(
        assessment=assessment,
        facts=facts,
        staffing=Staffing.objects.filter(unit=assessment.unit_id, year=assessment.year).first(),
        institutions=list(Institution.objects.filter(assessment=assessment)),
        special_funds=list(SpecialFund.objects.filter(assessment=assessment)),
        rows=list(IndicatorRow.objects.filter(assessment=assessment)),
        projects=list(Project.objects.filter(assessment=assessment)),
    )


def assessment_data_many(assessments: list[Assessment]) -> list[AssessmentData]:
    """The data of many assessments in six queries whatever their number (a region-year what-if reads thousands)."""
    ids = [assessment.pk for assessment in assessments]
    facts = {f.assessment_id: f for f in Facts.objects.filter(assessment_id__in=ids)}
    staffing = {
        (s.unit_id, s.year): s
        for s in Staffing.objects.filter(
            unit_id__in={a.unit_id for a in assessments}, year__in={a.year for a in assessments}
        )
    }

    def grouped(queryset) -> dict[int, list]:
        found: dict[int, list] = {}
        for item in queryset:
            found.setdefault(item.assessment_id, []).append(item)
        return found

    institutions = grouped(Institution.objects.filter(assessment_id__in=ids))
    funds = grouped(SpecialFund.objects.filter(assessment_id__in=ids))
    rows = grouped(IndicatorRow.objects.filter(assessment_id__in=ids))
    projects = grouped(Project.objects.filter(assessment_id__in=ids))
    return [
        AssessmentData(
            assessment=a,
            facts=facts.get(a.pk) or Facts(assessment=a),
            staffing=staffing.get((a.unit_id, a.year)),
            institutions=institutions.get(a.pk, []),
            special_funds=funds.get(a.pk, []),
            rows=rows.get(a.pk, []),
            projects=projects.get(a.pk, []),
        )
        for a in assessments
    ]
