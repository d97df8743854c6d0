"""An exact sum of decimal numbers stored as text, computed by the database: PostgreSQL sums them as `numeric`; SQLite
has no decimal type (its SUM adds floats), so a Python aggregate adding `Decimal`s is registered on each SQLite
connection (`register_sqlite_aggregates`, connected in perfeval.apps). Either way the sum comes back as text, so that
no float and no field rounding stands between the stored figures and the caller's `Decimal`."""

from decimal import Decimal

from django.db.models import Aggregate, CharField, Value
from django.db.models.functions import NullIf

SQLITE_EXACT_SUM = "perfeval_exact_sum"


class ExactSum(Aggregate):
    """The sum of a text column holding decimal numbers, as text (None when no row has one); blank texts are left
    out."""

    function = "SUM"
    template = "CAST(%(function)s(CAST(%(expressions)s AS numeric)) AS text)"
    output_field = CharField()

    def __init__(self, expression, **extra):
        super().__init__(NullIf(expression, Value("")), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function=SQLITE_EXACT_SUM, template="%(function)s(%(expressions)s)", **extra_context
        )


class _DecimalSum:
    """SQLite's side of ExactSum: step() per row, finalize() once."""

    def __init__(self):
        self.total = None

    def step(self, value):
        if value is not None:
            self.total = (self.total or 0) + Decimal(value)

    def finalize(self):
        return None if self.total is None else str(self.total)


def register_sqlite_aggregates(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_EXACT_SUM, 1, _DecimalSum)
