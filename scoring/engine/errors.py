"""The engine's one exception type.

The Django side turns it into a ``ValidationError`` in exactly one adapter, so the message is already in Chinese and
names the indicator or field the user has to fix.
"""


class ScoringError(Exception):
    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    def __str__(self) -> str:
        where = " / ".join(part for part in (self.code, self.field) if part)
        return f"{self.message}（{where}）" if where else self.message
