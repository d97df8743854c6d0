"""The self-assessment report: one context, one template set (templates/reports/) for the HTML page and
the PDF. A draft or an assessment in review is read from its live data; a final one from its latest Snapshot, so the
report shows exactly the frozen figures (the score sheet is the snapshot's, never recomputed)."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import zip_longest

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from assessments import tables
from assessments.checks import checks_of_project, funds_block_codes
from assessments.explanations import hint_notes, stored_explanations
from assessments.facts import FactSheet
from assessments.layouts import LAYOUTS, Layout, layout_for
from assessments.models import (
    Assessment,
    EvaluationMember,
    Facts,
    IndicatorRow,
    Institution,
    NarrativeSection,
    Project,
    SignOff,
    Snapshot,
    SpecialFund,
)
from assessments.narrative import agreeing, figures, narrative_findings
from assessments.rectification.services import prior_items, rectification_entries
from assessments.reports import charts
from assessments.reports.cache import cache_path, fingerprint, mark_used, write_atomically
from assessments.reports.disclosure import mask_phone
from assessments.rescores import assessment_rescore_entries, rescored
from assessments.scores import entry_key, metadata_text, project_facts, project_framework_version, score_project
from assessments.selectors import assessment_data, unsaved_instance
from assessments.workflow.services import steps_for
from perfeval.runtime import collector_paused
from scoring.adapters import framework_spec
from units.models import Staffing

logger = logging.getLogger(__name__)

REPORT_CSS = "css/report.css"
# The 10号 tables (附件1-2, 附件1-3): the line scored from the funds block, shown there and not among the indicators.
EXECUTION_CODE = "budget_execution"
PROJECT_FUND_ROWS = (("其中：当年财政拨款", "fiscal"), ("上年结转资金", "carryover"), ("其他资金", "other"))


# --- the source: live data or a snapshot, as the same plain objects --------------------------------------------


@dataclass
class Source:
    """What the report is built from, whichever way it was read."""

    unit: dict
    goal: dict
    fact_sheet: FactSheet
    facts: Facts
    staffing: Staffing | None
    special_funds: list[SpecialFund]
    projects: list[tuple[Project, list[IndicatorRow]]]
    score: dict | None  # ScoreSheet.to_dict()
    scoring_error: str
    findings: list[dict]
    narrative: dict[str, str]
    members: list[dict]
    signoffs: list[dict]  # {"step", "role", "signer", "opinion", "signed_at": datetime}
    snapshot: Snapshot | None = None
    explanations: dict[str, str] = field(default_factory=dict)  # 提示及说明 by finding key
    rescores: list[dict] | None = None  # assessments.rescores.rescore_entries


def _unit_document(unit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "region": unit.region.full_name,
        "contact_person": unit.contact_person,
        "contact_phone": unit.contact_phone,
        "functions": unit.functions,
        "internal_structure": unit.internal_structure,
    }


def _live_source(assessment: Assessment) -> Source:
    data = assessment_data(assessment)
    rows_by_project: dict[int, list[IndicatorRow]] = {}
    for row in data.rows:
        if row.project_id is not None:
            rows_by_project.setdefault(row.project_id, []).append(row)
    try:
        scored = data.scored()
        score, findings, error = scored.sheet.to_dict(), [f.to_dict() for f in scored.findings], ""
    except ValidationError as exc:
        score, findings, error = None, [], " ".join(exc.messages)
    signoffs = [
        {"step": s.step, "role": s.role_label, "signer": s.signer_name, "opinion": s.opinion, "signed_at": s.signed_at}
        for s in SignOff.objects.filter(assessment=assessment, voided_at=None).order_by("signed_at", "pk")
    ]
    return Source(
        unit=_unit_document(assessment.unit),
        goal={"planned": assessment.goal_planned, "achieved": assessment.goal_achieved},
        fact_sheet=data.fact_sheet(),
        facts=data.facts,
        staffing=data.staffing,
        special_funds=data.special_funds,
        projects=[(p, rows_by_project.get(p.pk, [])) for p in data.projects],
        score=score,
        scoring_error=error,
        findings=findings,
        narrative=dict(NarrativeSection.objects.filter(assessment=assessment).values_list("key", "body")),
        members=list(EvaluationMember.objects.filter(assessment=assessment).values("name", "title", "organisation")),
        signoffs=signoffs,
        explanations=stored_explanations(assessment),
        rescores=assessment_rescore_entries(assessment),
    )


def _snapshot_source(snapshot: Snapshot) -> Source:
    data = snapshot.verified_data()
    document = data["assessment"]
    facts = unsaved_instance(Facts, document.get("facts", {}))
    staffing = unsaved_instance(Staffing, document["staffing"]) if document.get("staffing") else None
    institutions = [unsaved_instance(Institution, values) for values in document.get("institutions", [])]
    special_funds = [unsaved_instance(SpecialFund, values) for values in document.get("special_funds", [])]
    projects = []
    number = 0
    for values in document.get("projects", []):
        project = unsaved_instance(Project, values)
        rows = []
        for row_values in values.get("indicator_rows", []):
            number += 1
            # Unsaved rows need distinct keys on the engine's sheet (sheets.entry_key uses the pk).
            rows.append(unsaved_instance(IndicatorRow, row_values, id=number))
        projects.append((project, rows))
    signoffs = [{**s, "signed_at": datetime.fromisoformat(s["signed_at"])} for s in data.get("signoffs", [])]
    return Source(
        unit=document["unit"],
        goal=document.get("goal", {}),
        fact_sheet=FactSheet(facts, institutions=institutions, special_funds=special_funds, staffing=staffing),
        facts=facts,
        staffing=staffing,
        special_funds=special_funds,
        projects=projects,
        score=document.get("score"),
        scoring_error="" if document.get("score") else "定稿快照中没有评分表。",
        findings=document.get("findings", []),
        narrative=document.get("narrative", {}),
        members=document.get("evaluation_members", []),
        signoffs=signoffs,
        snapshot=snapshot,
        explanations=document.get("explanations", {}),
        rescores=snapshot.data.get("rescores", []),
    )


def report_source(assessment: Assessment) -> Source:
    if assessment.status == Assessment.Status.FINAL:
        snapshot = Snapshot.objects.latest_for(assessment)
        if snapshot is not None:
            return _snapshot_source(snapshot)
    return _live_source(assessment)


# --- shaping for the templates ---------------------------------------------------------------------------------


def _d(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def _ratio(numerator, denominator) -> Decimal | None:
    numerator, denominator = _d(numerator), _d(denominator)
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def score_lines(score: dict | None) -> list[dict]:
    return list(score["lines"]) if score else []


def indicator_table(score: dict | None, *, skip: tuple[str, ...] = (EXECUTION_CODE,)) -> list[dict]:
    """A score sheet as table rows with rowspans for 一级 and 二级 cells: the shape of 附件1-2/1-3's 绩效指标 block and
    of the Futian 评分表. A level-2 group without rows keeps one empty row, as on the printed forms."""
    lines = [line for line in score_lines(score) if line["code"] not in skip or line["level"] != 1]
    tree: list[dict] = []
    for line in lines:
        if line["level"] == 1:
            tree.append({"line": line, "groups": []})
        elif line["level"] == 2 and tree:
            tree[-1]["groups"].append({"line": line, "rows": []})
        elif line["level"] >= 3 and tree:
            if not tree[-1]["groups"]:
                tree[-1]["groups"].append({"line": None, "rows": []})
            tree[-1]["groups"][-1]["rows"].append(line)
    out = []
    for top in tree:
        if not top["groups"]:
            # A level-1 indicator scored on its own (Futian has none; a leaf level 1 elsewhere).
            out.append({"l1": top["line"], "l1_span": 1, "l2": None, "l2_span": 1, "row": top["line"], "leaf1": True})
            continue
        top_span = sum(max(1, len(group["rows"])) for group in top["groups"])
        first_top = True
        for group in top["groups"]:
            rows = group["rows"] or [None]
            for index, row in enumerate(rows):
                out.append(
                    {
                        "l1": top["line"] if first_top else None,
                        "l1_span": top_span,
                        "l2": group["line"] if index == 0 else None,
                        "l2_first": index == 0,
                        "l2_span": len(rows),
                        "row": row,
                    }
                )
                first_top = False
    return out


def _execution(score: dict | None) -> dict | None:
    for line in score_lines(score):
        if line["code"] == EXECUTION_CODE and line["level"] == 1:
            return line
    return None


def _total(score: dict | None) -> str:
    if not score:
        return ""
    return score["total"] if score.get("complete") else score.get("scored_total") or ""


def basic_data_rows(source: Source) -> list[dict]:
    """附件1-1 经费控制情况: the shared row layout, with one row per special fund after its subtotal."""
    values = source.fact_sheet.values
    rows = []
    for row in tables.BASIC_DATA_ROWS:
        rows.append(
            {
                "label": row.label,
                "indent": row.indent,
                "computed": row.computed,
                "cells": [values.get(f"{row.name}_{column}") for column, _ in tables.BASIC_DATA_COLUMNS],
            }
        )
        if row.name == "project_special":
            for fund in source.special_funds:
                rows.append(
                    {
                        "label": fund.name,
                        "indent": 2,
                        "computed": False,
                        "cells": [fund.prior, fund.budget, fund.actual],
                    }
                )
    return rows


def finance_tables(source: Source, *, per_table: int = 4) -> list[dict]:
    """收支情况: columns of institutions and the computed 汇总, split so a table fits the page width."""
    sheet = source.fact_sheet
    columns = [(name or "本级", row) for name, row in sheet.institution_rows]
    chunks = [columns[i : i + per_table] for i in range(0, len(columns), per_table)] or [[]]
    out = []
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        heads = [name for name, _ in chunk] + (["汇总"] if last else [])
        body = []
        for row in tables.FINANCE_ROWS:
            cells = [values.get(row.name) for _, values in chunk]
            if last:
                cells.append(sheet.summary.get(row.name))
            body.append({"label": row.label, "indent": row.indent, "computed": row.computed, "cells": cells})
        out.append({"heads": heads, "rows": body})
    return out


def project_tables(source: Source, version) -> list[dict]:
    spec = framework_spec(version) if version is not None else None
    funds_codes = funds_block_codes(spec) if spec is not None else frozenset()
    out = []
    for project, rows in source.projects:
        funds = project_facts(project)
        entry = {
            "project": project,
            "funds": funds,
            "fund_rows": [
                {"label": label, "cells": [getattr(project, f"{prefix}_{column}") for column in tables.FUND_COLUMNS]}
                for label, prefix in PROJECT_FUND_ROWS
            ],
            "rate": _ratio(funds.get("spending_actual"), funds.get("budget_full_year")),
            "score": None,
            "error": "",
            "hint_notes": [],
        }
        if spec is None:
            entry["error"] = "没有项目支出绩效自评的指标体系。"
        else:
            try:
                scored = score_project(project, spec=spec, rows=rows)
            except ValidationError as exc:
                entry["error"] = " ".join(exc.messages)
            else:
                sheet = scored.sheet.to_dict()
                entry["score"] = sheet
                # The table's 提示 with the unit's explanations (stored under the project's own keys), for the
                # appendix 提示及说明 of a draft; a final report's were frozen at signing (its snapshot keeps no ids
                # of projects, so neither keys nor links can be made from it).
                if source.snapshot is None:
                    checks = checks_of_project(project, scored, "", rows, source.explanations, funds_codes)
                    entry["hint_notes"] = [{"message": m, "text": t} for m, t in checks.hint_notes()]
                entry["table"] = indicator_table(sheet)
                shown = {entry_key(row): metadata_text(row) for row in rows}
                for item in entry["table"]:
                    if item.get("row"):
                        item["meta"] = shown.get(item["row"]["code"], "")
                entry["execution"] = _execution(sheet)
                entry["total"] = _total(sheet)
        out.append(entry)
    return out


def _local_date(moment) -> date:
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def signoff_blocks(assessment: Assessment, source: Source) -> list[dict]:
    """The official form's opinion blocks, one per review step of the unit, filled from the workflow."""
    by_step = {s["step"]: s for s in source.signoffs}
    seals = {"unit_head": "（单位公章）", "supervisor": "（主管部门公章）", "finance": "（科室印章）"}
    blocks = []
    for step in steps_for(assessment.unit):
        signed = by_step.get(step.code)
        blocks.append(
            {
                "title": step.opinion_title,
                "role": step.label,
                "seal": seals.get(step.code, ""),
                "signer": signed["signer"] if signed else "",
                "opinion": signed["opinion"] if signed else "",
                "date": _local_date(signed["signed_at"]) if signed else None,
            }
        )
    return blocks


def _prior_score(assessment: Assessment) -> tuple[Assessment | None, dict | None]:
    """The unit's assessment of the year before and its score sheet (frozen if final), if there is one."""
    prior = (
        Assessment.objects.filter(unit_id=assessment.unit_id, year=assessment.year - 1, kind=assessment.kind)
        .select_related("unit__region", "framework_version__framework")
        .first()
    )
    if prior is None:
        return None, None
    if prior.status == Assessment.Status.FINAL:
        snapshot = Snapshot.objects.latest_for(prior)
        if snapshot is not None:
            return prior, snapshot.verified_data()["assessment"].get("score")
    try:
        return prior, assessment_data(prior).scored().sheet.to_dict()
    except ValidationError:
        return prior, None


def project_hint_notes(source: Source, projects: list[dict]) -> list[dict]:
    """The project tables' part of the appendix 提示及说明: as frozen at signing for a final report (none for one
    signed before they were frozen), as computed now for a draft."""
    if source.snapshot is not None:
        return [
            {"message": message, "text": text} for message, text in source.snapshot.data.get("project_hint_notes", [])
        ]
    return [note for project in projects for note in project["hint_notes"]]


def prior_rectification(assessment: Assessment, source: Source) -> list[dict]:
    """上年整改落实情况: last year's items with their status. A final report prints them as its snapshot kept them when
    it was signed (none for a report signed before the items existed); a draft shows them as they stand."""
    if source.snapshot is not None:
        entries = source.snapshot.data.get("prior_rectification", [])
    else:
        entries = rectification_entries(prior_items(assessment))
    return [
        {**entry, "due_date": date.fromisoformat(entry["due_date"]) if entry["due_date"] else None} for entry in entries
    ]


def report_layout(assessment: Assessment, key: str | None = None) -> Layout:
    if key and key in LAYOUTS:
        return LAYOUTS[key]
    return layout_for(assessment.unit)


def report_context(
    assessment: Assessment, *, layout: str | None = None, official: bool = False, public: bool = False
) -> dict:
    """Everything the report templates need, computed once; a fixed number of queries whatever the data. `official`
    prints the 官方表样: the 附件 tables with the official columns only and no explanation lines (the default, the
    explained version, shows how each score was computed). `public` is the variant published on the 信息公开 page:
    the contact phone masked as the public list masks it; the data (and so the snapshot's hash) are the same."""
    chosen = report_layout(assessment, layout)
    source = report_source(assessment)
    final = source.snapshot is not None
    sheet = source.fact_sheet
    values = sheet.values
    facts = source.facts
    score = source.score
    unit = source.unit
    year = assessment.year
    report_date = _local_date(source.snapshot.created_at) if final else timezone.localdate()

    prior, prior_score = _prior_score(assessment)
    projects = project_tables(source, project_framework_version(assessment)) if source.projects else []

    staffing = source.staffing
    execution = _execution(score)
    # The figures a narrative quotes ({总分}, {预算执行率} …), from the same sheet the tables print.
    quoted = figures(
        values,
        total=_d(score.get("total")) if score and score.get("complete") else None,
        grade=score.get("grade") if score and score.get("complete") else None,
    )
    context = {
        "assessment": assessment,
        "layout": chosen,
        "layout_key": chosen.key,
        "default_layout": layout_for(assessment.unit).key,
        "layout_template": f"reports/layouts/{chosen.key.replace('-', '_')}.html",
        "layouts": [(key, item.label) for key, item in LAYOUTS.items()],
        "unit": {
            **unit,
            **({"contact_phone": mask_phone(unit.get("contact_phone", ""))} if public else {}),
            "function_lines": _paragraphs(unit.get("functions", "")),
            "department_lines": _paragraphs(unit.get("internal_structure", "")),
        },
        "year": year,
        "prior_year": year - 1,
        "title": f"{year}年度{unit['name']}整体支出绩效自评报告",
        "report_date": report_date,
        "final": final,
        "status_label": assessment.status_label,
        "sha256": source.snapshot.sha256 if final else "",
        "snapshot_at": source.snapshot.created_at if final else None,
        "goal": source.goal,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "hint": s.hint,
                "paragraphs": _paragraphs(agreeing(source.narrative.get(s.key, ""), quoted)),
            }
            for s in chosen.sections
        ],
        "narrative": {key: _paragraphs(agreeing(body, quoted)) for key, body in source.narrative.items()},
        "score": score,
        "scoring_error": source.scoring_error,
        "total": _total(score),
        "grade": score.get("grade") if score else None,
        "score_lines": score_lines(score),
        "indicator_table": indicator_table(score),
        "sheet_table": indicator_table(score, skip=()),
        "execution": execution,
        "findings": source.findings,
        "hint_notes": hint_notes(
            [
                *source.findings,
                *(
                    f.to_dict()
                    for f in narrative_findings(source.narrative, {s.key: s.title for s in chosen.sections}, quoted)
                ),
            ],
            source.explanations,
        )
        + project_hint_notes(source, projects),
        "staffing": {
            "quota": staffing.staff_quota if staffing else None,
            "actual": staffing.staff_actual if staffing else None,
            "agency": staffing.staff_agency if staffing else None,
            "rate": _ratio(staffing.staff_actual, staffing.staff_quota) if staffing else None,
        },
        "basic_data_columns": [
            f"{year - 1}年决算数" if column == "prior" else f"{year}年{'预算数' if column == 'budget' else '决算数'}"
            for column, _ in tables.BASIC_DATA_COLUMNS
        ],
        "basic_data_rows": basic_data_rows(source),
        "buildings": {
            "area_approved": facts.building_area_approved,
            "area_actual": facts.building_area_actual,
            "area_rate": _ratio(facts.building_area_actual, facts.building_area_approved),
            "investment_budget": facts.building_investment_budget,
            "investment_actual": facts.building_investment_actual,
            "investment_rate": _ratio(facts.building_investment_actual, facts.building_investment_budget),
        },
        "austerity_measures": facts.austerity_measures,
        "funds": {
            "budget_initial": facts.budget_initial,
            "budget_full_year": facts.budget_full_year,
            "spending_actual": facts.spending_actual,
            "rate": _ratio(facts.spending_actual, facts.budget_full_year),
            "breakdown": [
                (*income, *spending)
                for income, spending in zip_longest(
                    [
                        ("一般公共预算", facts.budget_general_budget),
                        ("政府性基金拨款", facts.budget_government_funds),
                        ("纳入专户管理的非税收入拨款", facts.budget_special_account),
                        ("其他资金", facts.budget_other),
                    ],
                    [("基本支出", facts.budget_basic), ("项目支出", facts.budget_project)],
                    fillvalue=("", None),
                )
            ],
        },
        "finance_tables": finance_tables(source),
        "projects": projects,
        "members": source.members,
        "signoffs": signoff_blocks(assessment, source),
        "unit_head": next((s["signer"] for s in source.signoffs if s["step"] == "unit_head"), ""),
        "values": values,
        "chart_weights": charts.points_against_weights(score, year=year),
        "chart_years": charts.year_against_year(score, prior_score, year=year, prior_year=year - 1),
        "has_prior": prior is not None,
        "official": official,
        "public": public,
        "rescore": rescored(score, source.rescores or [], framework_version=assessment.framework_version),
        "prior_rectification": prior_rectification(assessment, source),
    }
    return context


# --- rendering -------------------------------------------------------------------------------------------------


def render_report_html(
    assessment: Assessment, *, for_pdf: bool = False, layout: str | None = None, official: bool = False, context=None
) -> str:
    context = dict(context or report_context(assessment, layout=layout, official=official))
    context["for_pdf"] = for_pdf
    return render_to_string("reports/report.html", context)


def cached_report_pdf(assessment: Assessment, *, layout: str | None = None, official: bool = False) -> bytes:
    """The download: rendered once per state of what the report shows (`cache.fingerprint`) and way of asking for
    it, then served from the file the annual export also reads."""
    snapshot = Snapshot.objects.latest_for(assessment) if assessment.status == Assessment.Status.FINAL else None
    mode = f"layout={report_layout(assessment, layout).key};official={official}"
    path = cache_path(fingerprint(assessment, snapshot, mode=mode))
    try:
        pdf = path.read_bytes()
    except FileNotFoundError:
        pdf = render_report_pdf(assessment, layout=layout, official=official)
        write_atomically(path, pdf)
    else:
        mark_used(path)
    return pdf


def report_filename(assessment: Assessment, *, extension: str = "pdf") -> str:
    """2022年度株洲市行业办公室整体支出绩效自评报告.pdf (the unit's name as frozen for a final report)."""
    name = assessment.unit.name
    if assessment.status == Assessment.Status.FINAL:
        snapshot = Snapshot.objects.latest_for(assessment)
        if snapshot is not None:
            name = snapshot.data["assessment"]["unit"]["name"]
    return f"{assessment.year}年度{name}整体支出绩效自评报告.{extension}"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def weasyprint_log() -> Iterator[list[str]]:
    """Collect what WeasyPrint warns about during a render (a missing glyph shows only as `.notdef glyph` here)."""
    handler = _Collect()
    wp_logger = logging.getLogger("weasyprint")
    wp_logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        wp_logger.removeHandler(handler)


def _page_css(context: dict) -> str:
    """The footer line that depends on the report: the final report's SHA-256 (CSP forbids inline styles on the
    HTML page, so it goes to WeasyPrint as a stylesheet string)."""
    if not context.get("final"):
        return ""
    text = _css_string(f"定稿 SHA-256：{context['sha256']}")
    pages = '"第 " counter(page) " 页 / 共 " counter(pages) " 页\\A"'
    return (
        f"@page {{ @bottom-center {{ content: {pages} {text}; white-space: pre; }} }}"
        f"@page :first {{ @bottom-center {{ content: {text}; }} }}"
    )


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_report_pdf(
    assessment: Assessment,
    *,
    layout: str | None = None,
    official: bool = False,
    public: bool = False,
    log: list | None = None,
) -> bytes:
    """The report as A4 PDF bytes. WeasyPrint's warnings are collected (into `log` when given) and a missing CJK
    glyph is logged as an error: the PDF would show empty boxes."""
    from weasyprint import CSS, HTML

    from assessments.reports.fetcher import url_fetcher

    fetcher = url_fetcher()
    context = report_context(assessment, layout=layout, official=official, public=public)
    html = render_report_html(assessment, for_pdf=True, context=context)
    stylesheets = [CSS(filename=finders.find(REPORT_CSS), url_fetcher=fetcher)]
    extra = _page_css(context)
    if extra:
        stylesheets.append(CSS(string=extra, url_fetcher=fetcher))
    with collector_paused(), weasyprint_log() as messages:
        document = HTML(string=html, base_url=settings.BASE_DIR.as_uri() + "/", url_fetcher=fetcher).render(
            stylesheets=stylesheets
        )
        pdf = document.write_pdf()
        del document
    if log is not None:
        log.extend(messages)
    missing = [m for m in messages if ".notdef" in m]
    if missing:
        logger.error("报告 PDF 缺少中文字形（%s 处），请安装 fonts-noto-cjk：%s", len(missing), missing[0])
    return pdf
