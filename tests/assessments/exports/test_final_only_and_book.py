"""The annual export over what is final: 仅已定稿 by default, a draft only with its watermark and a line in the
summary; the 汇编 with a 目录 giving each report's first page and page numbers running across the book; the 复核后
totals in the 汇总表."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader, PdfWriter
from weasyprint import CSS, HTML

from assessments.exports import services as exports
from assessments.exports.forms import NOTHING_FINAL
from assessments.models import Assessment, ExportJob
from assessments.workflow import services as workflow
from tests.assessments.exports.conftest import FUTIAN, blank_pdf, load


def media(path: str) -> Path:
    return Path(settings.MEDIA_ROOT) / path


def test_the_form_exports_only_final_reports_by_default(client, demo, users, finalised_futian, fake_render):
    client.force_login(users["admin"])
    page = client.get(reverse("exports:index")).content.decode()
    assert "仅已定稿" in page
    response = client.post(reverse("exports:index"), {"year": "all", "scope": "all", "counted": "final"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.final_only
    assert job.total == 1 and fake_render.calls == [FUTIAN]


def test_the_form_says_when_nothing_is_final_and_how_to_include_drafts(client, demo, users):
    client.force_login(users["admin"])
    page = client.post(reverse("exports:index"), {"year": "all", "scope": "all", "counted": "final"}).content.decode()
    assert NOTHING_FINAL in page
    assert not ExportJob.objects.exists()
    response = client.post(reverse("exports:index"), {"year": "all", "scope": "all", "counted": "all"})
    assert response.status_code == 302
    assert ExportJob.objects.get().total == 3


def test_the_book_has_a_contents_page_with_each_reports_first_page_and_running_numbers(
    demo, users, finalised_futian, monkeypatch
):
    # Reports of 2, 3 and 1 pages, so that the 目录's numbers are not a coincidence of equal lengths.
    lengths = {"440304-101": 2, "430200-101": 3, "430922-101": 1}
    monkeypatch.setattr(
        "assessments.exports.services.render_report_pdf", lambda a, **kw: blank_pdf(lengths[a.unit.code])
    )
    job = exports.export_start(user=users["admin"], year=None, scope="all")
    book = PdfReader(media(job.combined_pdf))
    top = [entry for entry in book.outline if not isinstance(entry, list)]
    starts = [book.get_destination_page_number(entry) + 1 for entry in top[1:]]  # 1-based, as printed
    contents = book.pages[1].extract_text()
    assert "目" in contents and "录" in contents
    numbers = [int(n) for n in re.findall(r"年度 [^\n]*?(\d+)\s*$", contents, flags=re.M)]
    assert numbers == starts
    # The summary table's own page is named too.
    assert re.search(r"绩效自评汇总表\s*3", contents)
    # Every page but the cover carries the book's running number.
    assert "汇编第" not in book.pages[0].extract_text()
    for index in (1, len(book.pages) - 1):
        assert f"汇编第 {index + 1} 页 / 共 {len(book.pages)} 页" in book.pages[index].extract_text()
    # The drafts are named in the summary, and marked in the 目录.
    summary = re.sub(r"\s+", "", book.pages[2].extract_text())
    assert "其中2份尚未定稿（株洲市行业办公室：草稿；桃江县桃冶社区服务指导中心：草稿）" in summary
    assert "（草稿）" in contents


def test_the_summary_workbook_carries_the_rescored_totals(demo, users, fake_render):
    assessment = demo[FUTIAN]
    workflow.assessment_submit(assessment=assessment, user=users["ft-preparer"])
    suffix = {"group_leader": "leader", "unit_head": "head", "supervisor": "supervisor", "finance": "finance"}
    for step in workflow.steps_for(assessment.unit):
        if step.code == "finance":
            break
        workflow.assessment_sign(assessment=load(assessment.pk), user=users[f"ft-{suffix[step.code]}"], opinion="同意")
    assessment = load(assessment.pk)
    sheet = exports.summary_from_data(workflow.assessment_data(assessment))
    leaf = next(c for c in sheet["columns"] if c["points"] and Decimal(c["points"]) >= 2)
    workflow.assessment_rescore(
        assessment=assessment,
        user=users["ft-finance"],
        indicator_key=leaf["code"],
        score=Decimal(leaf["points"]) - 2,
        reason="抽查",
    )
    workflow.assessment_sign(assessment=load(assessment.pk), user=users["ft-finance"], opinion="同意")
    assert load(assessment.pk).status == Assessment.Status.FINAL

    job = exports.export_start(user=users["admin"], year=None, scope="all", final_only=True)
    workbook = load_workbook(media(job.xlsx_file))
    overview = workbook["汇总"]
    heads = [cell.value for cell in overview[2]]
    [row] = [dict(zip(heads, r, strict=True)) for r in overview.iter_rows(min_row=3, values_only=True)]
    assert Decimal(str(row["复核后总分"])) == Decimal(str(row["总分"])) - 2
    assert row["复核后等次"]
    framework_sheet = workbook.worksheets[1]
    assert "复核后总分" in [cell.value for cell in framework_sheet[2]]
    summary = PdfReader(io.BytesIO(media(job.combined_pdf).read_bytes())).pages[2].extract_text()
    assert f"{Decimal(str(row['总分'])) - 2:.2f}" in summary


def drawn_text(pdf: bytes) -> list[list[tuple]]:
    """Per page: each piece of text with its font, size and place (the matrices pypdf applies)."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        seen = []

        def visit(text, cm, tm, font, size, seen=seen):
            if text.strip():
                seen.append((text, font["/BaseFont"].split("+")[-1], size, *cm, *tm))

        page.extract_text(visitor_text=visit)
        pages.append(seen)
    return pages


def test_each_pages_running_number_is_drawn_as_weasyprint_sets_it_in_the_top_margin():
    # What WeasyPrint draws with the number in each page's @top-right margin box, counted by CSS.
    css = CSS(
        string="@page { size: A4; margin: 20mm 17mm; @top-right { content: '汇编第 ' counter(page) ' 页 / 共 ' "
        "counter(pages) ' 页'; font-family: 'Noto Serif CJK SC', serif; font-size: 8.5pt; color: #333; } } "
        "@page :first { @top-right { content: none; } } div { break-after: page; } div:last-child { break-after: auto; }"
    )
    margins = (
        HTML(string="<!doctype html><body>" + "<div></div>" * 12 + "</body>").render(stylesheets=[css]).write_pdf()
    )
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(margins)).pages:
        writer.add_blank_page(page.mediabox.width, page.mediabox.height)
    exports.number_pages(writer)
    out = io.BytesIO()
    writer.write(out)

    expected, drawn = drawn_text(margins), drawn_text(out.getvalue())
    assert expected[0] == drawn[0] == []
    assert [p[0][0] for p in drawn[1:]] == [f"汇编第 {n} 页 / 共 12 页" for n in range(2, 13)]
    for want, got in zip(expected, drawn, strict=True):
        assert [line[:3] for line in got] == [line[:3] for line in want]
        # The same place to a hundredth of a CSS pixel: /W gives the glyphs' widths in whole thousandths of the size.
        assert [line[3:] for line in got] == [pytest.approx(line[3:], abs=0.01) for line in want]
