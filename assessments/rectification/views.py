"""整改跟踪 of one final assessment: the items its report promised, updated by the unit during the following year."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from assessments.access import get_assessment_for_user, get_rw_assessment_for_user
from assessments.models import Assessment, RectificationItem
from assessments.rectification.forms import RectificationItemForm
from assessments.rectification.services import (
    default_due_date,
    item_name,
    rectification_item_add,
    rectification_item_save,
)


def _page(request, assessment: Assessment, writable: bool, *, bound=None, add_form=None, status=200):
    items = list(RectificationItem.objects.filter(assessment=assessment).select_related("updated_by"))
    today = timezone.localdate()
    rows = []
    for item in items:
        form = bound if bound is not None and bound.instance.pk == item.pk else None
        form = form or RectificationItemForm(instance=item, prefix=f"item-{item.pk}")
        if not writable:
            for field in form.fields.values():
                field.disabled = True
        rows.append({"item": item, "form": form, "overdue": item.is_open and item.due_date and item.due_date < today})
    counts = {
        label: sum(1 for item in items if item.status == value) for value, label in RectificationItem.Status.choices
    }
    context = {
        "assessment": assessment,
        "writable": writable,
        "rows": rows,
        "counts": counts,
        "overdue": sum(1 for row in rows if row["overdue"]),
        "final": assessment.status == Assessment.Status.FINAL,
        "add_form": add_form or RectificationItemForm(prefix="new", initial={"due_date": default_due_date(assessment)}),
        "next_year": Assessment.objects.filter(
            unit_id=assessment.unit_id, year=assessment.year + 1, kind=assessment.kind
        ).first(),
    }
    return render(request, "assessments/rectification/items.html", context, status=status)


@require_GET
def rectification_page(request, assessment_id: int):
    assessment, writable = get_assessment_for_user(request.user, assessment_id)
    return _page(request, assessment, writable)


@require_POST
def rectification_item_view(request, assessment_id: int, item_id: int):
    assessment = get_rw_assessment_for_user(request.user, assessment_id)
    item = get_object_or_404(RectificationItem, pk=item_id, assessment=assessment)
    form = RectificationItemForm(request.POST, instance=item, prefix=f"item-{item.pk}")
    if not form.is_valid():
        return _page(request, assessment, True, bound=form, status=400)
    rectification_item_save(form=form, user=request.user)
    messages.success(request, f"整改事项“{item_name(item)}”已保存。")
    return redirect(reverse("assessments:rectification", args=[assessment.pk]) + f"#item-{item.pk}")


@require_POST
def rectification_add_view(request, assessment_id: int):
    assessment = get_rw_assessment_for_user(request.user, assessment_id)
    form = RectificationItemForm(request.POST, prefix="new")
    if not form.is_valid():
        return _page(request, assessment, True, add_form=form, status=400)
    try:
        item = rectification_item_add(assessment=assessment, form=form, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assessments:rectification", assessment.pk)
    messages.success(request, f"已补充整改事项“{item_name(item)}”。")
    return redirect(reverse("assessments:rectification", args=[assessment.pk]) + f"#item-{item.pk}")
