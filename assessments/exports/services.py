"""The annual export: every unit's report as a PDF, one combined PDF (cover, summary table, then each
report with a bookmark per unit), the 汇总表 in Excel and a ZIP of them all — in the background, through Django's
Tasks API.

`export_start` creates the job and one item per assessment and enqueues one `export_render_item` per item. A task
first CLAIMS its item (pending → running in one UPDATE): when that changes no row, another worker has it and the task
returns, so no item is ever rendered twice however many workers there are. The rendered PDF is kept under
MEDIA_ROOT/exports/cache/<fingerprint>.pdf, the fingerprint being what the report shows (the snapshot's SHA-256 for
a final assessment), so an unchanged report is reused by the next export. Two exports running at the same time over
the same unit have two items with one fingerprint: the render of a fingerprint holds a database lock, so the second
waits and reuses the first one's file. A failure is recorded on its item and the others go on. The task that
finishes the last item enqueues `export_assemble`, which claims the job the same way.

A worker that dies mid-render leaves its item running. While it renders, a worker writes a heartbeat on its item
every HEARTBEAT_EVERY; an item without one for STALE_AFTER (or whose worker process on this machine is gone) is put
back and enqueued again (`reclaim_stale_items`: by every render task, by the job page while someone watches it, and
by `manage.py reclaim_exports` from a timer), and the dead worker's task is marked failed. Its claim is void, so a
late finish by it counts nothing; the job page shows the unit as being retried."""

import io
import logging
import os
import re
import socket
import threading
import zipfile
from collections import OrderedDict
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection, connections, transaction
from django.db.models import F, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from assessments.models import Assessment, ExportItem, ExportJob, Snapshot
from assessments.reports.cache import cache_path, fingerprint, mark_used, write_atomically
from assessments.reports.render import REPORT_CSS, render_report_pdf, report_filename
from assessments.selectors import assessment_data
from assessments.summaries import percent, summary_from_data, summary_from_snapshot
from perfeval.runtime import collect_between_jobs
from perfeval.spreadsheets import append_row, cell_number
from units.access import visible_units

if TYPE_CHECKING:
    from pypdf import PdfReader

logger = logging.getLogger(__name__)

EXPORT_CSS = "css/export.css"
# The 汇总表's column of 全年执行数 ÷ 全年预算数 (an indicator may be called 预算执行率 too: its column holds points).
RATE_HEAD = "预算执行率（%）"
FINISHED_ITEM = (ExportItem.Status.DONE, ExportItem.Status.REUSED, ExportItem.Status.FAILED)
# A report renders in seconds (about 0.15 s a page); a rendering worker beats every HEARTBEAT_EVERY seconds, so an
# item silent for STALE_AFTER was left by a dead worker (or one cut off from the database).
HEARTBEAT_EVERY = 15
STALE_AFTER = timedelta(seconds=90)


# --- who, and which assessments ---------------------------------------------------------------------------------


def scope_filter(*, scope: str, region=None, department=None) -> Q:
    if scope == ExportJob.Scope.REGION:
        # 省 → 市 → 区（县）: a region reaches two levels down.
        return Q(unit__region=region) | Q(unit__region__parent=region) | Q(unit__region__parent__parent=region)
    if scope == ExportJob.Scope.DEPARTMENT:
        return Q(unit=department) | Q(unit__parent=department) | Q(unit__parent__parent=department)
    return Q()


def export_assessments(user, *, year: int | None, scope: str, region=None, department=None, final_only=False):
    queryset = Assessment.objects.filter(unit__in=visible_units(user)).filter(
        scope_filter(scope=scope, region=region, department=department)
    )
    if final_only:
        queryset = queryset.filter(status=Assessment.Status.FINAL)
    if year is not None:
        queryset = queryset.filter(year=year)
    return queryset.order_by("year", "unit__code", "pk")


def scope_label(*, scope: str, region=None, department=None) -> str:
    if scope == ExportJob.Scope.REGION and region is not None:
        return region.full_name
    if scope == ExportJob.Scope.DEPARTMENT and department is not None:
        return f"{department.name}及所属单位"
    return "全部单位"


def export_start(
    *, user, year: int | None, scope: str, region=None, department=None, final_only: bool = False
) -> ExportJob:
    """Create the job and its items, then hand every item to the task backend. With `final_only` only final
    assessments are exported; otherwise a report not final is rendered with its 草稿 watermark and the front matter
    names it."""
    assessment_ids = list(
        export_assessments(
            user, year=year, scope=scope, region=region, department=department, final_only=final_only
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        job = ExportJob.objects.create(
            year=year,
            scope=scope,
            region=region if scope == ExportJob.Scope.REGION else None,
            department=department if scope == ExportJob.Scope.DEPARTMENT else None,
            scope_label=scope_label(scope=scope, region=region, department=department),
            final_only=final_only,
            requested_by=user,
            total=len(assessment_ids),
        )
        ExportItem.objects.bulk_create(
            ExportItem(job=job, assessment_id=pk, position=index) for index, pk in enumerate(assessment_ids)
        )
    reclaim_stale_items()
    # After the commit, so that a worker on another connection finds the rows. The immediate backend runs each
    # task right here.
    for item_id in job.items.order_by("position").values_list("pk", flat=True):
        export_render_item.enqueue(item_id)
    if not assessment_ids:
        export_assemble.enqueue(job.pk)
    job.refresh_from_db()
    return job


def export_again(*, job: ExportJob, user) -> ExportJob:
    """The same year and scope once more (unchanged reports are reused from the cache)."""
    return export_start(
        user=user,
        year=job.year,
        scope=job.scope,
        region=job.region,
        department=job.department,
        final_only=job.final_only,
    )


# --- one item ---------------------------------------------------------------------------------------------------


def job_dir(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / "jobs" / str(job.pk)


def _relative(path: Path) -> str:
    return path.relative_to(Path(settings.MEDIA_ROOT)).as_posix()


def _summary(assessment: Assessment, snapshot) -> dict:
    if snapshot is not None:
        return summary_from_snapshot(assessment, snapshot)
    return summary_from_data(assessment_data(assessment))


def fingerprint_lock_key(key: str) -> int:
    """The fingerprint as a signed 64-bit advisory-lock key (two fingerprints sharing one only wait for each other)."""
    return int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)


@contextmanager
def rendering_exclusively(key: str):
    """Held while the PDF of one fingerprint is looked for and rendered: across processes and machines, whoever comes
    second waits here and then finds the first one's file. PostgreSQL's transaction-level advisory lock is released
    by the commit, or by the server when the worker dies. SQLite allows one writing process at a time and serves one
    machine: no lock there."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [fingerprint_lock_key(key)])
        yield


def _render_claimed(item: ExportItem) -> tuple[str, dict]:
    """Render (or reuse) the claimed item's PDF; (status, fields to store)."""
    assessment = item.assessment
    snapshot = Snapshot.objects.latest_for(assessment) if assessment.status == Assessment.Status.FINAL else None
    fields = {"summary": {**_summary(assessment, snapshot), "filename": report_filename(assessment)}}
    fields["fingerprint"] = key = fingerprint(assessment, snapshot)
    path = cache_path(key)
    fields["pdf_path"] = _relative(path)
    if path.exists():
        mark_used(path)  # a clean-up of the cache goes by when a file was last used
        return ExportItem.Status.REUSED, fields
    with rendering_exclusively(key):
        if path.exists():  # rendered by another export's item while this one waited for the lock
            return ExportItem.Status.REUSED, fields
        pdf = render_report_pdf(assessment)
        write_atomically(path, pdf)
    return ExportItem.Status.DONE, fields


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim_item(item_id: int) -> bool:
    """pending → running in one UPDATE: True for exactly one caller."""
    now = timezone.now()
    return bool(
        ExportItem.objects.filter(pk=item_id, status=ExportItem.Status.PENDING).update(
            status=ExportItem.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            rendered_by=worker_name(),
            attempts=F("attempts") + 1,
        )
    )


@contextmanager
def heartbeat(item: ExportItem):
    """Beat on the item from a thread while the body renders it, for as long as this worker still holds the claim."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(HEARTBEAT_EVERY):
                ExportItem.objects.filter(
                    pk=item.pk, status=ExportItem.Status.RUNNING, rendered_by=item.rendered_by
                ).update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat only makes the item look stale sooner; the render goes on
            logger.warning("年度导出：导出项 %s 的心跳写入失败", item.pk, exc_info=True)
        finally:
            connections.close_all()  # the thread's own database connection

    thread = threading.Thread(target=beat, name=f"export-heartbeat-{item.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _process_gone(worker: str) -> bool:
    """The worker ran on this machine and its process no longer exists (killed, crashed, restarted)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not (pid.isascii() and pid.isdigit()):
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False


def _fail_dead_task(item_id: int, worker: str) -> None:
    """The task result the dead worker left running is marked failed, so that the queue says what happened."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend keeps no results
        return
    running = DBTaskResult.objects.filter(status="RUNNING", task_path=export_render_item.module_path)
    for result in running.only("id", "args_kwargs"):
        if (result.args_kwargs or {}).get("args") == [item_id]:
            running.filter(pk=result.pk).update(
                status="FAILED",
                finished_at=timezone.now(),
                exception_class_path="assessments.exports.services.WorkerLost",
                traceback=f"生成进程 {worker or '?'} 已中断，导出项 {item_id} 已重新排队。",
            )


def reclaim_stale_items() -> list[int]:
    """Put items whose worker is gone back to pending and enqueue them again; their ids."""
    cutoff = timezone.now() - STALE_AFTER
    running = ExportItem.objects.filter(status=ExportItem.Status.RUNNING)
    reclaimed = []
    for pk, worker, started, beat in running.values_list("pk", "rendered_by", "started_at", "heartbeat_at"):
        last = beat or started
        if not (last is None or last < cutoff or _process_gone(worker)):
            continue
        # One by one and only if still as seen, so that of two processes reclaiming at once only one enqueues it.
        if running.filter(pk=pk, rendered_by=worker, started_at=started).update(
            status=ExportItem.Status.PENDING, started_at=None, heartbeat_at=None, rendered_by=""
        ):
            logger.warning("年度导出：导出项 %s 的生成进程 %s 已中断，已重新排队", pk, worker or "?")
            _fail_dead_task(pk, worker)
            reclaimed.append(pk)
    for pk in reclaimed:
        export_render_item.enqueue(pk)
    return reclaimed


@task()
def export_render_item(item_id: int) -> str:
    reclaim_stale_items()
    if not claim_item(item_id):
        return "claimed-elsewhere"
    item = ExportItem.objects.select_related(
        "assessment__unit__region__parent__parent",
        "assessment__unit__parent",
        "assessment__framework_version__framework",
    ).get(pk=item_id)
    ExportJob.objects.filter(pk=item.job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=item.started_at
    )
    try:
        with heartbeat(item):
            status, fields = _render_claimed(item)
    except Exception as exc:  # a unit's failure is reported on it; the other units go on
        logger.exception("年度导出：单位报告生成失败（导出项 %s）", item_id)
        status, fields = ExportItem.Status.FAILED, {"error": f"{type(exc).__name__}: {exc}"[:2000]}
    with transaction.atomic():
        # Still ours? An item reclaimed from this worker (it seemed dead) is counted by whoever holds it now.
        finished = ExportItem.objects.filter(
            pk=item_id, status=ExportItem.Status.RUNNING, rendered_by=item.rendered_by, started_at=item.started_at
        ).update(status=status, finished_at=timezone.now(), **fields)
        if not finished:
            logger.warning("年度导出：导出项 %s 已被重新分配，本次结果不计入", item_id)
            return "reclaimed"
        counters = {"failed": F("failed") + 1} if status == ExportItem.Status.FAILED else {"done": F("done") + 1}
        if status == ExportItem.Status.REUSED:
            counters["reused"] = F("reused") + 1
        ExportJob.objects.filter(pk=item.job_id).update(**counters)
    collect_between_jobs()
    job = ExportJob.objects.values("total", "done", "failed").get(pk=item.job_id)
    if job["done"] + job["failed"] >= job["total"]:
        export_assemble.enqueue(item.job_id)
    return status


# --- assembly ---------------------------------------------------------------------------------------------------


def claim_assembly(job_id: int) -> bool:
    return bool(
        ExportJob.objects.filter(pk=job_id, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]).update(
            status=ExportJob.Status.ASSEMBLING
        )
    )


@task()
def export_assemble(job_id: int) -> str:
    if not claim_assembly(job_id):
        return "claimed-elsewhere"
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        paths = assemble(job)
    except Exception as exc:
        logger.exception("年度导出：合并失败（导出 %s）", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return "failed"
    ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.DONE, finished_at=timezone.now(), **paths)
    return "done"


def export_title(job: ExportJob) -> str:
    return f"{job.year_label}部门整体支出绩效自评报告汇编"


def assemble(job: ExportJob) -> dict:
    items = list(job.items.order_by("position", "pk"))
    rendered = [item for item in items if item.status in (ExportItem.Status.DONE, ExportItem.Status.REUSED)]
    directory = job_dir(job)
    directory.mkdir(parents=True, exist_ok=True)
    base = f"{export_title(job)}（{job.scope_label}）"

    xlsx = directory / f"{job.year_label}绩效自评汇总表.xlsx"
    write_atomically(xlsx, summary_workbook(job, items))
    # Each report is parsed once: for its length in the 目录, then merged from the same reader.
    reports = [(item, _read_report(item)) for item in rendered]
    page_counts = {item.pk: len(reader.pages) for item, reader in reports}
    front = front_matter_pdf(job, items, page_counts=page_counts)
    collect_between_jobs()
    combined = directory / f"{base}.pdf"
    write_atomically(combined, combine_pdfs(front, reports))
    archive = directory / f"{base}.zip"
    write_atomically(archive, zip_bytes(rendered, combined=combined, xlsx=xlsx))
    return {"zip_file": _relative(archive), "combined_pdf": _relative(combined), "xlsx_file": _relative(xlsx)}


def _read_report(item: ExportItem) -> "PdfReader":
    from pypdf import PdfReader

    return PdfReader(Path(settings.MEDIA_ROOT) / item.pdf_path)


def summary_rows(items: list[ExportItem]) -> list[dict]:
    rows = []
    for number, item in enumerate(items, start=1):
        summary = item.summary or {}
        rows.append(
            {
                "number": number,
                "unit": summary.get("unit") or str(item.assessment),
                "department": summary.get("department", ""),
                "year": summary.get("year", ""),
                "status": summary.get("status_label", ""),
                "total": summary.get("total") or "—",
                "grade": summary.get("grade") or "—",
                "rescored_total": summary.get("rescored_total") or "",
                "rescored_grade": summary.get("rescored_grade") or "",
                "rate": percent(summary.get("execution_rate")),
                "failed": item.status == ExportItem.Status.FAILED,
                "draft": summary.get("status", Assessment.Status.FINAL) != Assessment.Status.FINAL,
                "error": item.error,
            }
        )
    return rows


def _front_html(job: ExportJob, items: list[ExportItem], rows: list[dict], *, front_pages: int) -> str:
    return render_to_string(
        "assessments/exports/combined_front.html",
        {
            "job": job,
            "title": export_title(job),
            "rows": rows,
            "drafts": [row for row in rows if row["draft"] and not row["failed"]],
            "rendered": sum(1 for i in items if i.status != ExportItem.Status.FAILED),
            "failed": sum(1 for i in items if i.status == ExportItem.Status.FAILED),
            "date": timezone.localdate(),
            "front_pages": front_pages,
        },
    )


# Layouts of the front matter at most: the last one is kept whatever its length (a number's width moving a line to
# the next page and back would never settle).
FRONT_RENDERS = 4


def front_matter_pdf(job: ExportJob, items: list[ExportItem], *, page_counts: dict[int, int] | None = None) -> bytes:
    """The cover, the 目录 (each report's first page in the book) and the summary table of all units, with the
    reports' fonts and CSS. The 目录's page numbers depend on the front matter's own length: it is rendered until
    that length no longer changes (twice, unless a number's width moves a line to another page)."""
    from weasyprint import CSS, HTML

    failed = [item for item in items if not item.summary]  # named from the database, in one query
    if failed:
        named = Assessment.objects.select_related("unit").in_bulk([item.assessment_id for item in failed])
        for item in failed:
            item.assessment = named[item.assessment_id]
    rows = summary_rows(items)
    stylesheets = [CSS(filename=finders.find(REPORT_CSS)), CSS(filename=finders.find(EXPORT_CSS))]
    front_pages, document = 0, None
    for _ in range(FRONT_RENDERS):
        start = front_pages + 1
        for row, item in zip(rows, items, strict=True):
            pages = (page_counts or {}).get(item.pk)
            row["page"] = start if pages else None
            start += pages or 0
        html = _front_html(job, items, rows, front_pages=front_pages)
        document = None  # the previous layout's boxes go before the next one is built
        document = HTML(string=html, base_url=settings.BASE_DIR.as_uri() + "/").render(stylesheets=stylesheets)
        counted = len(document.pages)
        if counted == front_pages:
            break
        front_pages = counted
    # Only the layout that kept its length becomes a PDF (writing one costs about a third of its layout).
    return document.write_pdf()


# The book's running page number, in the top margin of every page but the cover; each report keeps its own
# 第n页/共m页 at the foot.
RUNNING_NUMBER = "汇编第 {page} 页 / 共 {pages} 页"
RUNNING_NUMBER_CSS = (
    "@page {{ size: A4; margin: 20mm 17mm; @top-right {{ content: '{text}'; font-family: 'Noto Serif CJK SC', serif; "
    "font-size: 8.5pt; color: #333; }} }}"
)
# The name of a page's running number among its XObjects (WeasyPrint's own names are short: a1.0, x3, …).
RUNNING_NUMBER_NAME = "/PerfevalRunningNumber"


class RunningNumbers:
    """Each page's running number, drawn as WeasyPrint sets it in the page margin (RUNNING_NUMBER_CSS).

    WeasyPrint lays out one page with a sample number in which every digit appears; a page's number is that page's
    drawing with the sample's glyph codes replaced by its own and its x moved by the difference in width (the number
    is right-aligned), in the same embedded font. Laying out an empty WeasyPrint page for each page of the book was
    most of the assembly of a 200-unit export (bench/RESULTS.md)."""

    SAMPLE = RUNNING_NUMBER.format(page="0123456789", pages="0123456789")
    # WeasyPrint 70 draws a line of text as: Tm (flipped y), Tf, then one TJ of hex glyph codes and 0 adjustments.
    TEXT = re.compile(
        rb"1 0 0 -1 (?P<x>[-\d.]+) (?P<y>[-\d.]+) Tm\s+/(?P<font>\S+) (?P<size>[\d.]+) Tf\s+\[(?P<glyphs>[^\]]*)\] TJ"
    )

    def __init__(self, writer):
        from pypdf import PdfReader
        from weasyprint import CSS, HTML

        css = CSS(string=RUNNING_NUMBER_CSS.format(text=self.SAMPLE))
        pdf = HTML(string="<!doctype html><html><body></body></html>").render(stylesheets=[css]).write_pdf()
        sample = PdfReader(io.BytesIO(pdf)).pages[0]
        content = sample.get_contents().get_data()
        match = self.TEXT.search(content)
        runs = re.findall(rb"<([0-9a-fA-F]*)>|([-\d.]+)", match["glyphs"]) if match else []
        codes = b"".join(code for code, _ in runs).decode()
        if not match or len(codes) != 4 * len(self.SAMPLE) or any(float(shift) for _, shift in runs if shift):
            raise ValueError(f"汇编页码：无法识别 WeasyPrint 排出的页码（{content[:400]!r}）")
        self.writer = writer
        self.before, self.after = content[: match.start()], content[match.end() :]
        self.y, self.font, self.size = match["y"].decode(), match["font"].decode(), match["size"].decode()
        font = sample["/Resources"]["/Font"][f"/{self.font}"].get_object()
        widths = _glyph_widths(font["/DescendantFonts"][0].get_object())
        self.code = {char: codes[4 * i : 4 * i + 4] for i, char in enumerate(self.SAMPLE)}
        self.advance = {char: widths(int(code, 16)) * float(self.size) / 1000 for char, code in self.code.items()}
        self.right = float(match["x"]) + self.width(self.SAMPLE)
        self.box = sample.mediabox
        self.resources = writer._add_object(sample["/Resources"].clone(writer))  # one for every page's number

    def width(self, text: str) -> float:
        return sum(self.advance[char] for char in text)

    def form(self, page: int, pages: int):
        """Page `page`'s number as a Form XObject of the writer."""
        from pypdf.generic import ArrayObject, FloatObject, NameObject, StreamObject

        text = RUNNING_NUMBER.format(page=page, pages=pages)
        glyphs = "".join(self.code[char] for char in text)
        line = f"1 0 0 -1 {self.right - self.width(text):f} {self.y} Tm\n/{self.font} {self.size} Tf\n[<{glyphs}>] TJ"
        stream = StreamObject()
        stream.set_data(self.before + line.encode() + self.after)
        stream.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(FloatObject(value) for value in self.box),
                NameObject("/Resources"): self.resources,
            }
        )
        return self.writer._add_object(stream.flate_encode())


def _glyph_widths(cid_font):
    """A CID font's advance widths (per 1,000 of the size) by glyph code, from its /W array and /DW."""
    default = float(cid_font.get("/DW", 1000))
    widths: dict[int, float] = {}
    entries = list(cid_font.get("/W", []))
    index = 0
    while index < len(entries):
        first, following = int(entries[index]), entries[index + 1]
        if isinstance(following, list):  # c [w1 w2 …]
            widths.update((first + offset, float(width)) for offset, width in enumerate(following))
            index += 2
        else:  # c_first c_last w
            widths.update((code, float(entries[index + 2])) for code in range(first, int(following) + 1))
            index += 3
    return lambda code: widths.get(code, default)


def number_pages(writer) -> None:
    """Lay each page's running number over it (none on the cover). The page's own drawing is wrapped in q … Q, so
    that the state it leaves (WeasyPrint's flipped coordinates) does not move the number; its content streams are
    kept as they are."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

    def stream(data: bytes):
        plain = StreamObject()
        plain.set_data(data)
        return writer._add_object(plain)

    numbers = RunningNumbers(writer)
    save = stream(b"q\n")
    restore_and_draw = stream(f"\nQ\nq {RUNNING_NUMBER_NAME} Do Q\n".encode())
    pages = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        if number == 1:  # the cover
            continue
        resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject(RUNNING_NUMBER_NAME)] = numbers.form(number, pages)
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.get("/Contents")
        drawn = contents.get_object() if contents is not None else ArrayObject()
        parts = list(drawn) if isinstance(drawn, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([save, *parts, restore_and_draw])


def bookmark_title(item: ExportItem) -> str:
    summary = item.summary or {}
    return f"{summary.get('year', '')}年度 {summary.get('unit', '')}"


def combine_pdfs(front: bytes, reports: list[tuple[ExportItem, "PdfReader"]]) -> bytes:
    """The front matter, then each unit's PDF (item and its reader) with one top-level bookmark per unit (its own
    headings below it), every page numbered across the book."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.append(io.BytesIO(front), outline_item="封面及汇总表", import_outline=False)
    for item, reader in reports:
        writer.append(reader, outline_item=bookmark_title(item))
    number_pages(writer)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    writer.close()
    return out.getvalue()


def _unique(name: str, used: set[str]) -> str:
    stem, dot, extension = name.rpartition(".")
    candidate, number = name, 2
    while candidate in used:
        candidate = f"{stem}（{number}）{dot}{extension}"
        number += 1
    used.add(candidate)
    return candidate


def zip_bytes(items: list[ExportItem], *, combined: Path, xlsx: Path) -> bytes:
    """单位报告/<report_filename> for every rendered unit, then the combined PDF and the 汇总表 at the top."""
    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            name = _unique(f"单位报告/{item.summary.get('filename') or f'{item.assessment_id}.pdf'}", used)
            archive.write(Path(settings.MEDIA_ROOT) / item.pdf_path, name, compress_type=zipfile.ZIP_STORED)
        archive.write(combined, combined.name, compress_type=zipfile.ZIP_STORED)
        archive.write(xlsx, xlsx.name)
    return out.getvalue()


# --- the 汇总表 ---------------------------------------------------------------------------------------------------

_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_UNSAFE.sub("", name)[:28] or "指标体系"
    candidate, number = base, 2
    while candidate in used:
        candidate = f"{base[:26]}{number}"
        number += 1
    used.add(candidate)
    return candidate


def summary_workbook(job: ExportJob, items: list[ExportItem]) -> bytes:
    """汇总: one row per unit (total, grade, execution rate, status). Then one sheet per framework version (their
    indicators differ): every indicator's score, total, grade, execution rate."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook()
    overview = workbook.active
    overview.title = "汇总"
    used = {"汇总"}
    heads = [
        "序号",
        "单位编码",
        "单位",
        "主管部门",
        "行政区划",
        "年度",
        "状态",
        "指标体系",
        "总分",
        "等次",
        "复核后总分",
        "复核后等次",
        RATE_HEAD,
        "导出结果",
    ]
    append_row(overview, [f"{export_title(job)}·汇总表（{job.scope_label}）"])
    append_row(overview, heads)
    by_framework: OrderedDict[tuple, list[ExportItem]] = OrderedDict()
    for number, item in enumerate(items, start=1):
        s = item.summary or {}
        framework = s.get("framework") or {}
        append_row(
            overview,
            [
                number,
                s.get("unit_code", ""),
                s.get("unit") or str(item.assessment_id),
                s.get("department", ""),
                s.get("region", ""),
                s.get("year"),
                s.get("status_label", ""),
                framework.get("name", ""),
                cell_number(s.get("total")),
                s.get("grade") or "",
                cell_number(s.get("rescored_total")),
                s.get("rescored_grade") or "",
                cell_number(s.get("execution_rate")),
                f"失败：{item.error}" if item.status == ExportItem.Status.FAILED else "已生成",
            ],
        )
        if framework and s.get("columns"):
            by_framework.setdefault((framework["code"], framework["version"], framework["name"]), []).append(item)
    _format(
        overview,
        heads,
        total_column=9,
        rate_column=13,
        bold=bold,
        get_column_letter=get_column_letter,
        score_columns=[11],
    )

    for (code, version, name), group in by_framework.items():
        sheet = workbook.create_sheet(_sheet_name(name, used))
        columns: OrderedDict[str, str] = OrderedDict()
        for item in group:
            for column in item.summary["columns"]:
                columns.setdefault(column["code"], column["name"])
        heads = [
            "序号",
            "单位",
            "主管部门",
            "年度",
            "状态",
            *columns.values(),
            "总分",
            "等次",
            "复核后总分",
            "复核后等次",
        ]
        heads.append(RATE_HEAD)
        append_row(sheet, [f"{name}（{code} 第 {version} 版）"])
        append_row(sheet, heads)
        for number, item in enumerate(group, start=1):
            s = item.summary
            points = {column["code"]: column["points"] for column in s["columns"]}
            append_row(
                sheet,
                [
                    number,
                    s["unit"],
                    s.get("department", ""),
                    s.get("year"),
                    s.get("status_label", ""),
                    *(cell_number(points.get(code_)) for code_ in columns),
                    cell_number(s.get("total")),
                    s.get("grade") or "",
                    cell_number(s.get("rescored_total")),
                    s.get("rescored_grade") or "",
                    cell_number(s.get("execution_rate")),
                ],
            )
        first_score = 6
        _format(
            sheet,
            heads,
            total_column=first_score + len(columns),
            rate_column=first_score + len(columns) + 4,
            bold=bold,
            get_column_letter=get_column_letter,
            score_columns=[*range(first_score, first_score + len(columns)), first_score + len(columns) + 2],
        )
        for cell in sheet[2]:
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _format(sheet, heads, *, total_column, rate_column, bold, get_column_letter, score_columns=()):
    sheet["A1"].font = bold
    for cell in sheet[2]:
        cell.font = bold
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if cell.column == rate_column:
                cell.number_format = "0.00%"
            elif cell.column == total_column or cell.column in score_columns:
                cell.number_format = "0.00"
    for index, head in enumerate(heads, start=1):
        width = 8 if index in score_columns else max(8, min(30, len(head) * 2 + 2))
        if head in ("单位", "主管部门", "行政区划", "导出结果"):
            width = 28
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C3"
