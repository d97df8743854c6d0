"""Django's database sessions, read by one SQL statement written once.

Every request of a signed-in user loads its session: Django builds and compiles `Session.objects.get(session_key=…,
expire_date__gt=now)` for it each time, about 0.3 ms of process CPU against 0.05 ms for the statement itself
(bench/RESULTS.md, session 10) — a few per cent of a light page. The statement is the one that QuerySet compiles to,
on the same table, so sessions written by Django's store are read here and the other way round; writing, expiring
and deleting them is Django's. Settings: SESSION_ENGINE = "perfeval.sessions"."""

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The stored session when it has not expired (what Django's store returns: only its data is read), else
        None, forgetting the key so that a new one is made on save."""
        using = router.db_for_read(self.model)
        connection = connections[using]
        now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM passes it to this database
        with connection.cursor() as cursor:
            cursor.execute(_read_statement(using), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0])


@cache
def _read_statement(using: str) -> str:
    from django.contrib.sessions.models import Session

    quote = connections[using].ops.quote_name
    meta = Session._meta
    column = {name: quote(meta.get_field(name).column) for name in ("session_key", "session_data", "expire_date")}
    return (
        f"SELECT {column['session_data']} FROM {quote(meta.db_table)}"
        f" WHERE {column['session_key']} = %s AND {column['expire_date']} > %s"
    )
