"""The properties every fuzzed request must keep: no server error, an expected status, and no partial write — a
refused request leaves every row of the assessment exactly as it was; an accepted save is one new version."""

from contextlib import contextmanager

from django.db import connection, transaction

from assessments.models import (
    Assessment,
    AuditEvent,
    EvaluationMember,
    Evidence,
    Facts,
    IndicatorRow,
    Institution,
    NarrativeSection,
    Notification,
    Project,
    ReScore,
    SignOff,
    Snapshot,
    SpecialFund,
)
from tests.fuzz import budget
from tests.fuzz.strategies import describe
from units.models import Staffing, Unit

# Every model holding rows of one assessment, with the field that links them to it.
ASSESSMENT_PARTS = [
    (Facts, "assessment"),
    (Institution, "assessment"),
    (SpecialFund, "assessment"),
    (Project, "assessment"),
    (IndicatorRow, "assessment"),
    (NarrativeSection, "assessment"),
    (Evidence, "assessment"),
    (EvaluationMember, "assessment"),
    (SignOff, "assessment"),
    (AuditEvent, "assessment"),
    (Snapshot, "assessment"),
    (ReScore, "assessment"),
    (Notification, "assessment"),
]


def rows(queryset) -> str:
    """The rows as text, exactly: repr keeps Decimal('1.00') apart from Decimal('1.0')."""
    return repr([sorted(row.items()) for row in queryset.order_by("pk").values()])


def _raw_rows(cursor, model, column: str, value) -> list:
    """The stored rows as the database returns them (raw SQL: ten times faster than the ORM, and more exact)."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    cursor.execute(f"SELECT * FROM {table} WHERE {quote(column)} = %s ORDER BY {pk}", [value])
    return cursor.fetchall()


def assessment_state(assessment_id: int) -> str:
    """Every stored row of the assessment, its unit and the unit's staffing, as one comparable text."""
    with connection.cursor() as cursor:
        parts = [("Assessment", _raw_rows(cursor, Assessment, "id", assessment_id))]
        unit_id = parts[0][1][0][[column[0] for column in cursor.description].index("unit_id")]
        for model, link in ASSESSMENT_PARTS:
            parts.append((model.__name__, _raw_rows(cursor, model, model._meta.get_field(link).column, assessment_id)))
        parts.append(("Unit", _raw_rows(cursor, Unit, "id", unit_id)))
        parts.append(("Staffing", _raw_rows(cursor, Staffing, "unit_id", unit_id)))
    return repr(parts)


def lock_version(assessment_id: int) -> int:
    return Assessment.objects.values_list("lock_version", flat=True).get(pk=assessment_id)


@contextmanager
def rolled_back():
    """One example's writes undone afterwards, so every example starts from the same stored assessment."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# 200: refused with the form shown again; 302: saved (or a workflow message); 400: malformed request (no version,
# tampered data); 403: no right to write; 404: a stranger; 422: an Excel file refused, with the reasons.
ALLOWED = {200, 302, 400, 403, 404}


def check_response(response, data, allowed=ALLOWED) -> None:
    assert response.status_code in allowed, (response.status_code, describe(data))
    assert response.status_code < 500, describe(data)


def post(client, url: str, data: dict, *, name: str, allowed=ALLOWED):
    """POST `data` (a view's exception fails the test: the client re-raises it) and check the status."""
    budget.count(name)
    response = client.post(url, data)
    check_response(response, data, allowed)
    return response


def assert_unchanged(before: str, after: str, data) -> None:
    assert after == before, f"a refused request changed stored rows: {describe(data)}"


def assert_one_new_version(before_version: int, assessment_id: int, data) -> None:
    assert lock_version(assessment_id) == before_version + 1, f"an accepted save is not one version: {describe(data)}"
