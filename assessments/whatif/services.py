"""What-if: stored data scored under another framework version, side by side with the version it is scored with.
Nothing is written but the region-year run's own progress and summary (``WhatIfRun``): the comparisons come from
``scoring.engine.whatif`` and are read, never stored on an assessment.

A region-year run covers every assessment of a region (and the regions below it) and year that the requester may
see; it runs through Django's Tasks API, in batches, counting its progress, so that a run over thousands of
assessments shows how far it is (with the immediate backend it is finished when the page is shown)."""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from assessments.frameworks import Form
from assessments.models import Assessment, IndicatorRow, Project, WhatIfRun
from assessments.scores import project_entries, project_facts, project_framework_version, row_entry
from assessments.selectors import AssessmentData, assessment_data_many
from perfeval.spreadsheets import cell_number, set_cell
from scoring.adapters import engine_errors_as_validation, framework_spec
from scoring.engine.whatif import Comparison, compare, summarise
from scoring.models import FrameworkVersion
from units.access import visible_units

BATCH = 200  # assessments loaded and scored per step of a run; progress is saved after each
NO_VERSION = "这份自评尚未确定{form}所用的指标体系，无法试算。"
SAME_VERSION = "请选择与当前不同的指标体系或版本。"


# --- one assessment or one project ---------------------------------------------------------------------------------


@dataclass
class WhatIf:
    """One comparison and what it is of."""

    title: str
    base_version: FrameworkVersion
    other_version: FrameworkVersion
    comparison: Comparison


def assessment_whatif(data: AssessmentData, other: FrameworkVersion) -> WhatIf:
    assessment = data.assessment
    base = assessment.framework_version
    if base is None:
        raise ValidationError(NO_VERSION.format(form=Form.OVERALL.label))
    entries = [row_entry(row) for row in data.assessment_rows]
    with engine_errors_as_validation():
        comparison = compare(framework_spec(base), framework_spec(other), data.fact_sheet().engine_facts(), entries)
    title = f"{assessment.year} 年度{assessment.unit.name}部门整体支出绩效自评"
    return WhatIf(title, base, other, comparison)


def project_whatif(
    assessment: Assessment, project: Project, rows: list[IndicatorRow], other: FrameworkVersion
) -> WhatIf:
    base = project_framework_version(assessment)
    if base is None:
        raise ValidationError(NO_VERSION.format(form=Form.PROJECT.label))
    spec = framework_spec(base)
    with engine_errors_as_validation():
        comparison = compare(
            spec, framework_spec(other), project_facts(project), project_entries(project, spec=spec, rows=rows)
        )
    return WhatIf(f"{assessment.year} 年度项目支出绩效自评：{project.name}", base, other, comparison)


def comparison_rows(comparison: Comparison) -> list[dict]:
    """Each indicator as the screen and the workbook show it: group, name, both scores with their rule, difference."""
    rows = []
    for line in comparison.lines:
        rows.append(
            {
                "group": line.base_group or line.other_group or "",
                "other_group": line.other_group or "",
                "moved": bool(line.base_group and line.other_group and line.base_group != line.other_group),
                "name": line.name,
                "base": line.base,
                "other": line.other,
                "difference": line.difference,
            }
        )
    return rows


# --- Excel ---------------------------------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _put(sheet, row: int, column: int, value, *, bold: bool = False):
    from openpyxl.styles import Font

    cell = sheet.cell(row=row, column=column)
    set_cell(cell, value)  # names typed by people are text: never a formula in the reader's Excel
    if bold:
        cell.font = Font(bold=True)
    return cell


def _append(sheet, values, *, bold: bool = False) -> None:
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        _put(sheet, row, column, value, bold=bold)


def whatif_workbook(whatif: WhatIf) -> bytes:
    """The comparison as one sheet (逐项对比) and the totals, lacking inputs and re-placed rows below it."""
    from openpyxl import Workbook

    comparison = whatif.comparison
    base, other = comparison.base, comparison.other
    book = Workbook()
    sheet = book.active
    sheet.title = "逐项对比"
    _append(sheet, [f"{whatif.title}·指标体系试算（不改变已存数据）"], bold=True)
    _append(sheet, ["基准", f"{base.framework_name}（{base.framework_code} 第 {base.framework_version} 版）"])
    _append(sheet, ["对比", f"{other.framework_name}（{other.framework_code} 第 {other.framework_version} 版）"])
    _append(sheet, [])
    heads = ["一级/二级指标", "指标", "基准分值", "基准得分", "基准规则", "对比分值", "对比得分", "对比规则", "差额"]
    _append(sheet, heads, bold=True)
    for row in comparison_rows(comparison):
        group = f"{row['group']} → {row['other_group']}" if row["moved"] else row["group"]
        b, o = row["base"], row["other"]
        _append(
            sheet,
            [
                group,
                row["name"],
                cell_number(b.weight) if b else None,
                cell_number(b.points) if b else None,
                (b.kind_label or "") if b else "（无此指标）",
                cell_number(o.weight) if o else None,
                cell_number(o.points) if o else None,
                (o.kind_label or "") if o else "（无此指标）",
                cell_number(row["difference"]),
            ],
        )
    _append(sheet, [])
    _append(sheet, ["一级指标小计", "", "", "基准", "", "", "对比", "", "差额"], bold=True)
    for line in comparison.groups:
        _append(
            sheet,
            [
                "",
                line.name,
                None,
                cell_number(line.base.points) if line.base else None,
                "",
                None,
                cell_number(line.other.points) if line.other else None,
                "",
                cell_number(line.difference),
            ],
        )
    _append(sheet, [])
    _append(
        sheet,
        ["总分", "", "", cell_number(base.total), base.grade or "", "", cell_number(other.total), other.grade or ""],
    )
    _append(
        sheet, ["总分差额", cell_number(comparison.total_difference), "等次改变" if comparison.grade_changed else ""]
    )
    for title, items in (
        ("对比体系需要而数据中缺少的", comparison.lacking),
        ("按对比体系重新归类的三级指标", comparison.moved),
        ("对比体系中无对应位置、未计入的", comparison.unplaced),
    ):
        if items:
            _append(sheet, [])
            _append(sheet, [title], bold=True)
            for item in items:
                _append(sheet, ["", item])
    widths = {"A": 22, "B": 36, "C": 9, "D": 9, "E": 22, "F": 9, "G": 9, "H": 22, "I": 9}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- a region-year -------------------------------------------------------------------------------------------------


def region_filter(region) -> Q:
    """A region and the two levels below it (省 → 市 → 区县)."""
    return Q(unit__region=region) | Q(unit__region__parent=region) | Q(unit__region__parent__parent=region)


def region_assessments(user, *, region, year: int):
    return (
        Assessment.objects.filter(unit__in=visible_units(user), year=year)
        .filter(region_filter(region))
        .order_by("unit__code", "pk")
    )


def region_run_start(*, user, region, year: int, form: str, other: FrameworkVersion) -> WhatIfRun:
    ids = list(region_assessments(user, region=region, year=year).values_list("pk", flat=True))
    run = WhatIfRun.objects.create(
        region=region, year=year, form=form, other_version=other, requested_by=user, total=len(ids), result={"ids": ids}
    )
    # The run is stored (one INSERT, committed) before a worker on another connection looks for it; the immediate
    # backend runs it right here.
    whatif_region_run.enqueue(run.pk)
    run.refresh_from_db()
    return run


def _comparisons(form: str, batch: list[AssessmentData], other: FrameworkVersion, rows: list[dict]):
    """Yield the comparisons of one batch, recording one row per assessment (or per project)."""
    other_spec = framework_spec(other)
    for data in batch:
        assessment = data.assessment
        head = {
            "assessment": assessment.pk,
            "unit_code": assessment.unit.code,
            "unit": assessment.unit.name,
            "region": assessment.unit.region.name,
            "status": assessment.get_status_display(),
        }
        if form == Form.OVERALL:
            base = assessment.framework_version
            items = [("", base, lambda spec, d=data: (d.fact_sheet().engine_facts(), _rows(d)))] if base else []
        else:
            base = assessment.project_framework_version or project_framework_version(assessment)
            items = [
                (
                    project.name,
                    base,
                    lambda spec, p=project, d=data: (
                        project_facts(p),
                        project_entries(p, spec=spec, rows=[r for r in d.rows if r.project_id == p.pk]),
                    ),
                )
                for project in data.projects
            ]
        for name, version, inputs in items:
            spec = framework_spec(version)
            try:
                facts, entries = inputs(spec)
                comparison = compare(spec, other_spec, facts, entries)
            except Exception as error:  # one unscorable table must not stop the run
                rows.append({**head, "project": name, "error": str(error)})
                continue
            rows.append(
                {
                    **head,
                    "project": name,
                    "base_framework": f"{version.name} 第{version.version}版",
                    "base_total": comparison.base.total,
                    "base_grade": comparison.base.grade,
                    "other_total": comparison.other.total,
                    "other_grade": comparison.other.grade,
                    "difference": comparison.total_difference,
                    "grade_changed": comparison.grade_changed,
                    "lacking": len(comparison.lacking),
                }
            )
            yield comparison


def _rows(data: AssessmentData):
    return [row_entry(row) for row in data.assessment_rows]


def _plain_row(row: dict) -> dict:
    return {key: (str(value) if hasattr(value, "as_tuple") else value) for key, value in row.items()}


@task
def whatif_region_run(run_id: int) -> str:
    claimed = WhatIfRun.objects.filter(pk=run_id, status=WhatIfRun.Status.QUEUED).update(
        status=WhatIfRun.Status.RUNNING
    )
    if not claimed:
        return "claimed elsewhere"
    run = WhatIfRun.objects.select_related("other_version").get(pk=run_id)
    ids = run.result.get("ids", [])
    rows: list[dict] = []
    try:

        def comparisons():
            done = 0
            for start in range(0, len(ids), BATCH):
                chunk = list(
                    Assessment.objects.filter(pk__in=ids[start : start + BATCH])
                    .select_related("unit__region", "framework_version", "project_framework_version")
                    .order_by("unit__code", "pk")
                )
                yield from _comparisons(run.form, assessment_data_many(chunk), run.other_version, rows)
                done += len(chunk)
                WhatIfRun.objects.filter(pk=run.pk).update(done=done)

        summary = summarise(comparisons())
    except Exception as error:  # recorded on the run, which the page shows
        WhatIfRun.objects.filter(pk=run.pk).update(
            status=WhatIfRun.Status.FAILED, error=str(error), finished_at=timezone.now()
        )
        raise
    WhatIfRun.objects.filter(pk=run.pk).update(
        status=WhatIfRun.Status.DONE,
        done=len(ids),
        finished_at=timezone.now(),
        result={"summary": summary.to_dict(), "rows": [_plain_row(row) for row in rows]},
    )
    return "done"


def region_workbook(run: WhatIfRun) -> bytes:
    """汇总 (grade changes, the indicators that move most, inputs lacking) and 逐份 (one row per assessment)."""
    from openpyxl import Workbook

    summary = run.result.get("summary") or {}
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    _append(
        sheet,
        [f"{run.region.full_name} {run.year} 年度{run.get_form_display()}自评·按《{run.other_version}》试算"],
        bold=True,
    )
    _append(sheet, ["自评（项目）份数", summary.get("count"), "两套体系均可算出总分", summary.get("compared")])
    _append(sheet, ["等次改变", summary.get("changed"), "等次不变", summary.get("unchanged")])
    _append(
        sheet,
        [
            "总分平均变化",
            cell_number(summary.get("mean_difference")),
            "最低",
            cell_number(summary.get("lowest")),
            "最高",
            cell_number(summary.get("highest")),
        ],
    )
    _append(sheet, [])
    _append(sheet, ["原等次", "新等次", "份数"], bold=True)
    for change in summary.get("grade_changes", []):
        _append(sheet, [change["from"], change["to"], change["count"]])
    _append(sheet, [])
    _append(sheet, ["指标", "平均变化", "平均绝对变化", "项数"], bold=True)
    for shift in summary.get("shifts", []):
        _append(sheet, [shift["name"], cell_number(shift["mean"]), cell_number(shift["mean_abs"]), shift["count"]])
    if summary.get("lacking"):
        _append(sheet, [])
        _append(sheet, ["对比体系需要而数据中缺少的", "份数"], bold=True)
        for name, count in sorted(summary["lacking"].items(), key=lambda item: -item[1]):
            _append(sheet, [name, count])
    sheet.column_dimensions["A"].width = 40
    detail = book.create_sheet("逐份")
    heads = [
        "单位编码",
        "单位",
        "区划",
        "状态",
        "项目",
        "现用指标体系",
        "现总分",
        "现等次",
        "试算总分",
        "试算等次",
        "差额",
        "等次改变",
        "缺少数据项",
        "无法试算的原因",
    ]
    _append(detail, heads, bold=True)
    for row in run.result.get("rows", []):
        _append(
            detail,
            [
                row.get("unit_code"),
                row.get("unit"),
                row.get("region"),
                row.get("status"),
                row.get("project", ""),
                row.get("base_framework", ""),
                cell_number(row.get("base_total")),
                row.get("base_grade") or "",
                cell_number(row.get("other_total")),
                row.get("other_grade") or "",
                cell_number(row.get("difference")),
                "是" if row.get("grade_changed") else "",
                row.get("lacking"),
                row.get("error", ""),
            ],
        )
    detail.column_dimensions["B"].width = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
