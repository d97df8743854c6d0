"""Pages of long lists (units, the inbox, the dashboard): Django's Paginator, with the links of each page built here
so that they keep every other query parameter (the search, the year, the other lists' pages)."""

from django.core.paginator import Page, Paginator
from django.utils.http import urlencode


def search_text(request, param: str = "q") -> str:
    """What was typed in a list's search box, without NUL characters: PostgreSQL cannot compare text holding them, so
    a pasted or crafted "%00" failed the page instead of finding nothing."""
    return request.GET.get(param, "").replace("\x00", "").strip()


def paginate(request, object_list, *, per_page: int, param: str = "page") -> Page:
    """The page asked for in `param` (the last one when past the end, the first when not a number). The page gets
    `links`: (number or "…", URL or None) for a window around it, and `previous_url`, `next_url`."""
    page = Paginator(object_list, per_page).get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return "?" + urlencode(sorted(query.lists()), doseq=True)

    page.param = param
    page.links = [
        (number, url(number) if isinstance(number, int) else None)
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    page.previous_url = url(page.previous_page_number()) if page.has_previous() else None
    page.next_url = url(page.next_page_number()) if page.has_next() else None
    return page
