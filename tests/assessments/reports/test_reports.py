"""The self-assessment report (issue #6): every layout renders for every demo unit as HTML and as PDF with an embedded
CJK font, a final report shows its snapshot's figures and SHA-256, a draft carries the watermark, the views keep
strangers out, and the report context runs a pinned number of queries."""

import logging
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from assessments.models import Facts, Snapshot
from assessments.reports.render import render_report_html, render_report_pdf, report_context, report_filename

from .conftest import DEMO_UNITS, FUTIAN, LAYOUTS, TAOJIANG, ZHUZHOU, load

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "reports"


def leaf_explanations(context) -> list[str]:
    return [line["explanation"] for line in context["score_lines"] if line["is_leaf"] and line["explanation"]]


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("code", DEMO_UNITS)
def test_each_layout_renders_for_each_demo_unit_with_the_total_and_every_explanation(demo, code, layout):
    assessment = demo[code]
    context = report_context(assessment, layout=layout)
    html = render_report_html(assessment, layout=layout, context=context)
    assert '<html lang="zh-CN"' in html
    assert assessment.unit.name in html
    assert context["total"] and context["total"] in html
    assert context["grade"] in html
    explanations = leaf_explanations(context)
    assert explanations
    for explanation in explanations:
        assert escape(explanation) in html
    # Every inline chart names the CJK font itself: SVG text does not inherit the page's CSS.
    assert html.count("<svg") >= 1
    assert html.count("<svg") == html.count('font-family="Noto Serif CJK SC')


@pytest.mark.skipif(not shutil.which("pdffonts") or not shutil.which("pdftoppm"), reason="poppler-utils missing")
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("code", DEMO_UNITS)
def test_the_pdf_embeds_a_cjk_font_draws_every_glyph_and_its_first_page_is_saved(demo, code, layout, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    log: list[str] = []
    pdf = render_report_pdf(demo[code], layout=layout, log=log)
    assert pdf.startswith(b"%PDF")
    assert not [m for m in log if ".notdef" in m]
    # WeasyPrint's own warnings stay out of the log (settings.LOGGING); a missing glyph is logged by the report.
    assert not [r for r in caplog.records if "缺少中文字形" in r.getMessage()]
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK-SC" in line]
    assert cjk, fonts
    assert all(" yes " in line for line in cjk)  # embedded (and subset)
    # Two faces, each subset once per render: Serif for the text, Sans Bold for what is bold.
    assert {line.split()[0].split("+")[-1] for line in cjk} == {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / f"{code}-{layout}"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(path), str(prefix)], check=True)
    assert list(ARTIFACTS.glob(f"{code}-{layout}-*.png"))


def test_a_draft_carries_the_watermark_and_no_hash(demo, tmp_path):
    html = render_report_html(demo[ZHUZHOU])
    assert 'id="report-watermark"' in html
    assert "SHA-256" not in html
    text = pdf_text(render_report_pdf(demo[ZHUZHOU]), tmp_path)
    assert "草稿" in text
    assert re.search(r"第\s*2\s*页\s*/\s*共\s*\d+\s*页", text)


def test_a_final_report_shows_the_snapshot_hash_and_no_watermark(finalised_futian, tmp_path):
    snapshot = Snapshot.objects.get(assessment=finalised_futian)
    html = render_report_html(finalised_futian)
    assert f"定稿 SHA-256：{snapshot.sha256}" in html
    assert 'id="report-watermark"' not in html
    text = pdf_text(render_report_pdf(finalised_futian), tmp_path)
    assert snapshot.sha256 in text.replace("\n", "")
    assert "草稿" not in text


def test_a_final_report_is_filled_from_the_snapshot_with_the_signatures(finalised_futian):
    snapshot = Snapshot.objects.get(assessment=finalised_futian)
    frozen = snapshot.data["assessment"]["score"]
    # A write behind every guard's back (the database's own refuses it; lifted here as raw maintenance would) must not
    # reach the final report.
    from assessments import frozen as guards

    with guards.guards_lifted():
        Facts.objects.filter(assessment=finalised_futian).update(
            procurement_actual="1.00", public_funds_actual="500.00"
        )
    context = report_context(load(finalised_futian.pk))
    assert context["final"] and context["sha256"] == snapshot.sha256
    assert context["total"] == frozen["total"] == "96.97"
    assert [line["points"] for line in context["score_lines"]] == [line["points"] for line in frozen["lines"]]
    blocks = {block["title"]: block for block in context["signoffs"]}
    assert blocks["评价组组长意见"]["opinion"] == "评价组组长意见：同意。"
    assert blocks["财政部门归口业务科室意见"]["signer"]
    assert all(block["date"] for block in context["signoffs"])


def test_the_prior_year_is_compared_when_it_exists_and_no_empty_chart_is_printed_otherwise(demo):
    html = render_report_html(demo[ZHUZHOU])
    assert "年度得分对比" not in html and "chart-empty" not in html
    from assessments.services import assessment_create

    prior = assessment_create(unit=demo[ZHUZHOU].unit, year=2021, user=demo[ZHUZHOU].updated_by)
    assert prior.year == 2021
    context = report_context(demo[ZHUZHOU])
    assert context["has_prior"]
    assert "2021年度与2022年度得分对比" in context["chart_years"]
    assert 'font-family="Noto Serif CJK SC' in context["chart_years"]


def test_the_filename_names_year_and_unit():
    class Unit:
        name = "株洲市行业办公室"

    class Stub:
        year, unit, status = 2022, Unit(), "draft"

    assert report_filename(Stub()) == "2022年度株洲市行业办公室整体支出绩效自评报告.pdf"


def test_the_report_context_runs_a_pinned_number_of_queries(demo, django_assert_num_queries):
    assessment = demo[TAOJIANG]
    # facts, staffing, institutions, special funds, rows, projects, sign-offs, narrative, members, the prior year's
    # assessment, the project framework version, the explanations of the warnings, the finance reviewer's re-scores,
    # last year's 整改事项 (a final report reads them from its snapshot).
    with django_assert_num_queries(14):
        report_context(assessment)


def test_the_report_context_of_a_final_report_runs_a_pinned_number_of_queries(
    finalised_futian, django_assert_num_queries
):
    # The latest snapshot and the prior year's assessment; everything else comes from the snapshot (the Futian demo
    # has no projects, which would add the project framework version).
    with django_assert_num_queries(2):
        report_context(finalised_futian)


# --- views -----------------------------------------------------------------------------------------------------


def test_the_report_page_and_pdf_are_served_to_a_member_with_a_chinese_filename(demo, client, django_user_model):
    assessment = demo[ZHUZHOU]
    client.force_login(django_user_model.objects.get(username="zz-leader"))
    page = client.get(reverse("assessments:report", args=[assessment.pk]))
    assert page.status_code == 200
    assert "株洲市行业办公室" in page.content.decode()
    response = client.get(reverse("assessments:report_pdf", args=[assessment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    name = quote("2022年度株洲市行业办公室整体支出绩效自评报告.pdf")
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"filename*=utf-8''{name}" in response["Content-Disposition"].replace("UTF-8", "utf-8")


def test_the_report_can_be_shown_in_another_layout(demo, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="zz-preparer"))
    page = client.get(reverse("assessments:report", args=[demo[ZHUZHOU].pk]), {"layout": "hunan-zhou"})
    assert "一、基本概况" in page.content.decode()


def test_the_assessment_page_offers_the_report_downloads(demo, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="zz-preparer"))
    page = client.get(reverse("assessments:tab", args=[demo[ZHUZHOU].pk, "basic"])).content.decode()
    assert reverse("assessments:report", args=[demo[ZHUZHOU].pk]) in page
    assert reverse("assessments:report_pdf", args=[demo[ZHUZHOU].pk]) in page


@pytest.mark.parametrize("name", ["assessments:report", "assessments:report_pdf"])
def test_a_stranger_gets_404(client, assessment, charlie, name):
    client.force_login(charlie)
    assert client.get(reverse(name, args=[assessment.pk])).status_code == 404


def test_an_empty_new_assessment_renders_without_figures(client, assessment, alice):
    client.force_login(alice)
    response = client.get(reverse("assessments:report", args=[assessment.pk]))
    assert response.status_code == 200
    assert "甲单位" in response.content.decode()


def test_the_contents_labels_match_the_headings_they_link_to(demo):
    assessment = demo[ZHUZHOU]
    context = report_context(assessment, layout="futian")
    assert context["projects"], "the Zhuzhou demo has project tables"
    html = render_report_html(assessment, context=context)
    toc = html.split('<nav class="toc">', 1)[1].split("</nav>", 1)[0]
    assert "附件 1-3：" in toc and "附件 2" not in toc
    assert '<p class="annex-label">附件 1-3' in html


def test_each_signers_block_is_kept_whole_on_one_page(demo):
    html = render_report_html(demo[ZHUZHOU])
    blocks = html.count('<div class="signoff-block">')
    assert blocks == html.count('<table class="form signoff">') >= 3


def test_the_official_form_prints_the_annex_tables_without_explanation_lines(demo, client, django_user_model):
    assessment = demo[ZHUZHOU]
    explained = render_report_html(assessment)
    official = render_report_html(assessment, official=True)
    assert 'class="explain-row"' in explained and 'class="explain"' in explained and "说明：“项目支出”" in explained
    for line in ('class="explain-row"', 'class="explain"', 'class="explain missing"', "说明：“项目支出”"):
        assert line not in official
    # The rows the explanation took are not counted in the band's rowspan any more.
    assert '<th rowspan="7">年度预算申请（万元）</th>' in official
    assert "<th>三级指标</th><th>年度指标值</th><th>实际完成值</th><th>分值</th><th>得分</th>" in official
    futian = render_report_html(demo[FUTIAN], official=True)
    assert "评分依据（计算过程）" not in futian and 'class="explain-cell"' not in futian
    client.force_login(django_user_model.objects.get(username="zz-leader"))
    page = client.get(reverse("assessments:report", args=[assessment.pk]) + "?form=official").content.decode()
    assert "<strong>官方表样</strong>" in page and 'class="explain-row"' not in page
    pdf = client.get(reverse("assessments:report_pdf", args=[assessment.pk]) + "?form=official")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
