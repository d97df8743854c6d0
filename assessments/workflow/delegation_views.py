"""A reviewer's own delegations (委托审签): list, create, end."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.workflow.services import delegation_create
from units.models import REVIEW_ROLES, Delegation, Membership


class DelegationForm(forms.Form):
    membership = forms.ModelChoiceField(
        label="委托的审签身份", queryset=Membership.objects.none(), empty_label="—请选择—"
    )
    delegate = forms.CharField(label="受托人用户名", max_length=150)
    starts = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["membership"].queryset = Membership.objects.filter(user=user, role__in=REVIEW_ROLES).select_related(
            "unit"
        )
        self.fields["membership"].label_from_instance = lambda m: f"{m.unit.name} · {m.get_role_display()}"

    def clean_delegate(self):
        username = self.cleaned_data["delegate"].strip()
        delegate = get_user_model().objects.filter(username=username, is_active=True).first()
        if delegate is None:
            raise ValidationError("没有这个用户。")
        if delegate == self.user:
            raise ValidationError("不能委托给自己。")
        return delegate

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", "结束日期不能早于开始日期。")
        return data


def delegations(request):
    form = DelegationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data["membership"]
        try:
            delegation_create(
                delegator=request.user,
                delegate=form.cleaned_data["delegate"],
                unit=membership.unit,
                role=membership.role,
                starts=form.cleaned_data["starts"],
                ends=form.cleaned_data["ends"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "已设置委托。")
            return redirect("delegations")
    today = timezone.localdate()
    context = {
        "form": form,
        "given": Delegation.objects.filter(delegator=request.user).select_related("delegate", "unit"),
        "received": Delegation.objects.filter(delegate=request.user, ends__gte=today).select_related(
            "delegator", "unit"
        ),
        "today": today,
        "has_review_role": form.fields["membership"].queryset.exists(),
    }
    return render(request, "assessments/workflow/delegations.html", context)


@require_POST
def delegation_end(request, delegation_id: int):
    """Stop a delegation from today on (one not started yet is removed); past signatures keep their record."""
    delegation = get_object_or_404(Delegation, pk=delegation_id, delegator=request.user)
    today = timezone.localdate()
    if delegation.starts >= today:
        delegation.delete()
    else:
        delegation.ends = min(delegation.ends, today - datetime.timedelta(days=1))
        delegation.save(update_fields=["ends"])
    messages.success(request, "委托已结束。")
    return redirect("delegations")
