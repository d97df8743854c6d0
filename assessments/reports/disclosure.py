"""信息公开's rules in one place: what the public sees of a contact phone, the public variant of a final report's PDF
(rendered once from the snapshot, phone masked, then kept as published), dates in China time, and checking a file or
a hash against what was published."""

import hashlib
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction

from assessments.models import PublishedReport, Snapshot
from assessments.reports.cache import write_atomically

# The public page speaks to citizens in China whatever zone the server runs in.
CHINA = ZoneInfo("Asia/Shanghai")
_LOCAL_NUMBER = re.compile(r"(.*[-\s)）])(\d+)")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def mask_phone(phone: str) -> str:
    """0755-83301534 → 0755-****1534, 15869733298 → 158****3298: the area code and the last four digits stay."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    match = _LOCAL_NUMBER.fullmatch(phone)
    if match and len(match.group(2)) > 4:
        return f"{match.group(1)}****{match.group(2)[-4:]}"
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "****"


def china_date(moment: str | datetime | None) -> date | None:
    """The calendar day in China of a stored moment (an ISO string from a summary, or an aware datetime)."""
    if not moment:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(CHINA).date()


def published_path(snapshot: Snapshot) -> Path:
    return Path(settings.MEDIA_ROOT) / "public" / f"{snapshot.sha256}-{snapshot.pk}.pdf"


def publish(assessment, snapshot: Snapshot, *, render) -> tuple[bytes, PublishedReport]:
    """The public PDF of a final report: the one published before, or rendered now by `render(assessment)` (the
    masked variant) and recorded with its file hash. Never rendered twice: a second rendering could differ in its
    bytes, and a copy someone downloaded must keep matching the hash the page shows."""
    record = PublishedReport.objects.filter(snapshot=snapshot).first()
    if record is not None:
        path = Path(settings.MEDIA_ROOT) / record.path
        if path.exists():
            return path.read_bytes(), record
    pdf = render(assessment)
    digest = hashlib.sha256(pdf).hexdigest()
    if record is not None:
        # The kept file was lost (a restored server without its media): what is served now is a new file, and the
        # page must show its hash, not the old one.
        path = Path(settings.MEDIA_ROOT) / record.path
        write_atomically(path, pdf)
        PublishedReport.objects.filter(pk=record.pk).update(file_sha256=digest, size=len(pdf))
        record.refresh_from_db()
        return pdf, record
    path = published_path(snapshot)
    write_atomically(path, pdf)
    try:
        with transaction.atomic():
            record = PublishedReport.objects.create(
                snapshot=snapshot,
                file_sha256=digest,
                size=len(pdf),
                path=path.relative_to(Path(settings.MEDIA_ROOT)).as_posix(),
            )
    except IntegrityError:  # published by a concurrent request meanwhile: theirs is the one on record
        record = PublishedReport.objects.get(snapshot=snapshot)
        return (Path(settings.MEDIA_ROOT) / record.path).read_bytes(), record
    return pdf, record


def normalised_hash(text: str) -> str:
    """A pasted SHA-256 (spaces, capitals, a "SHA-256：" prefix tolerated), or "" when it is not one."""
    candidate = re.sub(r"\s+", "", (text or "").lower()).removeprefix("sha-256:").removeprefix("sha-256：")
    return candidate if _HEX64.fullmatch(candidate) else ""


def verify(*, digest: str) -> tuple[str, PublishedReport | None, Snapshot | None]:
    """What a hash is: ("file", the published report, its snapshot) for a public PDF's file hash; ("data", None,
    the snapshot) for a final report's data hash (printed in every final PDF's footer); ("", None, None) otherwise.
    Only final reports' snapshots are looked up: a hash tells nothing about anything else."""
    record = PublishedReport.objects.filter(file_sha256=digest).select_related("snapshot__assessment__unit").first()
    if record is not None:
        return "file", record, record.snapshot
    snapshot = (
        Snapshot.objects.filter(sha256=digest, assessment__status="final").select_related("assessment__unit").first()
    )
    if snapshot is not None:
        return "data", None, snapshot
    return "", None, None
