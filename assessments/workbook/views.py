"""Excel round-trip screens: download the assessment's workbook, upload a filled one, see what would change (old → new)
or every error at once, then apply it. The parsed rows wait between preview and apply in a JSON file under MEDIA_ROOT
named by a random token (never served); apply validates them again and refuses a stale version."""

import io
import secrets

from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from assessments.access import get_assessment_for_user, get_rw_assessment_for_user
from assessments.layouts import layout_for
from assessments.models import Assessment
from assessments.services import StaleSave
from assessments.tabs import TABS
from assessments.workbook.build import workbook_bytes, workbook_filename
from assessments.workbook.imports import (
    STALE_PREVIEW,
    ParsedWorkbook,
    WorkbookRefused,
    parse_workbook,
    parsed_from_json,
    parsed_to_json,
    workbook_import,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_PREFIX = "workbook-import:"  # in the shared cache, one entry per previewed upload
PENDING_MAX_AGE = 2 * 60 * 60  # seconds a previewed upload may wait for its confirmation
NO_FILE = "请选择要上传的 Excel 工作簿（.xlsx）。"
EXPIRED = "这次上传已过期或已被使用，请重新上传工作簿。"
NOT_DRAFT = "这份自评当前状态为“{status}”，不能导入。"
APPLIED = "已导入 Excel 工作簿：{count} 项修改已保存。"
NOTHING_CHANGED = "工作簿与系统中的数据一致，没有需要保存的修改。"


def _context(assessment: Assessment, writable: bool, **extra) -> dict:
    return {
        "assessment": assessment,
        "layout": layout_for(assessment.unit),
        "tabs": TABS,
        "tab": "excel",
        "tab_label": "Excel 导入导出",
        "writable": writable and assessment.status == Assessment.Status.DRAFT,
        **extra,
    }


@require_GET
def workbook_page(request, assessment_id: int):
    assessment, writable = get_assessment_for_user(request.user, assessment_id)
    return render(request, "assessments/workbook/page.html", _context(assessment, writable))


@require_GET
def workbook_download(request, assessment_id: int):
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    content = io.BytesIO(workbook_bytes(assessment))
    return FileResponse(content, as_attachment=True, filename=workbook_filename(assessment), content_type=XLSX)


@require_POST
def workbook_upload(request, assessment_id: int):
    assessment = get_rw_assessment_for_user(request.user, assessment_id)
    if assessment.status != Assessment.Status.DRAFT:
        return _page_with_error(request, assessment, NOT_DRAFT.format(status=assessment.get_status_display()))
    upload = request.FILES.get("file")
    if upload is None:
        return _page_with_error(request, assessment, NO_FILE)
    try:
        parsed = parse_workbook(upload)
    except WorkbookRefused as refused:
        return _page_with_error(request, assessment, refused.message, filename=upload.name)
    result = workbook_import(
        assessment=assessment, parsed=parsed, user=request.user, expected_version=assessment.lock_version, apply=False
    )
    token = _store(parsed, request.user, assessment) if result.ok and result.changes else ""
    context = _context(
        assessment,
        True,
        result=result,
        token=token,
        filename=upload.name,
        lock_version=assessment.lock_version,
    )
    return render(request, "assessments/workbook/preview.html", context, status=200 if result.ok else 422)


@require_POST
def workbook_apply(request, assessment_id: int):
    assessment = get_rw_assessment_for_user(request.user, assessment_id)
    try:
        expected = int(request.POST.get("lock_version", ""))
    except ValueError:
        return HttpResponseBadRequest("缺少版本号。")
    parsed = _load(request.POST.get("token", ""), request.user, assessment)
    if parsed is None:
        return _page_with_error(request, assessment, EXPIRED)
    try:
        result = workbook_import(
            assessment=assessment, parsed=parsed, user=request.user, expected_version=expected, apply=True
        )
    except StaleSave:
        return _page_with_error(request, assessment, STALE_PREVIEW.format(current=_current_version(assessment)))
    except PermissionDenied:
        raise
    except ValidationError as error:  # no longer a draft
        return _page_with_error(request, assessment, " ".join(error.messages))
    if not result.ok:
        context = _context(assessment, True, result=result, token="", filename="", lock_version=expected)
        return render(request, "assessments/workbook/preview.html", context, status=422)
    _discard(request.POST.get("token", ""))
    messages.success(request, APPLIED.format(count=len(result.changes)) if result.changes else NOTHING_CHANGED)
    return redirect("assessments:tab", assessment.pk, "basic-data")


def _current_version(assessment: Assessment) -> int:
    return Assessment.objects.values_list("lock_version", flat=True).get(pk=assessment.pk)


def _page_with_error(request, assessment: Assessment, message: str, filename: str = ""):
    context = _context(assessment, True, refusal=message, filename=filename)
    return render(request, "assessments/workbook/page.html", context, status=422)


# --- the rows waiting between preview and apply -----------------------------------------------------------------


def _key(token: str) -> str | None:
    if not token or len(token) > 64 or not all(c.isalnum() or c in "-_" for c in token):
        return None
    return f"{PENDING_PREFIX}{token}"


def _store(parsed: ParsedWorkbook, user, assessment: Assessment) -> str:
    token = secrets.token_urlsafe(24)
    payload = {"user": user.pk, "assessment": assessment.pk, "parsed": parsed_to_json(parsed)}
    caches["shared"].set(_key(token), payload, timeout=PENDING_MAX_AGE)
    return token


def _load(token: str, user, assessment: Assessment) -> ParsedWorkbook | None:
    key = _key(token)
    payload = caches["shared"].get(key) if key is not None else None
    if payload is None:  # unknown, or older than PENDING_MAX_AGE
        return None
    if payload.get("user") != user.pk or payload.get("assessment") != assessment.pk:
        raise Http404("没有这次上传。")
    return parsed_from_json(payload["parsed"])


def _discard(token: str) -> None:
    key = _key(token)
    if key is not None:
        caches["shared"].delete(key)
