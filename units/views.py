from django.shortcuts import render

from perfeval.paging import paginate, search_text
from units.access import get_unit_for_user
from units.selectors import current_assessment_year, unit_overviews, visible_unit_list

UNITS_PAGE = 20


def unit_list(request):
    """我的单位: the units the user can see, a page at a time, each with its years; searchable by name or code."""
    query = search_text(request)
    page = paginate(request, visible_unit_list(request.user, query), per_page=UNITS_PAGE)
    return render(
        request,
        "core/home.html",
        {
            "overviews": unit_overviews(request.user, page.object_list),
            "page": page,
            "query": query,
            "current_year": current_assessment_year(),
        },
    )


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
