from django.shortcuts import render

from units.selectors import current_assessment_year, unit_overviews_for_user


def home(request):
    overviews = unit_overviews_for_user(request.user)
    return render(
        request,
        "core/home.html",
        {"overviews": overviews, "current_year": current_assessment_year()},
    )
