from django.shortcuts import render

from units.access import get_unit_for_user
from units.selectors import current_assessment_year


def unit_detail(request, unit_id: int):
    unit, writable = get_unit_for_user(request.user, unit_id)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "writable": writable,
            "staffing": unit.staffing.order_by("-year"),
            "memberships": unit.memberships.select_related("user").order_by("role", "user__username"),
            "institutions": unit.children.filter(kind=unit.Kind.INSTITUTION).order_by("code"),
            "assessments": unit.assessments.order_by("-year"),
            "current_year": current_assessment_year(),
        },
    )
