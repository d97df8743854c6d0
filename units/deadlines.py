"""截止日期: an administrator sets a deadline per region and year; a region without its own takes its parent's
(a province's date holds for every city and county under it unless they set an earlier one)."""

from datetime import date

from units.models import Deadline


def all_deadlines() -> dict[tuple[int, int], date]:
    """Every deadline by (region id, year): a few hundred rows, read once for a whole list."""
    return {(d.region_id, d.year): d.due for d in Deadline.objects.order_by()}


def deadline_for(region, year: int, deadlines: dict[tuple[int, int], date]) -> date | None:
    """The region's deadline for the year, else the nearest one up the region tree."""
    while region is not None:
        if (region.pk, year) in deadlines:
            return deadlines[(region.pk, year)]
        region = region.parent
    return None
