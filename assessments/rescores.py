"""抽查复核 as part of the record: the finance reviewer's scores beside the unit's, and the total and grade they give.

The re-scored total is the unit's own total with each re-scored indicator's points replaced by the reviewer's:
复核后总分 = 自评总分 + Σ(复核得分 − 自评得分). Of several re-scores of one indicator the latest counts (an earlier
one is kept in the audit trail). The grade is the framework's band for that total. A final assessment reads its
re-scores from the snapshot (frozen with it), anything else from the database."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from assessments.models import ReScore
from scoring.adapters import framework_spec


def rescore_entries(rescores) -> list[dict]:
    """ReScore rows (newest first per indicator, as the model orders them) as plain entries for the snapshot and
    the report: the latest re-score of each indicator."""
    entries: dict[str, dict] = {}
    for rescore in sorted(rescores, key=lambda r: (r.created_at, r.pk)):
        reviewer = rescore.reviewer
        entries[rescore.indicator_key] = {
            "indicator": rescore.indicator_key,
            "name": rescore.indicator_name,
            "self_score": None if rescore.self_score is None else f"{rescore.self_score:f}",
            "score": f"{rescore.score:f}",
            "reason": rescore.reason,
            "reviewer": (reviewer.get_full_name() or reviewer.username) if reviewer is not None else "",
            "at": rescore.created_at.isoformat(),
        }
    return list(entries.values())


def assessment_rescore_entries(assessment) -> list[dict]:
    return rescore_entries(ReScore.objects.filter(assessment=assessment).select_related("reviewer"))


@dataclass
class ReScored:
    """The 复核 table's rows (the unit's points as the sheet has them now) and the totals beside the unit's own."""

    rows: list[dict] = field(default_factory=list)
    self_total: Decimal | None = None
    self_grade: str | None = None
    total: Decimal | None = None
    grade: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.rows)


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def rescored(score: dict | None, entries: list[dict], *, framework_version=None) -> ReScored:
    """The 复核 figures of a score sheet (ScoreSheet.to_dict()) and re-score entries. The grade of a changed total is
    the framework version's band for it; without re-scores the totals are the unit's own."""
    if not score:
        return ReScored(rows=[dict(entry) for entry in entries])
    self_total = _decimal(score["total"] if score.get("complete") else score.get("scored_total"))
    points = {line["code"]: _decimal(line.get("points")) for line in score.get("lines", [])}
    places = Decimal(1).scaleb(-int(score.get("places", 2)))
    rows, delta = [], Decimal(0)
    for entry in entries:
        own = points.get(entry["indicator"], _decimal(entry.get("self_score")))
        reviewed = _decimal(entry["score"])
        rows.append({**entry, "self_score": own, "score": reviewed, "difference": reviewed - (own or Decimal(0))})
        delta += reviewed - (own or Decimal(0))
    result = ReScored(rows=rows, self_total=self_total, self_grade=score.get("grade"))
    if self_total is None:
        return result
    result.total = (self_total + delta).quantize(places, rounding=ROUND_HALF_UP)
    if not delta:
        result.grade = score.get("grade")
    elif framework_version is not None and score.get("complete"):
        result.grade = framework_spec(framework_version).grade(result.total)
    return result
