"""佐证材料 (evidence): what may be uploaded, what a file is attached to, and the writes (audited like every write).

A file is accepted only when its extension is one of the allowed types AND its first bytes are that type's (a renamed
.exe is refused), it is not empty, and it is within settings.EVIDENCE_MAX_BYTES. It is stored under MEDIA_ROOT with a
generated name; the user's file name is kept only for display and as the download's name."""

import zipfile
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from assessments.audit import audit_record
from assessments.layouts import Section
from assessments.models import Assessment, Evidence, IndicatorRow, Project
from assessments.services import assessment_touch
from scoring.engine import metadata


@dataclass(frozen=True)
class FileType:
    label: str
    magic: bytes
    zip_folder: str = ""  # an Office file is a ZIP holding this folder


FILE_TYPES = {
    ".pdf": FileType("PDF", b"%PDF"),
    ".jpg": FileType("JPG 图片", b"\xff\xd8\xff"),
    ".jpeg": FileType("JPG 图片", b"\xff\xd8\xff"),
    ".png": FileType("PNG 图片", b"\x89PNG"),
    ".docx": FileType("Word（.docx）", b"PK\x03\x04", "word/"),
    ".xlsx": FileType("Excel（.xlsx）", b"PK\x03\x04", "xl/"),
}
ALLOWED_LABEL = "PDF、JPG、PNG、Word（.docx）和 Excel（.xlsx）"

NO_FILE = "请选择要上传的文件。"
EMPTY_FILE = "文件是空的（0 字节），请检查后重新选择。"
WRONG_TYPE = "不能上传{ext}文件：佐证材料只接受 " + ALLOWED_LABEL + " 文件。"
WRONG_CONTENT = "文件内容不是{label}：扩展名为“{ext}”，但文件内容与之不符（可能已损坏或被改过扩展名）。"
TOO_BIG = "文件过大（{size}）：单个文件不能超过 {limit}。"
NO_TARGET = "请选择这份材料关联的指标或报告章节。"

INDICATOR, SECTION = "indicator", "section"


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def check_evidence_file(upload) -> None:
    """Refuse a file of a type not allowed, whose content is not what its extension says, or too big."""
    ext = Path(upload.name).suffix.lower()
    file_type = FILE_TYPES.get(ext)
    if file_type is None:
        raise ValidationError(WRONG_TYPE.format(ext=f"“{ext}”" if ext else "没有扩展名的"), code="type")
    if not upload.size:
        raise ValidationError(EMPTY_FILE, code="empty")
    if upload.size > max_bytes():
        raise ValidationError(
            TOO_BIG.format(size=filesizeformat(upload.size), limit=filesizeformat(max_bytes())), code="size"
        )
    wrong = ValidationError(WRONG_CONTENT.format(label=file_type.label, ext=ext), code="content")
    upload.seek(0)
    head = upload.read(len(file_type.magic))
    upload.seek(0)
    if head != file_type.magic:
        raise wrong
    if file_type.zip_folder:
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            raise wrong from None
        finally:
            upload.seek(0)
        if not any(name.startswith(file_type.zip_folder) for name in names):
            raise wrong


# --- what a file is attached to ---------------------------------------------------------------------------------


def _row_key(row: IndicatorRow) -> str:
    """A framework indicator of the 自评表 by its code; a unit-written row, and a project's own row of a framework
    indicator (its hand-scored 预算执行率, whose code the 自评表 shares), by its id (its name may change)."""
    return row.code if row.code and row.project_id is None else f"row-{row.pk}"


def attachment_choices(
    *, spec, sections: tuple[Section, ...], rows: list[IndicatorRow], projects: list[Project]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices: the report's sections, the 自评表's indicators, then each project's indicators."""
    groups = {node.code: node.name for node in spec.walk()} if spec else {}

    def label(row: IndicatorRow) -> str:
        if row.code:
            node = spec.by_code.get(row.code) if spec else None
            return node.name if node else row.code
        group = groups.get(row.group_code, "")
        return f"{group} · {row.name}" if group else row.name

    named = [row for row in rows if row.code or row.name]
    choices = [("报告章节", [(f"{SECTION}:{s.key}", s.title) for s in sections])]
    overall = [(f"{INDICATOR}:{_row_key(row)}", label(row)) for row in named if row.project_id is None]
    if overall:
        choices.append(("部门整体支出绩效自评表·指标", overall))
    for project in projects:
        own = [(f"{INDICATOR}:{_row_key(row)}", label(row)) for row in named if row.project_id == project.pk]
        if own:
            choices.append((f"项目：{project.name}", own))
    return choices


def attachment_label(evidence: Evidence, labels: dict[str, str]) -> str:
    if evidence.section_key:
        return labels.get(f"{SECTION}:{evidence.section_key}", "（章节已不在报告中）")
    return labels.get(f"{INDICATOR}:{evidence.indicator_code}", "（指标已删除）")


def flat_labels(choices) -> dict[str, str]:
    return {
        value: f"{group} · {text}" if group != "报告章节" else text for group, items in choices for value, text in items
    }


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="文件",
        error_messages={"required": NO_FILE, "empty": EMPTY_FILE, "invalid": NO_FILE, "missing": NO_FILE},
    )
    attached_to = forms.ChoiceField(label="关联到", error_messages={"required": NO_TARGET, "invalid_choice": NO_TARGET})
    description = forms.CharField(label="说明", max_length=200, required=False)
    evidence_type = forms.ChoiceField(
        label="资料类型", choices=[("", "—"), *metadata.EVIDENCE.choices()], required=False
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attached_to"].choices = [("", "—请选择—"), *choices]
        self.fields["file"].widget.attrs["accept"] = ",".join(FILE_TYPES)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_evidence_file(upload)
        return upload

    def target(self) -> dict[str, str]:
        """indicator_code or section_key, from the chosen value."""
        kind, _, key = self.cleaned_data["attached_to"].partition(":")
        return {"section_key": key} if kind == SECTION else {"indicator_code": key}


# --- writes -----------------------------------------------------------------------------------------------------


def _display_name(name: str) -> str:
    """The user's file name as shown and downloaded, within the field's length and keeping the extension."""
    limit = Evidence._meta.get_field("original_name").max_length
    path = Path(Path(name).name)
    return name if len(path.name) <= limit else path.stem[: limit - len(path.suffix)] + path.suffix


@transaction.atomic
def evidence_create(
    *,
    assessment: Assessment,
    user,
    upload,
    indicator_code: str = "",
    section_key: str = "",
    description: str = "",
    evidence_type: str = "",
) -> Evidence:
    """Store an already checked upload. Adding a file overwrites nothing anyone typed, so it is based on the current
    version of the assessment (a page loaded earlier is not refused); it still claims a new version, and so requires
    write access and a draft."""
    assessment_touch(assessment=assessment, user=user, expected_version=assessment.lock_version)
    evidence = Evidence(
        assessment=assessment,
        indicator_code=indicator_code,
        section_key=section_key,
        original_name=_display_name(upload.name),
        size=upload.size,
        description=description,
        evidence_type=evidence_type,
        uploaded_by=user,
    )
    evidence.file.save(f"{uuid4().hex}{Path(upload.name).suffix.lower()}", upload, save=False)
    stored = evidence.file.name
    try:
        evidence.save()
        audit_record(
            assessment=assessment,
            user=user,
            action="evidence_add",
            label=f"上传佐证材料“{evidence.original_name}”",
            changes=[{"where": "佐证材料", "old": "（无）", "new": evidence.original_name}],
        )
    except Exception:
        evidence.file.storage.delete(stored)
        raise
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user) -> None:
    """Delete the record, and the stored file once the deletion is committed."""
    assessment_touch(assessment=evidence.assessment, user=user, expected_version=evidence.assessment.lock_version)
    storage, name = evidence.file.storage, evidence.file.name
    audit_record(
        assessment=evidence.assessment,
        user=user,
        action="evidence_delete",
        label=f"删除佐证材料“{evidence.original_name}”",
        changes=[{"where": "佐证材料", "old": evidence.original_name, "new": "已删除"}],
    )
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
