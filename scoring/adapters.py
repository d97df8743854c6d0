"""The one place where the scoring engine meets Django: engine errors become ValidationErrors."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError

from scoring.engine.errors import ScoringError


@contextmanager
def engine_errors_as_validation(field: str | None = None) -> Iterator[None]:
    """Run engine code; a ScoringError comes out as a ValidationError with the engine's Chinese message
    (attached to `field` when given, so a form shows it next to that field)."""
    try:
        yield
    except ScoringError as error:
        message = str(error)
        raise ValidationError({field: message} if field else message, code="scoring") from error
