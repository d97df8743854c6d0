from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assessments.overview.selectors import current_assessment_year, unit_overviews, visible_unit_list
from assessments.services import assessment_create
from perfeval.paging import paginate, search_text
from units.access import get_unit_for_user

UNITS_PAGE = 20


def unit_list(request):
    """我的单位: the units the user can see, a page at a time, each with its years; searchable by name or code."""
    query = search_text(request)
    page = paginate(request, visible_unit_list(request.user, query), per_page=UNITS_PAGE)
    return render(
        request,
        "assessments/overview/unit_list.html",
        {
            "overviews": unit_overviews(request.user, page.object_list),
            "page": page,
            "query": query,
            "current_year": current_assessment_year(),
        },
    )


def unit_detail(request, unit_id: int):
    unit, writable = get_unit_for_user(request.user, unit_id)
    assessments = list(unit.assessments.order_by("-year"))
    staffing = list(unit.staffing.order_by("-year"))
    last = assessments[0] if assessments else None
    return render(
        request,
        "assessments/overview/unit_detail.html",
        {
            "unit": unit,
            "writable": writable,
            "staffing": staffing,
            "memberships": unit.memberships.select_related("user").order_by("role", "user__username"),
            "institutions": unit.children.filter(kind=unit.Kind.INSTITUTION).order_by("code"),
            "assessments": assessments,
            "current_year": current_assessment_year(),
            # What a new year may start from: last year's projects and staffing, offered on the create form.
            "last_projects": list(last.projects.order_by("position", "pk").values_list("name", flat=True))
            if last
            else [],
            "last_assessment": last,
            "last_staffing": staffing[0] if staffing else None,
        },
    )


@require_POST
def assessment_create_view(request, unit_id: int):
    unit, writable = get_unit_for_user(request.user, unit_id)
    if not writable:
        raise PermissionDenied("您在该单位没有填报权限。")
    try:
        year = int(request.POST.get("year", ""))
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        messages.error(request, "年度应为 2000 至 2100 之间的整数。")
        return redirect("units:detail", unit.pk)
    try:
        assessment = assessment_create(
            unit=unit,
            year=year,
            user=request.user,
            carry_projects=request.POST.get("carry_projects") == "on",
            carry_staffing=request.POST.get("carry_staffing") == "on",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("units:detail", unit.pk)
    messages.success(request, f"已创建 {year} 年度部门整体支出绩效自评。")
    return redirect("assessments:tab", assessment.pk, "basic")
