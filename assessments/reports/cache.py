"""Rendered report PDFs kept on disk, keyed by everything a report shows: the annual export and the public page
render a report once and serve the file until something it prints changes."""

import contextlib
import hashlib
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from assessments.layouts import layout_for
from assessments.models import Assessment, ExportItem, ReScore
from assessments.rectification.services import prior_stamp
from units.models import Staffing

# Raise when the report templates or their CSS change: every cached PDF is then rendered again.
REPORT_TEMPLATE_VERSION = "2026-12-07.3"


def fingerprint(assessment: Assessment, snapshot=None, *, mode: str = "") -> str:
    """What the report shows, as a hash. Final: the frozen snapshot. Otherwise the live data's version (every save
    bumps lock_version), the framework versions it is scored by, its re-scores, the unit's own fields and staffing,
    which the report prints too, and today's date (a draft report is dated the day it is printed). Both: the year
    before, which the comparison chart reads live. `mode`: how the report is asked for (layout, 官方表样, public)
    when not as the export prints it."""
    layout = layout_for(assessment.unit).key
    prior = (
        Assessment.objects.filter(unit_id=assessment.unit_id, year=assessment.year - 1, kind=assessment.kind)
        .values_list("pk", "status", "lock_version", "updated_at", "framework_version_id")
        .first()
    )
    if snapshot is not None:
        parts = [REPORT_TEMPLATE_VERSION, "final", snapshot.sha256, layout]
    else:
        unit = assessment.unit
        staffing = (
            Staffing.objects.filter(unit=unit, year=assessment.year)
            .values_list("staff_quota", "staff_actual", "staff_agency", "veteran_retirees", "retirees")
            .first()
        )
        parts = [
            REPORT_TEMPLATE_VERSION,
            "live",
            assessment.pk,
            assessment.status,
            assessment.current_step,
            assessment.lock_version,
            assessment.updated_at.isoformat(),
            layout,
            timezone.localdate().isoformat(),
            unit.name,
            unit.region.full_name,
            unit.contact_person,
            unit.contact_phone,
            unit.functions,
            unit.internal_structure,
            staffing,
            assessment.framework_version_id,
            assessment.project_framework_version_id,
            ReScore.objects.filter(assessment=assessment).aggregate(Count("pk"), Max("created_at"), Max("pk")),
            # A draft prints last year's 整改 items as they stand.
            prior_stamp(assessment),
        ]
    parts.append(prior)
    if mode:
        parts.append(mode)
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


def cache_path(fingerprint_: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / "cache" / f"{fingerprint_}.pdf"


def write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def mark_used(path: Path) -> None:
    """A cached PDF served again is in use: its modification time is what `remove_unused` goes by."""
    # Removed by a clean-up between the read and now: the caller already has the bytes.
    with contextlib.suppress(FileNotFoundError):
        os.utime(path)


def remove_unused(older_than: timedelta) -> list[Path]:
    """Delete the cached PDFs nobody has asked for in `older_than` (and half-written files a crash left).

    Every saved state of a draft that someone downloads leaves a file, so the cache only grows. A file an annual
    export lists (its combined PDF and ZIP are assembled from the items' files, and a later export reuses them) is
    kept whatever its age; so is anything used since the cut-off, because every hit marks its file used."""
    directory = cache_path("x").parent
    if not directory.is_dir():
        return []
    media = Path(settings.MEDIA_ROOT)
    listed = {media / name for name in ExportItem.objects.exclude(pdf_path="").values_list("pdf_path", flat=True)}
    cutoff = (timezone.now() - older_than).timestamp()
    removed = []
    for path in sorted(directory.iterdir()):
        if not path.is_file() or path in listed:
            continue
        try:
            if path.stat().st_mtime >= cutoff:
                continue
            path.unlink()
        except FileNotFoundError:  # another clean-up, or a write replacing it, got there first
            continue
        removed.append(path)
    return removed
