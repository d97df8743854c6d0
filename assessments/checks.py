"""The consistency checks as the unit answers them, counted the same way everywhere they are shown (the score panel,
得分与检查, the project pages and the submit checklist): the 自评表's findings together with those of the narrative,
and each project table's (附件1-3) own findings, each 提示 with its stored explanation and the place it is fixed."""

from dataclasses import dataclass, field, replace
from functools import cached_property

from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import tables
from assessments.explanations import Hint, hints_of, stored_explanations
from assessments.models import Assessment
from assessments.narrative import with_narrative_findings
from assessments.scores import ScoredProject, entry_key, project_framework_version, score_project
from scoring.adapters import framework_spec
from scoring.engine.rules import describe_entry_field

NO_REASON = "未得满分，需填写偏差原因分析及改进措施"


# The field of an indicator row a finding about that row asks for; the 偏差原因 otherwise.
ROW_FINDING_FIELDS = {
    "satisfaction_without_survey": "survey_responses",
    "stated_score_mismatch": "score",
    "score_exceeds_weight": "score",
}
YEAR_COLUMNS = ("_prior", "_budget", "_actual")
HAND_SCORE_REASON = describe_entry_field("reason")  # what a hand score lacks until its reason is typed


def row_prefixes(rows) -> dict[str, str]:
    """Where each indicator row of the 自评表 stands on the page: its score line's code → its form's prefix (the
    formset lists the assessment's own rows in their stored order)."""
    return {entry_key(row): f"row-{index}" for index, row in enumerate(rows)}


def finding_link(assessment: Assessment, finding, rows: dict[str, str] | None = None) -> str:
    """Where the user fixes a finding: the tab holding its first field, at that field (the page scrolls to it and
    highlights it). `rows`: row_prefixes of the 自评表, to reach a finding about one indicator row."""
    slug, anchor = finding_place(finding, rows)
    return _tab_url(assessment, slug) + (f"#{anchor}" if anchor else "")


def _tab_url(assessment: Assessment, slug: str) -> str:
    """A tab's address, reversed once per loaded assessment: a page links dozens of findings to a handful of tabs."""
    urls = vars(assessment).setdefault("_tab_urls", {})
    if slug not in urls:
        urls[slug] = reverse("assessments:tab", args=[assessment.pk, slug])
    return urls[slug]


def finding_place(finding, rows: dict[str, str] | None = None) -> tuple[str, str]:
    """The tab (its slug) and the id of the input where a finding is fixed or explained ("" when no one input)."""
    finance = {row.name for row in tables.FINANCE_ROWS if not row.computed}
    # A year-over-year swing is explained or corrected at this year's figure, named after last year's.
    names = reversed(finding.fields) if finding.code == "year_swing" else finding.fields
    for name in names:
        if name.startswith("narrative:"):
            return "narrative", f"id_{name.removeprefix('narrative:')}"
        if rows and name in rows:
            return "self-eval", f"id_{rows[name]}-{ROW_FINDING_FIELDS.get(finding.code, 'deviation_reason')}"
        if name in tables.BASIC_DATA_FIELDS:
            return "basic-data", f"id_facts-{name}"
        if name in tables.EXECUTION_FIELDS:
            return "self-eval", f"id_facts-{name}"
        if name.startswith("staff_"):
            return "basic", f"id_staffing-{name}"
        if name.startswith(("satisfaction_", "key_tasks", "projects_")):
            base = name.removesuffix("_responses").removesuffix("_satisfied")
            return "self-eval", f"id_facts-{base}_responses"
        if name in finance:
            return "finance", f"id_inst-0-{name}"
        if name.endswith(YEAR_COLUMNS):
            return "basic-data", ""
    return "self-eval", ""


@dataclass
class Checks:
    findings: list  # errors and warnings, as the engine and the narrative check give them
    hints: list[Hint]  # the warnings, each once, with its explanation

    @property
    def errors(self) -> list:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def unexplained(self) -> list[Hint]:
        return [hint for hint in self.hints if not hint.explained]


def stable_row_key(row) -> str:
    """A unit-written row as explanations remember it: by its id once saved (a page being typed names its rows by
    their form, so that its computed cells are found), so an explanation stays with its row whatever page scores it."""
    return f"row-{row.pk}" if row.pk and row.group_code else entry_key(row)


def _stable(findings, rows) -> list:
    names = {entry_key(row): stable_row_key(row) for row in rows}
    names = {key: stable for key, stable in names.items() if key != stable}
    if not names:
        return list(findings)
    return [
        replace(f, fields=tuple(names.get(name, name) for name in f.fields))
        if any(name in names for name in f.fields)
        else f
        for f in findings
    ]


def _links(rows) -> dict[str, str]:
    """A row's stable key → its form's prefix on the page (the page's own when it was typed there)."""
    return {stable_row_key(row): getattr(row, "form_key", None) or f"row-{index}" for index, row in enumerate(rows)}


def assessment_checks(data, scored, *, explanations: dict[str, str] | None = None) -> Checks:
    """The 自评表's findings and its narrative's (two queries: the narrative, the explanations when not given)."""
    assessment = data.assessment
    rows = data.assessment_rows
    links = _links(rows)
    findings = _stable(with_narrative_findings(data, scored), rows)
    if explanations is None:
        explanations = stored_explanations(assessment)
    return Checks(findings, hints_of(findings, explanations, lambda f: finding_link(assessment, f, links)))


def project_key_prefix(project) -> str:
    """Explanations of a project table's 提示 are stored beside the assessment's, under the project's own prefix."""
    return f"project:{project.pk}:"


@dataclass
class ProjectChecks(Checks):
    project: object = None
    scored: ScoredProject | None = None
    error: str = ""  # why the table cannot be scored
    rows: dict[str, str] = field(default_factory=dict)  # a row's score-line code → its form prefix on the page
    funds_codes: frozenset = frozenset()  # the 预算执行率 line, computed from the funds block
    stable: dict[str, str] = field(default_factory=dict)  # a score line's code → the row's stable key
    # a score line's code → the key 佐证材料 are attached to its stored row under (evidence: a project's rows by id)
    evidence_keys: dict[str, str] = field(default_factory=dict)

    @cached_property  # each 提示 of the table links to it
    def url(self) -> str:
        return reverse("assessments:project", args=[self.project.assessment_id, self.project.pk])

    def hint_notes(self) -> list[tuple[str, str]]:
        """The table's 提示 for an appendix 提示及说明 (report, workbook): named after the project, with their
        explanations."""
        return [(f"项目“{self.project.name}”：{hint.finding.message}", hint.text) for hint in self.hints]

    def link(self, finding) -> str:
        """The field on the project page a finding asks for (the page highlights it), else its findings."""
        for name in finding.fields:
            if name in self.rows:
                if name in self.funds_codes:
                    # The 预算执行率 is on the page as its 偏差原因 and its hand score: a missing input of a hand
                    # score is its reason; anything else about the line asks for the 偏差原因.
                    wanted = "score_reason" if finding.code == "missing" else "deviation_reason"
                else:
                    wanted = ROW_FINDING_FIELDS.get(finding.code) or "deviation_reason"
                return f"{self.url}#id_{self.rows[name]}-{wanted}"
            if name in ("budget_full_year", "budget_initial", "spending_actual"):
                return f"{self.url}#id_project-fiscal_{name}"
        return f"{self.url}#project-findings"

    @property
    def error_links(self) -> list[tuple[object, str]]:
        return [(finding, self.link(finding)) for finding in self.errors]

    @property
    def missing(self) -> list[tuple[str, str]]:
        """(what is missing, where it is typed) for each input the project's score still waits for."""
        if self.scored is None:
            return []
        found = []
        for line in self.scored.sheet.lines:
            for label in line.missing:
                target = self.link(_Fields("missing", (self.stable.get(line.code, line.code),)))
                # The 预算执行率 lacks a figure of the funds block, or (scored by hand) the reason for its score.
                if line.code in self.funds_codes and label != HAND_SCORE_REASON:
                    target = f"{self.url}#id_project-fiscal_budget_full_year"
                found.append((f"{line.name}：缺少{label}", target))
        return found

    @property
    def reasons(self) -> list[tuple[str, str]]:
        """Rows scored below their weight without a 偏差原因."""
        if self.scored is None:
            return []
        return [
            (
                f"{line.name}：得分 {line.points} 低于分值 {line.weight}，需填写偏差原因",
                self.link(_Fields("", (self.stable.get(line.code, line.code),))),
            )
            for line in self.scored.sheet.lines
            if line.is_leaf and NO_REASON in line.warnings
        ]

    def hand_scored_without_evidence(self, attached: set[str]) -> list:
        """Lines scored by hand (数据无法取得，人工评分) with no 佐证材料 attached to their row."""
        if self.scored is None:
            return []
        return [
            line
            for line in self.scored.sheet.lines
            if line.is_leaf and line.by_hand and self.evidence_keys.get(line.code) not in attached
        ]


@dataclass(frozen=True)
class _Fields:
    """A finding-shaped stand-in, so an item that is not a finding is linked the way a finding is."""

    code: str
    fields: tuple[str, ...]


def project_checks(data, *, explanations: dict[str, str] | None = None) -> list[ProjectChecks]:
    """Each project table scored on its stored rows, with its findings and their explanations. Without a framework
    for the project tables there is nothing to check (the 项目 tab says why)."""
    if not data.projects:
        return []
    version = project_framework_version(data.assessment)
    if version is None:
        return []
    spec = framework_spec(version)
    funds_codes = funds_block_codes(spec)
    if explanations is None:
        explanations = stored_explanations(data.assessment)
    rows_of: dict[int, list] = {}
    for row in data.rows:
        rows_of.setdefault(row.project_id, []).append(row)
    found = []
    for project in data.projects:
        project.assessment = data.assessment
        rows = rows_of.get(project.pk, [])
        try:
            scored, error = score_project(project, spec=spec, rows=rows), ""
        except ValidationError as refused:
            scored, error = None, " ".join(refused.messages)
        found.append(checks_of_project(project, scored, error, rows, explanations, funds_codes))
    return found


def checks_of_project(project, scored, error: str, rows, explanations: dict[str, str], funds_codes) -> ProjectChecks:
    """One project table's checks, from its stored rows or from the rows as typed on its page."""
    checks = ProjectChecks(
        [],
        [],
        project=project,
        scored=scored,
        error=error,
        rows=_project_links(rows, funds_codes),
        funds_codes=frozenset(funds_codes),
        stable={entry_key(row): stable_row_key(row) for row in rows},
        evidence_keys={entry_key(row): f"row-{row.pk}" for row in rows if row.pk},
    )
    if scored is not None:
        checks.findings = _stable(scored.findings, rows)
        checks.hints = hints_of(checks.findings, explanations, checks.link, prefix=project_key_prefix(project))
    return checks


def _project_links(rows, funds_codes) -> dict[str, str]:
    """Where a project page's rows stand: the formset lists the unit-written rows; the 预算执行率, kept apart, stands
    below the funds block with its 偏差原因 and hand score (stored as a row once something is typed there)."""
    links = _links([row for row in rows if row.group_code])
    links.update(dict.fromkeys(funds_codes, tables.EXECUTION_PREFIX))
    return links


def funds_block_codes(spec) -> frozenset:
    return frozenset(node.code for node in spec.walk() if tables.is_funds_block(node))
