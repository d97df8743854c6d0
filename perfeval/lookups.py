"""Comparisons Django's lookups do not spell."""

from django.db.models import Lookup


class Same(Lookup):
    """`lhs` equals `rhs`, two NULLs included (SQL's `=` is unknown when either side is NULL). Used as an expression:
    `Same(F("a"), F("b"))`, in a filter, a Q or a When."""

    lookup_name = "same"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IS NOT DISTINCT FROM {rhs}", (*lhs_params, *rhs_params)

    def as_sqlite(self, compiler, connection):
        # SQLite's IS is its null-safe equality (PostgreSQL's IS takes only NULL, TRUE, FALSE or UNKNOWN).
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IS {rhs}", (*lhs_params, *rhs_params)
