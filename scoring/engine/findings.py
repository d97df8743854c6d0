"""A consistency finding: what the checks (and the framework's metadata rules) report about an input."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str  # "error" | "warning"
    fields: tuple[str, ...]
    message: str

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "fields": list(self.fields), "message": self.message}
