"""The annual export on the immediate task backend: the ZIP, the combined PDF with one bookmark per unit, the 汇总表
with the score sheets' figures; reuse of unchanged PDFs; a failing unit; claims; access and downloads."""

import io
import zipfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments.exports import services as exports
from assessments.exports.forms import DEPARTMENT_REQUIRED, REGION_REQUIRED
from assessments.exports.views import ADMIN_ONLY, progress
from assessments.models import ExportItem, ExportJob, Snapshot
from assessments.reports.render import report_filename
from assessments.selectors import assessment_data
from assessments.services import assessment_touch
from units.models import Unit

from .conftest import FUTIAN, TAOJIANG, ZHUZHOU, load


@pytest.fixture
def no_worker(settings):
    """Tasks are enqueued and left there (Django's dummy backend): the test runs them itself."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def expected_sheet(assessment) -> dict:
    """What the score sheet says: the frozen one for a final assessment, else the live one."""
    if assessment.status == "final":
        return Snapshot.objects.latest_for(assessment).data["assessment"]["score"]
    return assessment_data(assessment).scored().sheet.to_dict()


def media_file(job, field) -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / getattr(job, field)


def test_the_annual_export_makes_the_zip_the_combined_pdf_with_a_bookmark_per_unit_and_the_summary(
    demo, finalised_futian, users
):
    job = exports.export_start(user=users["admin"], year=None, scope="all")

    assert (job.status, job.total, job.done, job.failed, job.reused) == ("done", 3, 3, 0, 0)
    ordered = [demo[FUTIAN], demo[ZHUZHOU], demo[TAOJIANG]]  # by year, then unit code
    with zipfile.ZipFile(media_file(job, "zip_file")) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(
            [f"单位报告/{report_filename(a)}" for a in ordered]
            + ["全部年度部门整体支出绩效自评报告汇编（全部单位）.pdf", "全部年度绩效自评汇总表.xlsx"]
        )
        assert "单位报告/2021年度深圳市福田区老干部活动中心整体支出绩效自评报告.pdf" in names
        unit_pages = [len(PdfReader(io.BytesIO(archive.read(f"单位报告/{report_filename(a)}"))).pages) for a in ordered]
        assert all(archive.read(name).startswith(b"%PDF") for name in names if name.endswith(".pdf"))

    combined = PdfReader(media_file(job, "combined_pdf"))
    top = [entry for entry in combined.outline if not isinstance(entry, list)]
    assert [entry.title for entry in top] == [
        "封面及汇总表",
        "2021年度 深圳市福田区老干部活动中心",
        "2022年度 株洲市行业办公室",
        "2024年度 桃江县桃冶社区服务指导中心",
    ]
    front_pages = combined.get_destination_page_number(top[1])
    assert front_pages >= 3  # cover, 目录, summary table
    starts = [combined.get_destination_page_number(entry) for entry in top[1:]]
    assert starts == [front_pages, front_pages + unit_pages[0], front_pages + unit_pages[0] + unit_pages[1]]
    assert len(combined.pages) == front_pages + sum(unit_pages)
    summary_text = combined.pages[2].extract_text()
    assert "绩效自评汇总表" in summary_text and "96.97" in summary_text and "99.04%" in summary_text

    workbook = load_workbook(media_file(job, "xlsx_file"))
    overview = workbook["汇总"]
    heads = [cell.value for cell in overview[2]]
    rows = {row[2]: dict(zip(heads, row, strict=True)) for row in overview.iter_rows(min_row=3, values_only=True)}
    for assessment in ordered:
        sheet = expected_sheet(assessment)
        row = rows[assessment.unit.name]
        assert Decimal(str(row["总分"])) == Decimal(sheet["total"])
        assert row["等次"] == sheet["grade"]
        assert row["状态"] == assessment.status_label
    assert rows["深圳市福田区老干部活动中心"]["状态"] == "已定稿"
    assert Decimal(str(rows["株洲市行业办公室"]["预算执行率（%）"])) == Decimal("0.9904")  # 2681.55 ÷ 2707.46
    assert rows["株洲市行业办公室"]["主管部门"] == "株洲市人民政府"

    futian_sheet = next(ws for ws in workbook.worksheets if ws.title.startswith("福田区"))
    heads = [cell.value for cell in futian_sheet[2]]
    (futian_row,) = list(futian_sheet.iter_rows(min_row=3, values_only=True))
    values = dict(zip(heads, futian_row, strict=True))
    lines = {line["name"]: line for line in expected_sheet(demo[FUTIAN])["lines"] if line["is_leaf"]}
    assert Decimal(str(values["政府采购执行情况"])) == Decimal(lines["政府采购执行情况"]["points"]) == Decimal("1.99")
    assert Decimal(str(values["固定资产利用率"])) == Decimal("0")
    assert Decimal(str(values["总分"])) == Decimal("96.97")

    ten = next(ws for ws in workbook.worksheets if ws.title.startswith("财预"))
    heads = [cell.value for cell in ten[2]]
    assert heads[5:8] == ["预算执行率", "数量指标", "质量指标"]  # the framework's groups, not the units' own rows
    ten_rows = {row[1]: dict(zip(heads, row, strict=True)) for row in ten.iter_rows(min_row=3, values_only=True)}
    assert Decimal(str(ten_rows["株洲市行业办公室"]["预算执行率"])) == Decimal("9.90")  # the points
    assert Decimal(str(ten_rows["株洲市行业办公室"]["预算执行率（%）"])) == Decimal("0.9904")
    assert Decimal(str(ten_rows["株洲市行业办公室"]["数量指标"])) == Decimal("29.50")
    assert Decimal(str(ten_rows["桃江县桃冶社区服务指导中心"]["总分"])) == Decimal(
        expected_sheet(demo[TAOJIANG])["total"]
    )


def test_running_the_same_export_again_reuses_unchanged_pdfs_and_renders_a_changed_one(demo, users, fake_render):
    first = exports.export_start(user=users["admin"], year=None, scope="all")
    assert (first.status, len(fake_render.calls)) == ("done", 3)

    fake_render.calls.clear()
    second = exports.export_again(job=first, user=users["admin"])
    assert (second.status, second.done, second.reused, fake_render.calls) == ("done", 3, 3, [])
    assert set(second.items.values_list("status", flat=True)) == {"reused"}
    assert PdfReader(media_file(second, "combined_pdf")).pages  # assembled from the cached PDFs

    zhuzhou = demo[ZHUZHOU]
    assessment_touch(assessment=zhuzhou, user=users["zz-preparer"], expected_version=zhuzhou.lock_version)
    third = exports.export_again(job=first, user=users["admin"])
    assert (third.reused, fake_render.calls) == (2, [ZHUZHOU])


def test_a_final_assessment_is_fingerprinted_by_its_snapshot(demo, finalised_futian):
    snapshot = Snapshot.objects.latest_for(finalised_futian)
    key = exports.fingerprint(finalised_futian, snapshot)
    assert key == exports.fingerprint(load(finalised_futian.pk), snapshot)
    assert key != exports.fingerprint(finalised_futian, None)


def test_a_unit_whose_render_raises_is_reported_failed_and_the_others_complete(client, demo, users, fake_render):
    fake_render.fail = {ZHUZHOU}
    job = exports.export_start(user=users["admin"], year=None, scope="all")

    assert (job.status, job.done, job.failed) == ("done", 2, 1)
    failed = job.items.get(status="failed")
    assert failed.assessment.unit.code == ZHUZHOU and "模拟的渲染错误" in failed.error
    with zipfile.ZipFile(media_file(job, "zip_file")) as archive:
        unit_files = [n for n in archive.namelist() if n.startswith("单位报告/")]
    assert len(unit_files) == 2
    outline = [e.title for e in PdfReader(media_file(job, "combined_pdf")).outline if not isinstance(e, list)]
    assert outline == ["封面及汇总表", "2021年度 深圳市福田区老干部活动中心", "2024年度 桃江县桃冶社区服务指导中心"]

    client.force_login(users["admin"])
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "以下单位的报告生成失败" in page and "株洲市行业办公室" in page and "模拟的渲染错误" in page


@pytest.mark.parametrize(("failing", "queries"), [((), 1), ((ZHUZHOU,), 2), ((ZHUZHOU, TAOJIANG), 2)])
def test_the_assembly_reads_its_items_in_one_query_and_the_failed_units_names_in_one_more(
    demo, users, fake_render, django_assert_num_queries, failing, queries
):
    fake_render.fail = set(failing)
    job = exports.export_start(user=users["admin"], year=None, scope="all")
    assert (job.done, job.failed) == (3 - len(failing), len(failing))
    job = ExportJob.objects.select_related("requested_by").get(pk=job.pk)  # as export_assemble loads it

    with django_assert_num_queries(queries):
        exports.assemble(job)


def test_an_item_claimed_twice_is_rendered_once(demo, users, fake_render, no_worker):
    job = exports.export_start(user=users["admin"], year=2022, scope="all")
    (item,) = job.items.all()

    assert exports.export_render_item.call(item.pk) == "done"
    assert exports.export_render_item.call(item.pk) == "claimed-elsewhere"
    assert fake_render.calls == [ZHUZHOU]
    enqueued = [r.task.name for r in task_backends["default"].results]
    assert enqueued == ["export_render_item", "export_assemble"]  # by the task that finished the last item

    assert exports.export_assemble.call(job.pk) == "done"
    assert exports.export_assemble.call(job.pk) == "claimed-elsewhere"
    job.refresh_from_db()
    assert (job.status, job.done) == ("done", 1)


def test_an_item_another_worker_is_rendering_is_left_alone(demo, users, fake_render, no_worker):
    job = exports.export_start(user=users["admin"], year=2022, scope="all")
    item = job.items.get()
    assert exports.claim_item(item.pk) is True  # the other worker
    assert exports.export_render_item.call(item.pk) == "claimed-elsewhere"
    assert fake_render.calls == []


def test_the_scope_limits_the_units(demo, users, fake_render):
    department = Unit.objects.get(code="430200-000")
    job = exports.export_start(user=users["admin"], year=None, scope="department", department=department)
    assert [i.assessment.unit.code for i in job.items.all()] == [ZHUZHOU]
    assert job.scope_label == "株洲市人民政府及所属单位"

    from units.models import Region

    hunan = Region.objects.get(code="430000")
    job = exports.export_start(user=users["admin"], year=None, scope="region", region=hunan)
    assert sorted(i.assessment.unit.code for i in job.items.all()) == [ZHUZHOU, TAOJIANG]


def test_a_unit_administrator_exports_only_the_units_they_can_see(client, demo, users, fake_render):
    client.force_login(users["zz-admin"])
    response = client.post(reverse("exports:index"), {"year": "all", "scope": "all", "counted": "all"})
    job = ExportJob.objects.get()
    assert response.url == reverse("exports:job", args=[job.pk])
    assert [i.assessment.unit.code for i in job.items.all()] == [ZHUZHOU]


def test_the_form_shows_chinese_errors_next_to_the_fields(client, demo, users):
    client.force_login(users["admin"])
    page = client.post(reverse("exports:index"), {"year": "2022", "scope": "region"}).content.decode()
    assert REGION_REQUIRED in page and 'id="id_region"' in page and "is-invalid" in page
    page = client.post(reverse("exports:index"), {"year": "2022", "scope": "department"}).content.decode()
    assert DEPARTMENT_REQUIRED in page
    futian_department = Unit.objects.get(code="440304-000")
    page = client.post(
        reverse("exports:index"), {"year": "2022", "scope": "department", "department": futian_department.pk}
    ).content.decode()
    assert "所选年度和范围内没有绩效自评。" in page
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("name", ["exports:index", "dashboard"])
def test_a_non_administrator_is_refused(client, demo, users, name):
    client.force_login(users["zz-preparer"])
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert ADMIN_ONLY in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, demo):
    response = client.get(reverse("exports:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_another_administrator_cannot_see_or_download_the_export(client, demo, users, fake_render):
    job = exports.export_start(user=users["zz-admin"], year=None, scope="all")
    client.force_login(users["tj-admin"])
    assert client.get(reverse("exports:job", args=[job.pk])).status_code == 404
    for kind in ("pdf", "zip", "xlsx"):
        assert client.get(reverse("exports:download", args=[job.pk, kind])).status_code == 404
    client.force_login(users["zz-preparer"])
    assert client.get(reverse("exports:download", args=[job.pk, "pdf"])).status_code == 403


def test_the_requester_downloads_the_three_files(client, demo, users, fake_render):
    client.force_login(users["admin"])
    client.post(reverse("exports:index"), {"year": "all", "scope": "all", "counted": "all"})
    job = ExportJob.objects.get()
    expected = {"pdf": b"%PDF", "zip": b"PK", "xlsx": b"PK"}
    for kind, magic in expected.items():
        response = client.get(reverse("exports:download", args=[job.pk, kind]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(magic)
        assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("exports:download", args=[job.pk, "secret"])).status_code == 404


def test_the_job_page_polls_its_progress_until_the_export_is_finished(client, demo, users, fake_render, no_worker):
    client.force_login(users["admin"])
    job = exports.export_start(user=users["admin"], year=None, scope="all")
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page and "0 / 3" in page

    exports.export_render_item.call(job.items.first().pk)
    fragment = client.get(reverse("exports:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section class="card mb-3" id="export-progress"')
    assert "1 / 3" in fragment and "<html" not in fragment

    for item in job.items.filter(status="pending"):
        exports.export_render_item.call(item.pk)
    exports.export_assemble.call(job.pk)
    fragment = client.get(reverse("exports:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "下载合并 PDF" in fragment and "100" in fragment


def test_the_estimate_follows_the_pace_so_far(demo, users, monkeypatch):
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # frozen: the estimate must not depend on how long the test takes
    job = ExportJob.objects.create(
        requested_by=users["admin"], scope_label="全部单位", total=4, done=1, status="running"
    )
    job.started_at = now - timedelta(seconds=30)
    shown = progress(job)
    assert (shown["processed"], shown["percent"], shown["remaining"]) == (1, 25, "1 分 30 秒")
    assert ExportItem.objects.count() == 0
