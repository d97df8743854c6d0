"""A query built and compiled once per shape, its parameters bound on every use.

The query that loads an assessment for a page (assessments.access) joins eight tables and carries a dozen subqueries
and annotations. Django builds and compiles it anew on every request: about 9 ms to build the QuerySet and 13 ms to
compile it, against about 1 ms for PostgreSQL to run it (process CPU, measured in bench/RESULTS.md) — a third of
every tab. Its SQL depends only on its shape (what the page reads, whether the user is a superuser); the user and
the assessment only change parameters.

`CompiledQuery` builds the query with stand-in values (sentinels), compiles it, and keeps the SQL and the positions
of the stand-ins among the parameters. Each use (`load`) copies the parameters with the real values in those positions and
runs the kept SQL through Django's own compiler, which then turns the rows into model instances as for any query
(select_related, annotations, converters).

It leans on three internals of Django's ORM (6.1): that `SQLCompiler.execute_sql` takes its SQL from `as_sql()` and
reads the select list `as_sql()` set up, that `ModelIterable` asks the query for its compiler, and that
`results_iter` asks the compiler for the select list's converters (`get_converters`), which are kept. So it proves
itself when a shape is first compiled: the query is built and compiled twice, with two different sets of stand-ins,
and kept only if both give the same SQL and differ exactly where the stand-ins are — otherwise that shape is
always built and compiled as usual (`usable` is False). tests/perfeval/test_compiled.py compares what both ways load.
"""

import copy
import datetime
import weakref
from collections.abc import Callable, Mapping

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable

# Stand-ins for the values bound later. Negative, so never a real id; inside a 32-bit integer, so that Django
# compiles a lookup on any integer column with them (a value out of the column's range compiles to no rows at all).
FIRST_STAND_INS = -2_000_000_001
SECOND_STAND_INS = -2_000_001_001
# Stand-ins for moments (aware datetimes): in years no stored moment has, a microsecond apart.
FIRST_MOMENT = datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC)
SECOND_MOMENT = datetime.datetime(1902, 1, 1, tzinfo=datetime.UTC)


class CompiledQuery:
    """`build(**values)` returns the QuerySet for the given values (each an integer: an id; those named in `moments`
    an aware datetime); it is called with stand-ins only, twice, when the query is first used. `names`: the values'
    names. A database whose driver is given moments as text (SQLite) cannot bind them: `usable` is then False."""

    def __init__(self, build: Callable[..., QuerySet], names: tuple[str, ...], moments: tuple[str, ...] = ()):
        first = {name: FIRST_STAND_INS - index for index, name in enumerate(names)}
        second = {name: SECOND_STAND_INS - index for index, name in enumerate(names)}
        for index, name in enumerate(moments):
            first[name] = FIRST_MOMENT + datetime.timedelta(microseconds=index)
            second[name] = SECOND_MOMENT + datetime.timedelta(microseconds=index)
        self.queryset = build(**first)
        self.compiler = self.queryset.query.get_compiler(using=self.queryset.db)
        other = build(**second)
        try:
            sql, params = self.compiler.as_sql()
            other_sql, other_params = other.query.get_compiler(using=other.db).as_sql()
        except (EmptyResultSet, FullResultSet):
            # Django compiled a condition away for a stand-in (out of a column's range, say): the SQL would not be
            # the one of the real values.
            sql, params, other_sql, other_params = "", (), None, ()
        self.slots = _slots(params, other_params, first, second) if sql == other_sql else None
        self.usable = (
            self.slots is not None
            and self.queryset._iterable_class is ModelIterable
            and not self.queryset._prefetch_related_lookups
        )
        self.sql, self.params = sql, tuple(params)
        # The converters of the selected columns (a JSON field's decoder, a backend's datetime reader), which Django
        # works out again for every execution — about 350 look-ups a tab for its five compiled reads. They depend on
        # the connection (a backend's converters are its methods) and the select list, which every load shares.
        self._converters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def load(self, **values) -> list:
        """The model instances the query gives for these values, by the kept SQL. A list, not a QuerySet: a QuerySet
        filtered further would copy the bound compiler and run the kept SQL without the new condition."""
        if not self.usable:
            raise ValueError("This query's shape cannot be bound; build it as usual.")
        params = list(self.params)
        for name, positions in self.slots.items():
            for position in positions:
                params[position] = values[name]
        compiler = copy.copy(self.compiler)
        connection = compiler.connection = connections[self.queryset.db]  # this thread's connection
        bound = tuple(params)
        compiler.as_sql = lambda *args, **kwargs: (self.sql, bound)
        compiler.get_converters = lambda expressions: self._kept_converters(compiler, connection, expressions)
        query = copy.copy(self.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        return list(QuerySet(model=self.queryset.model, query=query, using=self.queryset.db))

    def _kept_converters(self, compiler, connection, expressions) -> dict:
        kept = self._converters.setdefault(connection, {})
        key = tuple(map(id, expressions))
        if key not in kept:
            # The expressions are kept with their converters, so that their ids name them for as long as they do.
            kept[key] = (type(compiler).get_converters(compiler, expressions), list(expressions))
        return kept[key][0]


def _slots(params, other_params, first: Mapping[str, int], second: Mapping[str, int]) -> dict[str, list[int]] | None:
    """For each name, the positions of its stand-in among the parameters; None when the two compilations differ
    anywhere else, or a stand-in shows up where the other set does not have its own."""
    if len(params) != len(other_params):
        return None
    names_of = {value: name for name, value in first.items()}
    slots: dict[str, list[int]] = {name: [] for name in first}
    for position, (one, other) in enumerate(zip(params, other_params, strict=True)):
        name = names_of.get(one) if type(one) in (int, datetime.datetime) else None
        if name is not None:
            if other != second[name]:
                return None
            slots[name].append(position)
        elif one != other or type(one) is not type(other):
            return None
    return slots
