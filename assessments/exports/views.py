"""年度导出 screens: the form, the job page with its progress (polled by htmx every second) and the downloads, each
through a view that checks the user — the files are never served as static media."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from assessments.access import ADMIN_ONLY, require_administrator  # noqa: F401 - ADMIN_ONLY: the refusal tests read
from assessments.exports.forms import ExportForm
from assessments.exports.services import export_again, export_start, reclaim_stale_items
from assessments.models import ExportItem, ExportJob

DOWNLOADS = {"zip": "zip_file", "pdf": "combined_pdf", "xlsx": "xlsx_file"}
CONTENT_TYPES = {
    "zip": "application/zip",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def get_job_for_user(user, job_id) -> ExportJob:
    """An administrator sees the exports they started (a superuser every export); another's is a 404."""
    require_administrator(user)
    jobs = ExportJob.objects.select_related("requested_by")
    if not user.is_superuser:
        jobs = jobs.filter(requested_by=user)
    return get_object_or_404(jobs, pk=job_id)


def export_index(request):
    require_administrator(request.user)
    form = ExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = export_start(user=request.user, **form.export_arguments(form.cleaned_data))
        return redirect("exports:job", job.pk)
    jobs = ExportJob.objects.filter(requested_by=request.user)[:20]
    return render(request, "assessments/exports/index.html", {"form": form, "jobs": jobs})


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = max(0, int(seconds))
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} 分 {seconds:02d} 秒" if minutes else f"{seconds} 秒"


def progress(job: ExportJob) -> dict:
    """done / total, elapsed, and an estimate of the time left from the pace so far."""
    processed = job.done + job.failed
    start = job.started_at or job.created_at
    end = job.finished_at or timezone.now()
    elapsed = (end - start).total_seconds()
    remaining = None
    if not job.finished and processed:
        remaining = elapsed / processed * (job.total - processed)
    percent = 100 if job.status == ExportJob.Status.DONE else int(processed * 100 / job.total) if job.total else 0
    return {
        "processed": processed,
        "rendered": job.done - job.reused,
        "percent": percent,
        "elapsed": _duration(elapsed),
        "remaining": _duration(remaining) if remaining is not None else ("—" if not job.finished else "0 秒"),
        "failed_items": list(
            job.items.filter(status=ExportItem.Status.FAILED).select_related("assessment__unit").order_by("position")
        ),
        # Items put back after their worker died: pending again, or running a second time.
        "retried_items": list(
            job.items.filter(status__in=[ExportItem.Status.PENDING, ExportItem.Status.RUNNING], attempts__gt=0)
            .exclude(status=ExportItem.Status.RUNNING, attempts=1)
            .select_related("assessment__unit")
            .order_by("position")
        ),
    }


@require_GET
def job_page(request, job_id: int):
    job = get_job_for_user(request.user, job_id)
    if not job.finished and reclaim_stale_items():  # someone is watching: a dead worker's items go back at once
        job.refresh_from_db()
    context = {"job": job, **progress(job)}
    if request.htmx:
        return render(request, "assessments/exports/job.html#progress", context)
    return render(request, "assessments/exports/job.html", context)


@require_POST
def job_again(request, job_id: int):
    job = get_job_for_user(request.user, job_id)
    again = export_again(job=job, user=request.user)
    return redirect("exports:job", again.pk)


@require_GET
def job_download(request, job_id: int, kind: str):
    job = get_job_for_user(request.user, job_id)
    if kind not in DOWNLOADS or job.status != ExportJob.Status.DONE:
        raise Http404("没有这个文件。")
    relative = getattr(job, DOWNLOADS[kind])
    path = (Path(settings.MEDIA_ROOT) / relative).resolve()
    if not relative or not path.is_file() or Path(settings.MEDIA_ROOT).resolve() not in path.parents:
        raise Http404("文件不存在，请重新导出。")
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type=CONTENT_TYPES[kind])
