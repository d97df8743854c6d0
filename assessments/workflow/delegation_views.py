"""A reviewer's own delegations (委托审签): list, create, end."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.workflow.services import delegation_create
from units.models import REVIEW_ROLES, Delegation, Membership

DELEGATE_RESULTS = 20


def colleagues(user):
    """Who may be picked as a delegate: the active people with a role in a unit where the user reviews, or in a unit
    above it (a 主管部门's colleague), themselves included so that choosing oneself is explained, not hidden."""
    units = set()
    for membership in Membership.objects.filter(user=user, role__in=REVIEW_ROLES).select_related("unit__parent"):
        units.add(membership.unit_id)
        units.update(unit.pk for unit in membership.unit.ancestors())
    return get_user_model().objects.filter(is_active=True, memberships__unit_id__in=units).distinct()


def describe(person) -> str:
    """张三（甲单位 · 评价组组长；乙单位 · 单位负责人）: a name and where the person works, to tell namesakes apart."""
    places = "；".join(
        f"{m.unit.name} · {m.get_role_display()}" for m in person.memberships.select_related("unit").order_by("pk")[:3]
    )
    return f"{person.get_full_name() or person.username}（{places}）" if places else person.get_full_name()


def search_colleagues(user, text: str):
    """Colleagues whose name, user name or unit contains the text; a page of them."""
    text = (text or "").strip()[:50]
    if not text:
        return []
    found = colleagues(user).filter(
        Q(first_name__icontains=text)
        | Q(last_name__icontains=text)
        | Q(username__icontains=text)
        | Q(memberships__unit__name__icontains=text)
    )
    return list(found.distinct().order_by("first_name", "username")[:DELEGATE_RESULTS])


class DelegationForm(forms.Form):
    membership = forms.ModelChoiceField(
        label="委托的审签身份", queryset=Membership.objects.none(), empty_label="—请选择—"
    )
    delegate = forms.ModelChoiceField(
        label="受托人",
        queryset=get_user_model().objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": "请先按姓名或单位查找，再选择受托人。", "invalid_choice": "没有这个用户。"},
    )
    starts = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["membership"].queryset = Membership.objects.filter(user=user, role__in=REVIEW_ROLES).select_related(
            "unit"
        )
        self.fields["membership"].label_from_instance = lambda m: f"{m.unit.name} · {m.get_role_display()}"
        self.fields["delegate"].queryset = colleagues(user)
        self.fields["delegate"].label_from_instance = describe

    def clean_delegate(self):
        delegate = self.cleaned_data["delegate"]
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
    who = request.GET.get("who") or request.POST.get("who", "")
    chosen = form["delegate"].value() if request.method == "POST" else None
    found = search_colleagues(request.user, who)
    # ASCII digits of an id's length only: str.isdigit() is also true for "²", which the query cannot take.
    chosen_id = str(chosen or "")
    if (
        chosen_id.isascii()
        and chosen_id.isdigit()
        and len(chosen_id) <= 18
        and all(str(p.pk) != chosen_id for p in found)
    ):
        found = list(form.fields["delegate"].queryset.filter(pk=chosen)) + found
    context = {
        "form": form,
        "who": who,
        "found": [(person, describe(person)) for person in found],
        "chosen": str(chosen or ""),
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
