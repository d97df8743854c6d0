"""Scoring an assessment: stored rows and facts → engine input → score sheet and consistency findings.
The one place where assessments meet the engine (errors come out as ValidationErrors through scoring.adapters)."""

from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from assessments.facts import FactSheet, total
from assessments.frameworks import Form, resolve
from assessments.models import Assessment, IndicatorRow, Project
from scoring.adapters import engine_errors_as_validation, framework_spec
from scoring.engine import Finding, FrameworkSpec, IndicatorEntry, ScoreSheet, metadata, run_checks, score
from scoring.models import FrameworkVersion

# The key under which IndicatorRow.answers keeps the answer of a single yes/no or single-choice indicator.
TOP_ANSWER = "answer"


@dataclass
class ScoredAssessment:
    fact_sheet: FactSheet
    sheet: ScoreSheet
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "error"]


@dataclass
class ScoredProject:
    project: Project
    facts: dict[str, Decimal]
    sheet: ScoreSheet
    findings: list[Finding]


def entry_key(row: IndicatorRow) -> str:
    """The code a row's score line carries: the framework indicator's code, or for a unit-written row a key the
    screen can find it by (a row typed but not saved yet carries its form prefix)."""
    if not row.group_code:
        return row.code
    return getattr(row, "form_key", None) or f"row-{row.pk}"


def row_entry(row: IndicatorRow) -> IndicatorEntry:
    """A stored indicator row as the engine's entry: a framework indicator by code, or a unit-written row."""
    return IndicatorEntry(
        code=entry_key(row),
        parent=row.group_code or None,
        name=row.name or None,
        weight=row.weight,
        kind=row.kind or None,
        target_value=row.target_value or None,
        actual_value=row.actual_value or None,
        target=row.target_number,
        comparator=row.target_comparator or None,
        actual=row.actual_number,
        outcome=row.outcome or None,
        score=row.score,
        # A hand score's own reason first: the 偏差原因 column explains a shortfall, not why the data is missing.
        reason=(row.score_reason if row.manual and row.score_reason.strip() else None)
        or row.deviation_reason
        or row.score_reason
        or None,
        manual=row.manual,
        answer=row.failed_items if row.failed_items is not None else (row.answers or {}).get(TOP_ANSWER),
        answers={key: value for key, value in (row.answers or {}).items() if key != TOP_ANSWER},
        target_basis=row.target_basis or None,
        actual_method=row.actual_method or None,
        data_source=row.data_source or None,
        evidence=tuple(row.evidence_types or ()),
        survey_responses=Decimal(row.survey_responses) if row.survey_responses is not None else None,
        survey_satisfied=Decimal(row.survey_satisfied) if row.survey_satisfied is not None else None,
    )


def metadata_text(row: IndicatorRow) -> str:
    """The row's 101号 metadata as one line for reports and workbooks: “指标值设定依据：计划标准；数据来源：…”."""
    shown = metadata.describe(row_entry(row))
    return "；".join(f"{metadata.VOCABULARIES[name].label}：{text}" for name, text in shown.items())


def score_assessment(assessment: Assessment, *, fact_sheet: FactSheet, rows: list[IndicatorRow]) -> ScoredAssessment:
    spec = framework_spec(assessment.framework_version)
    facts = fact_sheet.engine_facts()
    entries = [row_entry(row) for row in rows if row.project_id is None]
    sheet, findings = _scored(_Inputs(spec, facts, entries, fact_sheet.engine_institutions()))
    return ScoredAssessment(fact_sheet, sheet, list(findings))


class _Inputs:
    """What a score sheet and its findings are computed from, as a cache key: the framework's spec (the object
    itself: one per stored version and process) and the engine's inputs, written out. Written out by ``repr``, two
    inputs are equal only if every fact, row field and answer is: ``Decimal('1.5')`` and ``Decimal('1.50')`` differ
    (an explanation prints the figure as typed), and so do answers given in another order (a miss, never a wrong
    hit)."""

    __slots__ = ("entries", "facts", "institutions", "key", "spec")

    def __init__(self, spec: FrameworkSpec, facts, entries: list[IndicatorEntry], institutions=()):
        self.spec, self.facts, self.entries, self.institutions = spec, facts, entries, institutions
        self.key = repr((sorted(facts.items()), entries, institutions))

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Inputs) and other.spec is self.spec and other.key == self.key


# A score sheet is a function of its framework and inputs only (the engine reads no clock, no database): each process
# keeps the sheets it computed last, so the tabs, the score panel and the next request on an unchanged assessment
# reuse them rather than score the assessment and each project table again on every page (issue #18). A refused
# input (a ValidationError) is not kept. Callers get the findings as a new list; the sheet is shared and read only.
@lru_cache(maxsize=256)
def _scored(inputs: _Inputs) -> tuple[ScoreSheet, tuple[Finding, ...]]:
    spec, facts, entries = inputs.spec, inputs.facts, inputs.entries
    with engine_errors_as_validation():
        sheet = score(spec, facts, entries)
        findings = run_checks(facts, entries=entries, institutions=inputs.institutions, sheet=sheet)
        # a framework may require the 101号 row metadata: a row without it is a finding, not a scoring error
        findings += metadata.findings(spec.layout.required_metadata, entries)
    return sheet, tuple(findings)


def project_facts(project: Project) -> dict[str, Decimal]:
    """A project table's funds block: the 年度资金总额 row is the sum of its three source rows."""
    values = {
        "budget_initial": total(getattr(project, f"{s}_budget_initial") for s in ("fiscal", "carryover", "other")),
        "budget_full_year": total(getattr(project, f"{s}_budget_full_year") for s in ("fiscal", "carryover", "other")),
        "spending_actual": total(getattr(project, f"{s}_spending_actual") for s in ("fiscal", "carryover", "other")),
    }
    return {name: value for name, value in values.items() if value is not None}


# The framework indicator whose 101号 rule reads whether the project is finished.
EXECUTION_CODE = "budget_execution"


# The row is kept after the unit-written rows (the largest position a row may have), so that a comparison of the
# project's rows in their order (the diff shown on resubmission) shows it added rather than every row changed.
EXECUTION_POSITION = 32767


def is_execution_row(row: IndicatorRow) -> bool:
    """A project's row for its 预算执行率 (not one the unit wrote under a level-2 group)."""
    return not row.group_code and row.code == EXECUTION_CODE


def execution_row(project: Project, rows: list[IndicatorRow]) -> IndicatorRow:
    """The row holding the project's 预算执行率 choice 数据无法取得，人工评分 with its score and reason. The indicator is
    computed from the funds block and needs no row until the unit makes that choice: a new, unsaved row until then."""
    found = next((row for row in rows if is_execution_row(row)), None)
    if found is not None:
        return found
    return IndicatorRow(
        assessment_id=project.assessment_id, project=project, code=EXECUTION_CODE, position=EXECUTION_POSITION
    )


def project_entries(project: Project, *, spec, rows: list[IndicatorRow]) -> list[IndicatorEntry]:
    """A project table's rows as entries, with 项目是否完成 on its 预算执行率 (its row when scored by hand, or added)."""
    entries = [row_entry(row) for row in rows]
    if project.completed is None or EXECUTION_CODE not in spec.by_code:
        return entries
    for index, entry in enumerate(entries):
        if entry.parent is None and entry.code == EXECUTION_CODE:
            entries[index] = replace(entry, project_completed=project.completed)
            return entries
    return [IndicatorEntry(code=EXECUTION_CODE, project_completed=project.completed), *entries]


def score_project(project: Project, *, spec, rows: list[IndicatorRow]) -> ScoredProject:
    facts = project_facts(project)
    entries = project_entries(project, spec=spec, rows=rows)
    sheet, findings = _scored(_Inputs(spec, facts, entries))
    return ScoredProject(project, facts, sheet, list(findings))


def project_framework_version(assessment: Assessment) -> FrameworkVersion | None:
    """The version the assessment's project tables are scored with: the one it stored when it was created (or when
    its region's assignment changed while it was a draft); for an assessment from before it stored one, the version
    its region and year are assigned now."""
    if assessment.project_framework_version_id is not None:
        return assessment.project_framework_version
    return resolve(assessment.unit.region, assessment.year, Form.PROJECT).version
