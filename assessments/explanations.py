"""提示及说明: every warning-level finding of the consistency checks can be answered by the unit. The explanation is
stored under the finding's key (its check and the fields it names), shown next to the finding on screen, to the
reviewers on the 审签 tab, printed as the report's appendix and exported; the submit checklist lists those still
unanswered."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assessments.audit import audit_record, change, shown
from assessments.models import Assessment, FindingExplanation
from units.access import can_write

NOT_DRAFT = "只有草稿可以填写提示说明，这份自评当前状态为“{status}”。"
NOT_WRITER = "只有本单位的填表人可以填写提示说明。"
CHANGED_MEANWHILE = "“{message}”的说明已被他人修改为“{stored}”，您的修改未保存，请查看后重新填写。"
NUL_CHARACTER = "说明含有不可见的控制字符（NUL），无法保存：请删除后重新输入。"
KEY_LENGTH = FindingExplanation._meta.get_field("key").max_length


def finding_key(finding) -> str:
    """What identifies a finding across saves: its check and the fields it names (not its message, which quotes the
    figures and so changes while they are edited). A finding as stored in a snapshot (a dict) has the same key."""
    if isinstance(finding, dict):
        return f"{finding['code']}:{','.join(finding.get('fields', ()))}"[:KEY_LENGTH]
    return f"{finding.code}:{','.join(finding.fields)}"[:KEY_LENGTH]


def hint_notes(findings, explanations: dict[str, str]) -> list[dict]:
    """The appendix 提示及说明 of a report or an export: each warning once, with the unit's explanation ("" when
    none). `findings` as the engine gives them or as a snapshot stores them."""
    notes, seen = [], set()
    for finding in findings:
        severity = finding["severity"] if isinstance(finding, dict) else finding.severity
        if severity == "error":
            continue
        key = finding_key(finding)
        if key in seen:
            continue
        seen.add(key)
        message = finding["message"] if isinstance(finding, dict) else finding.message
        notes.append({"message": message, "text": explanations.get(key, "")})
    return notes


@dataclass
class Hint:
    """A warning-level finding with its key, its stored explanation ("" when none) and where it is fixed."""

    finding: object
    key: str
    text: str = ""
    link: str = ""

    @property
    def explained(self) -> bool:
        return bool(self.text.strip())

    @property
    def box_id(self) -> str:
        """The id of the finding's explanation box, the same on every render of its page and usable in a CSS
        selector (a key holds ':' and ','), so that a live preview can keep the box while replacing the list."""
        return "explain-" + hashlib.sha256(self.key.encode()).hexdigest()[:16]


def stored_explanations(assessment: Assessment) -> dict[str, str]:
    return dict(FindingExplanation.objects.filter(assessment=assessment).values_list("key", "text"))


def hints_of(findings, explanations: dict[str, str], link=None, *, prefix: str = "") -> list[Hint]:
    """The warnings among `findings`, each once (two checks may name the same fields and code only once each).
    `prefix`: a project table's findings are explained under keys of their own (checks.project_key_prefix)."""
    hints, seen = [], set()
    for finding in findings:
        if finding.severity == "error":
            continue
        key = (prefix + finding_key(finding))[:KEY_LENGTH]
        if key in seen:
            continue
        seen.add(key)
        hints.append(Hint(finding, key, explanations.get(key, ""), link(finding) if link else ""))
    return hints


@transaction.atomic
def explanations_save(
    *, assessment: Assessment, user, posted: dict[str, tuple[str, str]], findings, prefix: str = "", where: str = ""
) -> tuple[int, list[str]]:
    """Store the explanations typed for the current warnings: `posted` maps a finding's key to (the text the page
    showed, the text typed). Only what the user changed is written, and a text someone else changed since the page
    was shown is not overwritten (its refusal is returned, the other texts are saved). Each change is in the audit
    trail. Returns how many changed and the refusals. `prefix` and `where`: the findings are a project table's, keyed
    under its prefix and named after it in the trail."""
    assessment = Assessment.objects.select_for_update(of=("self",)).select_related("unit").get(pk=assessment.pk)
    if not can_write(user, assessment.unit):
        raise PermissionDenied(NOT_WRITER)
    if assessment.status != Assessment.Status.DRAFT:
        raise ValidationError(NOT_DRAFT.format(status=assessment.status_label))
    messages = {(prefix + finding_key(f))[:KEY_LENGTH]: f.message for f in findings if f.severity != "error"}
    stored = {e.key: e for e in FindingExplanation.objects.filter(assessment=assessment, key__in=list(posted))}
    changes, refusals = [], []
    for key, (shown_before, typed) in posted.items():
        if key not in messages:
            continue  # the finding went away since the page was shown: nothing to explain any more
        typed = (typed or "").strip()
        if "\x00" in typed:
            raise ValidationError(NUL_CHARACTER)
        current = stored[key].text if key in stored else ""
        if typed == current:
            continue
        if current != (shown_before or "").strip():
            refusals.append(CHANGED_MEANWHILE.format(message=messages[key], stored=current))
            continue
        if typed:
            FindingExplanation.objects.update_or_create(
                assessment=assessment, key=key, defaults={"text": typed, "updated_by": user}
            )
        else:
            FindingExplanation.objects.filter(assessment=assessment, key=key).delete()
        changes.append(change(f"提示说明·{where}{messages[key]}", shown(current), shown(typed)))
    if changes:
        audit_record(assessment=assessment, user=user, action="explain", label="提示说明", changes=changes)
    return len(changes), refusals
