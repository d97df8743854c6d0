"""Review screens: the 审签 tab's actions (submit, sign, return, re-score, reopen), the audit trail and the inbox.
Each action is one view calling one service; refusals come back as a Chinese message on the 审签 tab."""

import csv
import datetime
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.access import get_assessment_for_user
from assessments.models import Assessment, AuditEvent, Notification, ReviewComment
from assessments.selectors import assessment_data
from assessments.tabs import tab_context
from assessments.workflow import services as workflow
from assessments.workflow.checklist import submit_checklist
from assessments.workflow.inbox import (
    LIST_NAMES,
    first_page_readers,
    held_units,
    inbox_list,
    reached_assessments,
    recent_reminders,
    unread_notifications,
)
from perfeval.paging import paginate, search_text
from perfeval.spreadsheets import csv_row
from units.deadlines import all_deadlines, deadline_for
from units.models import Delegation, Membership


def _done(request, assessment, call, success: str):
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error) or "您没有执行此操作的权限。")
    else:
        messages.success(request, success)
    return redirect("assessments:tab", assessment.pk, "review")


def submit_view(request, assessment_id: int):
    """GET: the submit checklist (提交前检查) with what happens next; POST: submit what the preparer confirmed."""
    assessment, writable = get_assessment_for_user(request.user, assessment_id)
    if request.method == "POST":
        confirmed = request.POST.get("confirmed", "")
        if confirmed and request.POST.get("acknowledge") != "yes":
            messages.error(request, "请勾选“我已核对以上事项，确认提交”。")
            return redirect("assessments:submit", assessment.pk)
        return _done(
            request,
            assessment,
            lambda: workflow.assessment_submit(assessment=assessment, user=request.user, confirmed=confirmed),
            "已提交。",
        )
    data = assessment_data(assessment)
    context = tab_context(data, "review", writable)
    scored = context["scored"]
    checklist = submit_checklist(data, scored, checks=context["checks"]) if scored is not None else None
    steps = workflow.steps_for(assessment.unit)
    context.update(
        {
            "checklist": checklist,
            "first_step": steps[0] if steps else None,
            "first_holders": workflow.step_holders(assessment, steps[0]) if steps else [],
            "can_submit": workflow.allowed_actions(request.user, assessment).submit,
        }
    )
    return render(request, "assessments/workflow/submit.html", context)


@require_POST
def withdraw_view(request, assessment_id: int):
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    return _done(
        request,
        assessment,
        lambda: workflow.assessment_withdraw(assessment=assessment, user=request.user),
        "已撤回，自评回到草稿状态，可以继续修改。",
    )


@require_POST
def sign_view(request, assessment_id: int):
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    opinion = request.POST.get("opinion", "")
    return _done(
        request,
        assessment,
        lambda: workflow.assessment_sign(assessment=assessment, user=request.user, opinion=opinion),
        "已签署。",
    )


@require_POST
def comment_view(request, assessment_id: int):
    """A reviewer's comment on one indicator or finding: the select's value is "indicator:<code>" or
    "finding:<code>"."""
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    target, _, key = request.POST.get("target", "").partition(":")
    text = request.POST.get("text", "")
    return _done(
        request,
        assessment,
        lambda: workflow.comment_add(assessment=assessment, user=request.user, target=target, key=key, text=text),
        "已添加批注。",
    )


@require_POST
def comment_answer_view(request, assessment_id: int, comment_id: int):
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    comment = ReviewComment.objects.filter(assessment=assessment, pk=comment_id).first()
    if comment is None:
        raise Http404
    text = request.POST.get("answer", "")
    back = "self-eval" if request.POST.get("back") == "self-eval" else "review"
    try:
        workflow.comment_answer(comment=comment, user=request.user, text=text)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已保存答复。")
    return redirect(reverse("assessments:tab", args=[assessment.pk, back]) + f"#comment-{comment.pk}")


@require_POST
def return_view(request, assessment_id: int):
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    reason, to_step = request.POST.get("reason", ""), request.POST.get("to_step", "")
    return _done(
        request,
        assessment,
        lambda: workflow.assessment_return(assessment=assessment, user=request.user, reason=reason, to_step=to_step),
        "已退回。",
    )


class RescoreForm(forms.Form):
    """The re-score as typed: a finite number with at most 2 places (the column's), so what is stored and audited is
    what the reviewer typed. The indicator, the range and the reason are the service's rules."""

    score = forms.DecimalField(
        max_digits=6,
        decimal_places=2,
        error_messages={
            "required": workflow.RESCORE_NOT_A_NUMBER,
            "invalid": workflow.RESCORE_NOT_A_NUMBER,
            "max_decimal_places": "复核得分最多保留 2 位小数。",
            "max_digits": "复核得分过大。",
            "max_whole_digits": "复核得分过大。",
        },
    )


@require_POST
def rescore_view(request, assessment_id: int):
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    form = RescoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["score"]))
        return redirect("assessments:tab", assessment.pk, "review")
    score = form.cleaned_data["score"]
    return _done(
        request,
        assessment,
        lambda: workflow.assessment_rescore(
            assessment=assessment,
            user=request.user,
            indicator_key=request.POST.get("indicator", ""),
            score=score,
            reason=request.POST.get("reason", ""),
        ),
        "已记录抽查复核得分。",
    )


@require_POST
def reopen_view(request, assessment_id: int):
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    reason = request.POST.get("reason", "")
    return _done(
        request,
        assessment,
        lambda: workflow.assessment_reopen(assessment=assessment, user=request.user, reason=reason),
        "已重新开启，状态回到草稿。",
    )


def audit_view(request, assessment_id: int):
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    events = list(AuditEvent.objects.filter(assessment=assessment).order_by("created_at", "pk"))
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{assessment.year}-audit-{assessment.pk}.csv"
        response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = csv.writer(response)
        writer.writerow(csv_row(["时间", "用户", "操作", "意见或原因", "修改项", "原值", "新值"]))
        for event in events:
            when = timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S")
            rows = event.changes or [{"where": "", "old": "", "new": ""}]
            for change in rows:
                writer.writerow(
                    csv_row(
                        [
                            when,
                            event.user_name,
                            event.action_label,
                            event.detail,
                            change["where"],
                            change["old"],
                            change["new"],
                        ]
                    )
                )
        return response
    return render(request, "assessments/workflow/audit.html", {"assessment": assessment, "events": events})


INBOX_PAGE = 20
REMINDERS_SHOWN = datetime.timedelta(days=30)


def inbox(request):
    """待我处理 · 被退回 · 我已处理 · 未提交, each a page of its own, with each region-year's deadline and overdue
    items marked. The lists are selected by the database, so a reviewer of thousands of units gets a page as fast as
    a preparer of one (assessments.workflow.inbox)."""
    user, today = request.user, timezone.localdate()
    query = search_text(request)
    memberships = list(Membership.objects.filter(user=user).order_by().values_list("unit_id", "role"))
    delegations = list(
        Delegation.objects.filter(delegate=user, starts__lte=today, ends__gte=today)
        .order_by()
        .values_list("unit_id", "role")
    )
    units = held_units(memberships, delegations)
    # Without a search, each list's first page comes by its query compiled once for users holding as many units; the
    # list itself is built only to count and page a longer one.
    readers = first_page_readers(user, units, INBOX_PAGE + 1) if not query else {}
    pages = {
        name: paginate(
            request,
            partial(inbox_list, name, user, units, query) if name in readers else inbox_list(name, user, units, query),
            per_page=INBOX_PAGE,
            param=name,
            first_rows=readers.get(name),
        )
        for name in LIST_NAMES
    }
    deadlines = all_deadlines()
    for page in pages.values():
        for assessment in page.object_list:
            due = deadline_for(assessment.unit.region, assessment.year, deadlines)
            assessment.due = due
            assessment.overdue = due is not None and today > due and assessment.status != Assessment.Status.FINAL
    notifications = unread_notifications(user)
    batchable = any(a.current_step in workflow.BATCH_STEPS for a in pages["waiting"].object_list)
    reminders = recent_reminders(user, units["seen"], timezone.now() - REMINDERS_SHOWN, query)
    context = {
        **pages,
        "query": query,
        "notifications": notifications,
        "batchable": batchable,
        "reminders": reminders,
    }
    return render(request, "assessments/workflow/inbox.html", context)


BATCH_NONE_CHOSEN = "请勾选要签署的自评。"


@require_POST
def batch_sign_view(request):
    """批量签署 from 待我处理: the ticked assessments the user can see, each signed or refused on its own."""
    ids = [int(pk) for pk in request.POST.getlist("assessment") if pk.isascii() and pk.isdigit() and len(pk) < 12]
    if not ids:
        messages.error(request, BATCH_NONE_CHOSEN)
        return redirect("inbox")
    visible = Assessment.objects.select_related("unit__region", "unit__parent")
    if not request.user.is_superuser:
        units = Membership.objects.filter(user=request.user).values_list("unit_id", flat=True)
        delegated = Delegation.objects.filter(delegate=request.user).values_list("unit_id", flat=True)
        visible = visible.filter(reached_assessments({*units, *delegated}))
    chosen = list(visible.filter(pk__in=ids).order_by("unit__code", "pk"))
    if len(chosen) < len(set(ids)):
        messages.error(request, f"有 {len(set(ids)) - len(chosen)} 份自评不存在或您无权查看，未签署。")
    try:
        result = workflow.assessment_sign_many(
            assessments=chosen, user=request.user, opinion=request.POST.get("opinion", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("inbox")
    if result.signed:
        messages.success(request, f"已签署 {len(result.signed)} 份：" + "、".join(str(a) for a in result.signed))
    for assessment, reason in result.refused:
        messages.error(request, f"{assessment}未签署：{reason}")
    return redirect("inbox")


@require_POST
def notifications_read(request):
    Notification.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    return redirect("inbox")
