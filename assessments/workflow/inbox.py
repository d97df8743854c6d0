"""The inbox's four lists (待我处理 · 被退回 · 我已处理 · 未提交) of the assessments a user sees, selected by the database,
and the query of each list's first page compiled once per shape of the user's memberships.

A list's query joins the assessment to its unit's region chain and tests it against the units the user's memberships
and delegations reach (one union subquery per role held): Django built and compiled the three or four of them anew on
every inbox, about half its CPU. Their SQL depends only on how many units the user holds in each role, not on which:
`first_page_readers` keeps one `perfeval.compiled.CompiledQuery` per list and shape, and binds the user's id and unit
ids on each use."""

from collections.abc import Callable
from functools import lru_cache

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from assessments.models import Assessment, AuditEvent, Notification, Reminder, SignOff
from assessments.workflow import services as workflow
from perfeval.compiled import CompiledQuery
from units.access import reached_from
from units.models import WRITE_ROLES

HANDLED_ACTIONS = ("return", "sign", "rescore", "comment")
LIST_NAMES = ("waiting", "returned", "handled", "unsubmitted")
NOTIFICATIONS_SHOWN = 20
REMINDERS_SHOWN = 20


def reached_assessments(unit_ids) -> Q:
    """Assessments of the given units and of the units below them: with the few ids of a user's memberships written
    into the query, the database tests each assessment against them instead of building the set of visible units
    again for every list."""
    return reached_from(unit_ids, via="unit__")


def held_units(memberships: list[tuple[int, str]], delegations: list[tuple[int, str]]) -> dict[str, list[int]]:
    """The units (sorted ids) the lists ask about: `seen` (every membership), `written` (a membership that writes),
    and for each review step, by its index in workflow.STEPS, `acting<i>`: where the user holds the step's role by a
    membership or a delegation in force."""
    held = memberships + delegations
    return {
        "seen": sorted({unit_id for unit_id, _ in memberships}),
        "written": sorted({unit_id for unit_id, role in memberships if role in WRITE_ROLES}),
        **{
            f"acting{index}": sorted({unit_id for unit_id, role in held if role == step.role})
            for index, step in enumerate(workflow.STEPS.values())
        },
    }


def _waiting_for(units: dict[str, list[int]]) -> Q:
    """In review at a step whose role the user holds in the unit or above it: what workflow.acting_for allows, asked
    of the database for every assessment."""
    waiting = Q(pk__in=[])
    for index, step in enumerate(workflow.STEPS.values()):
        if units[f"acting{index}"]:
            waiting |= Q(current_step=step.code) & reached_assessments(units[f"acting{index}"])
    return Q(status=Assessment.Status.IN_REVIEW) & waiting


def visible_assessments(user, seen: list[int], query: str = "") -> QuerySet[Assessment]:
    """What the user sees (as units.access.visible_units, from the units of the memberships already read), newest
    year first, matching the search text when there is one."""
    visible = Assessment.objects.all()
    if not user.is_superuser:
        visible = visible.filter(reached_assessments(seen))
    if query:
        visible = visible.filter(Q(unit__name__icontains=query) | Q(unit__code__icontains=query))
    return visible.select_related("unit__region__parent__parent").order_by("-year", "unit__code", "pk")


def inbox_lists(user, units: dict[str, list[int]], query: str = "") -> dict[str, QuerySet[Assessment]]:
    """The four lists, each a queryset of `visible_assessments`; `units`: `held_units`."""
    return {name: inbox_list(name, user, units, query) for name in LIST_NAMES}


def inbox_list(name: str, user, units: dict[str, list[int]], query: str = "") -> QuerySet[Assessment]:
    """One of the four lists (LIST_NAMES): the inbox builds a list only when its first page does not hold it all."""
    if name == "waiting" and not any(units[f"acting{index}"] for index in range(len(workflow.STEPS))):
        # Nothing waits for a user who acts at no step (a preparer): no list to build, no query to run.
        return Assessment.objects.none()
    visible = visible_assessments(user, units["seen"], query)
    if name == "waiting":
        return visible.filter(_waiting_for(units))
    if name == "returned":
        writable = Q() if user.is_superuser else reached_assessments(units["written"])  # units.access.can_write
        return visible.filter(writable, status=Assessment.Status.DRAFT, returned=True)
    if name == "handled":
        handled = SignOff.objects.filter(signer=user).values("assessment_id")
        acted = AuditEvent.objects.filter(user=user, action__in=HANDLED_ACTIONS).values("assessment_id")
        # What waits for the user again (a resubmission they signed before) is listed once, under 待我处理.
        return visible.filter(Q(pk__in=handled) | Q(pk__in=acted)).exclude(_waiting_for(units))
    if name == "unsubmitted":
        return visible.filter(status=Assessment.Status.DRAFT, returned=False)
    raise ValueError(f"no inbox list {name!r}")


def first_page_readers(user, units: dict[str, list[int]], rows: int) -> dict[str, Callable[[], list]]:
    """For each list whose query could be compiled once for this shape of held units, a function reading its first
    `rows` assessments by the kept SQL, bound to this user and these units (the rows of
    `inbox_lists(user, units)[name][:rows]`). A list missing here is read as usual."""
    shape = (user.is_superuser, tuple((group, len(ids)) for group, ids in units.items()))
    values = {"user": user.pk}
    for group, ids in units.items():
        values.update({f"{group}_{i}": unit_id for i, unit_id in enumerate(ids)})
    readers = {}
    for name in LIST_NAMES:
        query = _first_page_query(name, shape, rows)
        if query.usable:
            readers[name] = lambda query=query: query.load(**values)
    return readers


@lru_cache(maxsize=256)  # a shape per count of units in each group: a handful in practice, bounded whatever comes
def _first_page_query(name: str, shape: tuple, rows: int) -> CompiledQuery:
    """The first page of one list for users of this shape: (superuser, ((group, number of units), …))."""
    superuser, counts = shape
    names = ("user", *(f"{group}_{i}" for group, count in counts for i in range(count)))

    def build(**values):
        user = User(pk=values["user"], is_superuser=superuser)
        units = {group: [values[f"{group}_{i}"] for i in range(count)] for group, count in counts}
        return inbox_list(name, user, units)[:rows]

    return CompiledQuery(build, names)


def unread_notifications(user) -> list[Notification]:
    """The user's unread notifications shown in the inbox, by a query compiled once and bound to the user's id."""
    query = _notifications_query()
    return query.load(user=user.pk) if query.usable else list(_unread(user.pk))


def _unread(user: int):
    return Notification.objects.filter(user=user, read_at=None).select_related("assessment")[:NOTIFICATIONS_SHOWN]


@lru_cache(maxsize=1)
def _notifications_query() -> CompiledQuery:
    return CompiledQuery(_unread, ("user",))


def recent_reminders(user, seen: list[int], since, query: str = "") -> list[Reminder]:
    """The newest reminders sent since `since` (an aware datetime) about the assessments the user sees (a reviewer
    learns which units are late too); without a search, by a query compiled once per number of units seen."""
    if not query:
        compiled = _reminders_query(user.is_superuser, len(seen))
        if compiled.usable:
            return compiled.load(user=user.pk, since=since, **{f"seen_{i}": unit for i, unit in enumerate(seen)})
    return list(_reminders(user, seen, since, query))


def _reminders(user, seen: list[int], since, query: str = ""):
    about = visible_assessments(user, seen, query).order_by().values("pk")
    return Reminder.objects.filter(assessment__in=about, created_at__gte=since).select_related("assessment__unit")[
        :REMINDERS_SHOWN
    ]


@lru_cache(maxsize=64)  # one per number of units seen (and superuser or not): bounded whatever comes
def _reminders_query(superuser: bool, seen: int) -> CompiledQuery:
    def build(user, since, **units):
        return _reminders(User(pk=user, is_superuser=superuser), [units[f"seen_{i}"] for i in range(seen)], since)

    return CompiledQuery(build, ("user", *(f"seen_{i}" for i in range(seen))), moments=("since",))
