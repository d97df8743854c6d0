"""The review workflow: 草稿 → 已提交 → 评价组组长签署 → 单位负责人审签 → 主管部门审核 (units with a
supervising department) → 财政归口业务科室审核 → 已定稿. Each transition is one function that checks the actor's role
and the state, writes the sign-off and the audit event in one transaction, and refuses anything else in Chinese."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from assessments.audit import audit_record, change, shown, user_name
from assessments.checks import project_checks
from assessments.models import (
    STEPS,
    Assessment,
    AuditEvent,
    Notification,
    ReScore,
    ReviewComment,
    SignOff,
    Snapshot,
    Step,
    document_sha256,
)
from assessments.rectification.services import prior_items, rectification_entries, rectification_items_create
from assessments.rescores import assessment_rescore_entries
from assessments.selectors import assessment_data
from assessments.snapshots import assessment_document
from assessments.workflow.checklist import submit_checklist
from units.access import can_write, is_administrator, roles_in_unit
from units.models import REVIEW_ROLES, Delegation, Membership, Role, Unit

NOT_DRAFT = "只有草稿可以提交，这份自评当前状态为“{status}”。"
NO_STEPS = "本地区没有设置适用于本单位的审签步骤，暂不能提交，请联系管理员在“行政区划”中设置审签步骤。"
HAS_ERRORS = "一致性检查还有 {count} 个错误，改正后才能提交：{first}"
NOT_IN_REVIEW = "这份自评当前状态为“{status}”，没有等待审签的步骤。"
NOT_YOUR_STEP = "当前步骤“{step}”应由{role}办理，您没有这个身份，也没有有效的委托。"
OPINION_REQUIRED = "请填写意见。"
REASON_REQUIRED = "退回必须填写原因。"
BAD_RETURN_STEP = "只能退回到当前步骤之前的步骤。"
NOT_FINAL = "只有已定稿的自评可以重新开启。"
ADMIN_ONLY = "只有管理员可以重新开启已定稿的自评。"
RESCORE_STEP = "抽查复核只能在“财政归口业务科室审核”步骤由财政归口业务科室进行。"
RESCORE_RANGE = "复核得分应在 0 至 {weight} 之间。"
RESCORE_NOT_A_NUMBER = "复核得分应为数字。"
RESCORE_UNKNOWN = "没有这个指标，或它不能单独评分。"
NOT_YOUR_ROLE = "只能委托您在该单位担任的审签角色。"
CHECKLIST_CHANGED = "提交前检查的结果在您确认后有变化，请重新查看并确认。"
WITHDRAW_NOT_IN_REVIEW = "只有审签中的自评可以撤回，这份自评当前状态为“{status}”。"
WITHDRAW_ACTED = "{step}已办理，不能再撤回；如需修改，请由当前审签人退回。"
WITHDRAW_NOT_WRITER = "只有本单位的填表人可以撤回。"
NUL_CHARACTER = "{what}含有不可见的控制字符（NUL），无法保存：常见于从 PDF 或其他系统复制的文字，请删除后重新输入。"


# What the holder of a step does, for messages that read "等待您（评价组组长）签署": one for each of STEPS, the only
# steps these messages are written for.
STEP_ACTIONS = {"group_leader": "签署", "unit_head": "审签", "supervisor": "审核", "finance": "审核"}


def waiting_text(step: Step) -> str:
    """等待您（单位负责人）审签: the addressee's role in brackets, then what they are asked to do."""
    return f"等待您（{Role(step.role).label}）{STEP_ACTIONS[step.code]}"


def done_text(step: Step, signer: str) -> str:
    """已由张三（评价组组长）签署."""
    return f"已由{signer}（{Role(step.role).label}）{STEP_ACTIONS[step.code]}"


def steps_for(unit: Unit) -> list[Step]:
    """The unit's review steps from its region; the supervising department's only when the unit has one."""
    has_department = unit.parent is not None and unit.parent.kind == Unit.Kind.DEPARTMENT
    codes = [code for code in unit.region.review_steps if code in STEPS]
    return [STEPS[code] for code in codes if code != "supervisor" or has_department]


def acting_for(user, assessment: Assessment, step: Step) -> tuple[bool, object | None]:
    """(may act, on whose behalf): the user holds the step's role, or a delegation of it is in force today."""
    if step.role in roles_in_unit(user, assessment.unit):
        return True, None
    today = timezone.localdate()
    units = [assessment.unit_id, *(u.pk for u in assessment.unit.ancestors())]
    delegation = (
        Delegation.objects.filter(delegate=user, role=step.role, unit_id__in=units, starts__lte=today, ends__gte=today)
        .select_related("delegator")
        .first()
    )
    # A delegation written past the service (the ORM, a data import) is checked again here.
    if delegation is None or delegation.refusal() or _would_sign_twice(user, assessment, step):
        return False, None
    return True, delegation.delegator


def _would_sign_twice(user, assessment: Assessment, step: Step) -> bool:
    """Separation of duties for a delegate: not the person who submitted the assessment, and not one who signed
    another of its steps."""
    submitted = AuditEvent.objects.filter(assessment=assessment, action="submit", user=user).exists()
    signed = SignOff.objects.filter(assessment=assessment, signer=user, voided_at=None).exclude(step=step.code)
    return submitted or signed.exists()


@dataclass(frozen=True)
class Allowed:
    """What a user may do with an assessment now. The 审签 tab shows exactly these actions; each service below
    checks the same conditions again (with the reason in its refusal) inside its transaction."""

    submit: bool = False
    act: bool = False  # sign or return the current step
    on_behalf_of: object | None = None
    rescore: bool = False
    reopen: bool = False
    withdraw: bool = False  # the preparer takes it back while the first reviewer has not acted


def allowed_actions(user, assessment: Assessment) -> Allowed:
    status = assessment.status
    if status == Assessment.Status.DRAFT:
        return Allowed(submit=can_write(user, assessment.unit))
    if status == Assessment.Status.FINAL:
        return Allowed(reopen=is_administrator(user, assessment.unit))
    current = STEPS.get(assessment.current_step)
    if status != Assessment.Status.IN_REVIEW or current is None:
        return Allowed()
    act, on_behalf_of = acting_for(user, assessment, current)
    first = _next_step(assessment, None)
    withdraw = (
        first is not None
        and current.code == first.code
        and can_write(user, assessment.unit)
        and _first_act_since_submit(assessment) is None
    )
    return Allowed(act=act, on_behalf_of=on_behalf_of, rescore=act and current.code == "finance", withdraw=withdraw)


def _locked(assessment: Assessment) -> Assessment:
    # Lock only the assessment's row: PostgreSQL refuses FOR UPDATE on the nullable side of the unit__parent join.
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("unit__region", "unit__parent")
        .get(pk=assessment.pk)
    )
    locked._workflow_write = True
    return locked


def _save_state(assessment: Assessment, **fields) -> None:
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.lock_version = F("lock_version") + 1
    assessment.save(update_fields=[*fields, "lock_version", "updated_at"])
    assessment.refresh_from_db(fields=["lock_version"])


def _require_text(text: str, required: str, what: str) -> None:
    """An opinion or reason must be written, and free of NUL characters: PostgreSQL cannot store them in text."""
    if not (text or "").strip():
        raise ValidationError(required)
    if "\x00" in text:
        raise ValidationError(NUL_CHARACTER.format(what=what))


def _require_step(user, assessment: Assessment) -> tuple[Step, object | None]:
    if assessment.status != Assessment.Status.IN_REVIEW or assessment.current_step not in STEPS:
        raise ValidationError(NOT_IN_REVIEW.format(status=assessment.status_label))
    step = STEPS[assessment.current_step]
    allowed, on_behalf_of = acting_for(user, assessment, step)
    if not allowed:
        raise PermissionDenied(NOT_YOUR_STEP.format(step=step.label, role=Role(step.role).label))
    return step, on_behalf_of


def _later_steps(steps: list[Step], step: Step) -> list[Step]:
    """The unit's steps after `step`. When the region's steps were edited while the assessment was in review and no
    longer hold its current step, the steps after it are those that come after it in the usual order (组长, 负责人,
    主管部门, 财政): the review goes on instead of failing."""
    codes = [s.code for s in steps]
    if step.code in codes:
        return steps[codes.index(step.code) + 1 :]
    order = list(STEPS)
    return [s for s in steps if order.index(s.code) > order.index(step.code)]


def _next_step(assessment: Assessment, step: Step | None) -> Step | None:
    steps = steps_for(assessment.unit)
    if step is None:
        return steps[0] if steps else None
    later = _later_steps(steps, step)
    return later[0] if later else None


def assessment_submit(*, assessment: Assessment, user, confirmed: str | None = None) -> Assessment:
    """Consistency errors always refuse. `confirmed`: the fingerprint of the submit checklist the preparer confirmed
    (the checklist page posts it); refused when the checklist has changed since. Callers without a page (commands,
    fixtures) pass None and take the open items as they are."""
    assessment = _locked(assessment)
    if not can_write(user, assessment.unit):
        raise PermissionDenied("只有本单位的填表人可以提交。")
    if assessment.status != Assessment.Status.DRAFT:
        raise ValidationError(NOT_DRAFT.format(status=assessment.status_label))
    data = assessment_data(assessment)
    scored = data.scored()
    if scored.errors:
        raise ValidationError(HAS_ERRORS.format(count=len(scored.errors), first=scored.errors[0].message))
    checklist = submit_checklist(data, scored)
    if checklist.errors:  # a project table's errors (a block over its cap) refuse as the 自评表's do
        raise ValidationError(HAS_ERRORS.format(count=len(checklist.errors), first=checklist.errors[0].message))
    if confirmed is not None and confirmed != checklist.fingerprint:
        raise ValidationError(CHECKLIST_CHANGED)
    first = _next_step(assessment, None)
    if first is None:
        # The region's steps are edited in the admin: none left (or only the supervisor's, for a unit without a
        # department) leaves nobody to send the assessment to.
        raise ValidationError(NO_STEPS)
    was_returned = assessment.returned
    _save_state(assessment, status=Assessment.Status.IN_REVIEW, current_step=first.code, returned=False)
    audit_record(assessment=assessment, user=user, action="submit", label="重新提交" if was_returned else "提交")
    _notify_step(assessment, first, f"{assessment} 已提交，{waiting_text(first)}。")
    return assessment


def _first_act_since_submit(assessment: Assessment) -> AuditEvent | None:
    """The first signature, return or re-scoring by a reviewer after the last submission, or None (back at the first
    step after a return to it, the first reviewer has acted although the step is the same)."""
    # The last submission by pk, the order the acts are compared in below (events of one assessment are written one
    # transition at a time, under its row lock, so it is also the last by time).
    submitted = AuditEvent.objects.filter(assessment=assessment, action="submit").order_by("-pk").first()
    acted = AuditEvent.objects.filter(assessment=assessment, action__in=("sign", "return", "rescore"))
    if submitted is not None:
        acted = acted.filter(pk__gt=submitted.pk)
    return acted.order_by("pk").first()


def _acted_where(event: AuditEvent) -> str:
    """The step an act was done at, as its label names it: this module writes a signature's and a return's label as
    “<step>：…” and a re-scoring's as “抽查复核：…”."""
    return event.action_label.partition("：")[0]


def assessment_withdraw(*, assessment: Assessment, user) -> Assessment:
    """撤回: the preparer takes a submitted assessment back to draft while its first reviewer has not acted."""
    assessment = _locked(assessment)
    if not can_write(user, assessment.unit):
        raise PermissionDenied(WITHDRAW_NOT_WRITER)
    if assessment.status != Assessment.Status.IN_REVIEW:
        raise ValidationError(WITHDRAW_NOT_IN_REVIEW.format(status=assessment.status_label))
    acted = _first_act_since_submit(assessment)
    if acted is not None:  # named by where it was done: the region's steps may have changed since
        raise ValidationError(WITHDRAW_ACTED.format(step=_acted_where(acted)))
    first = _next_step(assessment, None)
    if first is None or assessment.current_step != first.code:
        raise ValidationError(WITHDRAW_ACTED.format(step=first.label if first else "审签人"))
    # `returned` stays False: submitting cleared it and nothing sets it while the assessment is in review.
    _save_state(assessment, status=Assessment.Status.DRAFT, current_step="")
    audit_record(assessment=assessment, user=user, action="withdraw", label="撤回", detail=f"撤回前等待{first.label}")
    _notify_step(assessment, first, f"{assessment} 已由填表人撤回，暂不需要您{first.label}。")
    return assessment


def assessment_sign(*, assessment: Assessment, user, opinion: str) -> Assessment:
    assessment = _locked(assessment)
    step, on_behalf_of = _require_step(user, assessment)
    _require_text(opinion, OPINION_REQUIRED, "意见")
    SignOff.objects.create(
        assessment=assessment,
        step=step.code,
        signer=user,
        on_behalf_of=on_behalf_of,
        signer_name=user_name(user) if on_behalf_of is None else f"{user_name(user)} 代 {user_name(on_behalf_of)}",
        role_label=Role(step.role).label,
        opinion=opinion.strip(),
        lock_version=assessment.lock_version,
    )
    following = _next_step(assessment, step)
    signer = user_name(user) if on_behalf_of is None else f"{user_name(user)}（代 {user_name(on_behalf_of)}）"
    audit_record(assessment=assessment, user=user, action="sign", label=f"{step.label}：签署", detail=opinion.strip())
    if following is None:
        _finalise(assessment, user)
        _notify_unit(assessment, f"{assessment} 已定稿（{signer}签署）。")
    else:
        _save_state(assessment, current_step=following.code)
        _notify_step(assessment, following, f"{assessment} {done_text(step, signer)}，{waiting_text(following)}。")
    return assessment


def assessment_return(*, assessment: Assessment, user, reason: str, to_step: str = "") -> Assessment:
    """Back to the preparer (to_step "") or to an earlier step; the signatures from that step on are voided."""
    assessment = _locked(assessment)
    step, _ = _require_step(user, assessment)
    _require_text(reason, REASON_REQUIRED, "退回原因")
    steps = steps_for(assessment.unit)
    codes = [s.code for s in steps]
    later = _later_steps(steps, step)
    if to_step and (to_step not in codes or to_step == step.code or STEPS[to_step] in later):
        raise ValidationError(BAD_RETURN_STEP)
    voided_steps = codes if not to_step else codes[codes.index(to_step) :]
    SignOff.objects.filter(assessment=assessment, step__in=voided_steps, voided_at=None).update(
        voided_at=timezone.now()
    )
    snapshot = assessment_document(assessment_data(assessment), include_score=False)
    target = STEPS[to_step].label if to_step else "填表人"
    audit_record(
        assessment=assessment,
        user=user,
        action="return",
        label=f"{step.label}：退回至{target}",
        detail=reason.strip(),
        snapshot=snapshot,
    )
    if to_step:
        _save_state(assessment, current_step=to_step)
        _notify_step(
            assessment,
            STEPS[to_step],
            f"{assessment} 被退回，{waiting_text(STEPS[to_step])}。原因：{reason.strip()}",
        )
    else:
        _save_state(assessment, status=Assessment.Status.DRAFT, current_step="", returned=True)
        _notify_roles(assessment, [Role.PREPARER], f"{assessment} 被退回修改。原因：{reason.strip()}")
    return assessment


def _finalise(assessment: Assessment, user) -> Snapshot:
    data = assessment_data(assessment)
    document = {
        "assessment": assessment_document(data),
        "signoffs": [
            {
                "step": s.step,
                "role": s.role_label,
                "signer": s.signer_name,
                "opinion": s.opinion,
                "signed_at": s.signed_at.isoformat(),
            }
            for s in SignOff.objects.filter(assessment=assessment, voided_at=None).order_by("signed_at", "pk")
        ],
        # 抽查复核 is part of the record: the report, the 汇总表 and the dashboard read it from here once final.
        "rescores": assessment_rescore_entries(assessment),
        # 上年整改落实情况 as it stood when this report was signed: the printed report never changes afterwards.
        "prior_rectification": rectification_entries(prior_items(assessment)),
        # The project tables' 提示 with their explanations, for the appendix 提示及说明: the document keeps no ids
        # of projects and rows, under which their explanations are stored.
        "project_hint_notes": [list(note) for checks in project_checks(data) for note in checks.hint_notes()],
    }
    snapshot = Snapshot.objects.create(
        assessment=assessment, data=document, sha256=document_sha256(document), created_by=user
    )
    _save_state(assessment, status=Assessment.Status.FINAL, current_step="")
    audit_record(
        assessment=assessment, user=user, action="finalise", label="定稿", detail=f"SHA-256：{snapshot.sha256}"
    )
    # The report's 存在问题 and 整改措施 become items the unit follows up during the next year.
    rectification_items_create(assessment=assessment, user=user)
    return snapshot


def assessment_reopen(*, assessment: Assessment, user, reason: str) -> Assessment:
    """An administrator takes a finalised assessment back to draft; its snapshots stay as they were."""
    assessment = _locked(assessment)
    if not is_administrator(user, assessment.unit):
        raise PermissionDenied(ADMIN_ONLY)
    if assessment.status != Assessment.Status.FINAL:
        raise ValidationError(NOT_FINAL)
    _require_text(reason, "重新开启必须填写原因。", "原因")
    # Back to draft first: while the assessment is final the database refuses any change to its sign-offs.
    _save_state(assessment, status=Assessment.Status.DRAFT, current_step="", returned=True)
    SignOff.objects.filter(assessment=assessment, voided_at=None).update(voided_at=timezone.now())
    audit_record(assessment=assessment, user=user, action="reopen", label="管理员重新开启", detail=reason.strip())
    _notify_roles(assessment, [Role.PREPARER], f"{assessment} 已由管理员重新开启。原因：{reason.strip()}")
    return assessment


def assessment_rescore(*, assessment: Assessment, user, indicator_key: str, score: Decimal, reason: str) -> ReScore:
    """抽查复核: the finance reviewer's own score for one indicator, recorded beside the unit's."""
    assessment = _locked(assessment)
    if assessment.current_step != "finance" or assessment.status != Assessment.Status.IN_REVIEW:
        raise ValidationError(RESCORE_STEP)
    allowed, _ = acting_for(user, assessment, STEPS["finance"])
    if not allowed:
        raise PermissionDenied(RESCORE_STEP)
    _require_text(reason, "复核必须填写理由。", "复核理由")
    sheet = assessment_data(assessment).scored().sheet
    line = next((line for line in sheet.lines if line.code == indicator_key and line.is_leaf), None)
    if line is None or line.weight is None:
        raise ValidationError(RESCORE_UNKNOWN)
    if not score.is_finite():  # NaN cannot even be compared with the weight
        raise ValidationError(RESCORE_NOT_A_NUMBER)
    if score < 0 or score > line.weight:
        raise ValidationError(RESCORE_RANGE.format(weight=line.weight))
    rescore = ReScore.objects.create(
        assessment=assessment,
        indicator_key=indicator_key,
        indicator_name=line.name,
        self_score=line.points,
        score=score,
        reason=reason.strip(),
        reviewer=user,
    )
    # A new version of the record: the stored summary (复核后总分) is computed again.
    _save_state(assessment)
    audit_record(
        assessment=assessment,
        user=user,
        action="rescore",
        label=f"抽查复核：{line.name}",
        detail=f"自评 {line.points} 分，复核 {score} 分。{reason.strip()}",
    )
    return rescore


# --- notifications ------------------------------------------------------------------------------------------------


def _holders(assessment: Assessment, roles) -> list:
    units = [assessment.unit_id, *(u.pk for u in assessment.unit.ancestors())]
    memberships = Membership.objects.filter(unit_id__in=units, role__in=roles).select_related("user")
    today = timezone.localdate()
    delegates = Delegation.objects.filter(
        Q(unit_id__in=units) & Q(role__in=roles) & Q(starts__lte=today) & Q(ends__gte=today)
    ).select_related("delegate")
    users = {m.user_id: m.user for m in memberships} | {d.delegate_id: d.delegate for d in delegates}
    return list(users.values())


def step_holders(assessment: Assessment, step: Step) -> list[str]:
    """The names of those who will act on a step (named by the submit confirmation)."""
    return sorted(user_name(user) for user in _holders(assessment, [step.role]))


def _notify(assessment: Assessment, users, message: str) -> None:
    # The message quotes the reviewer's reason, which may be longer than the inbox line; the email keeps all of it.
    short = Truncator(message).chars(Notification._meta.get_field("message").max_length)
    Notification.objects.bulk_create(Notification(user=u, assessment=assessment, message=short) for u in users)
    link = reverse("assessments:tab", args=[assessment.pk, "review"])
    recipients = [u.email for u in users if u.email]
    if recipients:
        send_mail(
            subject=f"[perfeval 绩效自评] {message[:60]}",
            message=f"{message}\n\n请登录 perfeval 查看：{link}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
            fail_silently=True,
        )


def _notify_step(assessment: Assessment, step: Step, message: str) -> None:
    _notify(assessment, _holders(assessment, [step.role]), message)


def _notify_roles(assessment: Assessment, roles, message: str) -> None:
    _notify(assessment, _holders(assessment, roles), message)


def _notify_unit(assessment: Assessment, message: str) -> None:
    _notify(assessment, _holders(assessment, [Role.PREPARER, *(s.role for s in STEPS.values())]), message)


def delegation_create(*, delegator, delegate, unit: Unit, role: str, starts, ends) -> Delegation:
    """A reviewer lets a colleague sign their step in one unit for a date range; the signature then reads
    "B 代 A". Only for a review role the delegator holds in that unit."""
    if role not in REVIEW_ROLES or role not in roles_in_unit(delegator, unit):
        raise PermissionDenied(NOT_YOUR_ROLE)
    delegation = Delegation(delegator=delegator, delegate=delegate, unit=unit, role=role, starts=starts, ends=ends)
    refusal = delegation.refusal()
    if refusal:
        raise ValidationError(refusal)
    delegation.save()
    return delegation


# --- comments on single indicators or findings (批注) --------------------------------------------------------------

COMMENT_NOT_REVIEWING = "只有正在办理当前审签步骤的审签人可以添加批注。"
COMMENT_UNKNOWN = "没有这个指标或检查结果。"
COMMENT_REQUIRED = "请填写批注。"
ANSWER_REQUIRED = "请填写答复。"
ANSWER_NOT_PREPARER = "只有本单位的填表人可以答复批注。"
ANSWER_NOT_RETURNED = "自评退回修改后才能答复批注。"


def comment_targets(assessment: Assessment) -> dict[tuple[str, str], str]:
    """(target, key) → label of everything a reviewer may comment on: the score sheet's indicator lines and the
    consistency findings."""
    scored = assessment_data(assessment).scored()
    targets = {("indicator", line.code): line.name for line in scored.sheet.lines}
    targets |= {("finding", finding.code): Truncator(finding.message).chars(300) for finding in scored.findings}
    return targets


@transaction.atomic
def comment_add(*, assessment: Assessment, user, target: str, key: str, text: str) -> ReviewComment:
    """A reviewer at the current step attaches a comment to one indicator or finding while reading."""
    assessment = _locked(assessment)
    if not allowed_actions(user, assessment).act:
        raise PermissionDenied(COMMENT_NOT_REVIEWING)
    _require_text(text, COMMENT_REQUIRED, "批注")
    label = comment_targets(assessment).get((target, key))
    if label is None:
        raise ValidationError(COMMENT_UNKNOWN)
    comment = ReviewComment.objects.create(
        assessment=assessment,
        target=target,
        key=key,
        label=label,
        text=text.strip(),
        step=assessment.current_step,
        author=user,
        author_name=user_name(user),
    )
    audit_record(assessment=assessment, user=user, action="comment", label=f"批注：{label}", detail=text.strip())
    return comment


@transaction.atomic
def comment_answer(*, comment: ReviewComment, user, text: str) -> ReviewComment:
    """The preparer answers a comment after the return (an answer may be rewritten until the resubmission)."""
    assessment = _locked(comment.assessment)
    if not can_write(user, assessment.unit):
        raise PermissionDenied(ANSWER_NOT_PREPARER)
    if assessment.status != Assessment.Status.DRAFT:
        raise ValidationError(ANSWER_NOT_RETURNED)
    _require_text(text, ANSWER_REQUIRED, "答复")
    previous = comment.answer
    ReviewComment.objects.filter(pk=comment.pk).update(
        answer=text.strip(), answered_by=user, answered_at=timezone.now()
    )
    comment.refresh_from_db()
    audit_record(
        assessment=assessment,
        user=user,
        action="answer",
        label=f"答复批注：{comment.label}",
        detail=text.strip(),
        changes=[change(f"批注「{comment.label}」·答复", shown(previous), shown(comment.answer))],
    )
    return comment


# --- batch signing -------------------------------------------------------------------------------------------------

BATCH_STEPS = ("supervisor", "finance")
BATCH_STEP_ONLY = "批量签署只适用于“主管部门审核”和“财政归口业务科室审核”，这份自评当前为“{status}”，请逐份办理。"


@dataclass(frozen=True)
class BatchResult:
    signed: list  # assessments signed
    refused: list  # (assessment, reason)


def assessment_sign_many(*, assessments, user, opinion: str) -> BatchResult:
    """One opinion for several assessments waiting for a 主管部门 or finance reviewer: each is signed on its own (its
    own transaction, sign-off and audit event, exactly as assessment_sign), and each refusal is reported beside the
    assessment it concerns without stopping the others."""
    _require_text(opinion, OPINION_REQUIRED, "意见")
    signed, refused = [], []
    for assessment in assessments:
        if assessment.status != Assessment.Status.IN_REVIEW or assessment.current_step not in BATCH_STEPS:
            refused.append((assessment, BATCH_STEP_ONLY.format(status=assessment.status_label)))
            continue
        try:
            signed.append(assessment_sign(assessment=assessment, user=user, opinion=opinion))
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            refused.append((assessment, message))
    return BatchResult(signed, refused)


# Each transition and the delegation run in one transaction. Wrapped here instead of with the decorator because the
# mutation tests (make mutation: mutmut skips decorated functions) must reach their bodies.
assessment_submit = transaction.atomic(assessment_submit)
assessment_withdraw = transaction.atomic(assessment_withdraw)
assessment_sign = transaction.atomic(assessment_sign)
assessment_return = transaction.atomic(assessment_return)
assessment_reopen = transaction.atomic(assessment_reopen)
assessment_rescore = transaction.atomic(assessment_rescore)
delegation_create = transaction.atomic(delegation_create)
