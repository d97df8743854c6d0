"""Model instances made from database rows without Model.__init__.

A tab reads about a hundred indicator rows and their projects on every request. Django makes each instance with
`Model.__init__`, which sends pre_init and post_init and sets each of the row's thirty fields through `setattr` (a
data descriptor for every foreign key): 1.2 ms for 101 rows against 0.3 ms for what it amounts to on a row read
whole — the field values put into the instance's `__dict__` and its state marked as loaded from that database
(bench/RESULTS.md, session 10). That is what `QuickLoad.from_db` does, the extension point Django documents for
customising loading. Whenever the result could differ it leaves the row to Django: when only some fields were read
(`only()`, `defer()`), or when anything listens to pre_init or post_init for the model."""

from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


class QuickLoad:
    """Mixin for models read many at a time (before models.Model in the bases)."""

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        if len(values) != len(cls._meta.concrete_fields) or pre_init.has_listeners(cls) or post_init.has_listeners(cls):
            return super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        new = cls.__new__(cls)
        state = ModelState()
        state.adding = False
        state.db = db
        if fetch_mode is not None:
            state.fetch_mode = fetch_mode
        new._state = state
        # A complete row comes in the order of the concrete fields, as Model.from_db assumes when it passes them
        # to __init__ by position; field_names are their attnames.
        new.__dict__.update(zip(field_names, values, strict=True))
        return new
