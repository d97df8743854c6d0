"""Pages of long lists (units, the inbox, the dashboard): Django's Paginator, with the links of each page built here
so that they keep every other query parameter (the search, the year, the other lists' pages)."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.http import urlencode


def search_text(request, param: str = "q") -> str:
    """What was typed in a list's search box, without NUL characters: PostgreSQL cannot compare text holding them, so
    a pasted or crafted "%00" failed the page instead of finding nothing."""
    return request.GET.get(param, "").replace("\x00", "").strip()


def paginate(request, object_list, *, per_page: int, param: str = "page", first_rows=None) -> Page:
    """The page asked for in `param` (the last one when past the end, the first when not a number). The page gets
    `links`: (number or "…", URL or None) for a window around it, and `previous_url`, `next_url`. `first_rows`: a
    function giving `object_list[: per_page + 1]` another way (a query compiled once), used for a first page; with
    it, `object_list` may be a function building the list, called only when that first page does not hold it all
    (building a filtered QuerySet costs more than running a compiled query: the inbox builds four)."""
    asked = request.GET.get(param)
    page = _first_page_read_once(object_list, per_page, asked, first_rows)
    if page is None:
        if callable(object_list) and not isinstance(object_list, QuerySet):
            object_list = object_list()
        page = Paginator(object_list, per_page).get_page(asked)

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


def _first_page_read_once(object_list, per_page: int, asked, first_rows=None) -> Page | None:
    """The first page, read with one more row: when there is no more, their number is the count, and the list's one
    page costs one query where Django's Paginator takes two (the count, then the page). A first page is what most
    lists show (a preparer's inbox: four short lists); of a longer list, the Paginator counts it when the links ask.
    None for a page asked for by another number (0 and below give the last page): the Paginator then counts and
    reads the page asked for, as it always does."""
    built_later = callable(object_list) and not isinstance(object_list, QuerySet)
    readable = isinstance(object_list, QuerySet) or (built_later and first_rows is not None)
    if not readable or not _first_page(asked):
        return None
    rows = first_rows() if first_rows is not None else list(object_list[: per_page + 1])
    if len(rows) <= per_page:
        # The whole list: its rows are counted and paged without the QuerySet (nor building it).
        return Page(rows, 1, Paginator(rows, per_page))
    paginator = Paginator(object_list() if built_later else object_list, per_page)
    return Page(rows[:per_page], 1, paginator)


def _first_page(asked) -> bool:
    """Whether the Paginator gives the first page for `asked`, however long the list: for 1, and for anything it
    cannot read as a number."""
    try:
        return int(asked) == 1
    except (TypeError, ValueError):
        return True
