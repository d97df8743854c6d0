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
