"""What the 审签 tab shows of the workflow: the steps with their signatures, what the user may do now, the changes
since the last return, re-scores and the final snapshot."""

from assessments.audit import EMPTY
from assessments.checks import assessment_checks, project_checks
from assessments.models import Assessment, AuditEvent, ReScore, ReviewComment, SignOff, Snapshot
from assessments.snapshots import assessment_document, document_diff
from assessments.workflow import services as workflow


def review_context(request, data, scored) -> dict:
    """What the 审签 tab shows: the steps with their signatures, what the user may do now, the changes since the
    last return (for the reviewer of a resubmission), re-scores and the final snapshot."""
    assessment = data.assessment
    steps = workflow.steps_for(assessment.unit)
    signoffs = list(SignOff.objects.filter(assessment=assessment).order_by("signed_at", "pk"))
    current = workflow.STEPS.get(assessment.current_step)
    allowed = workflow.allowed_actions(request.user, assessment)
    codes = [s.code for s in steps]
    earlier = steps[: codes.index(current.code)] if current is not None and current.code in codes else []
    later = steps[codes.index(current.code) + 1 :] if current is not None and current.code in codes else []
    last_return = AuditEvent.objects.filter(assessment=assessment, action="return").order_by("-created_at").first()
    comments = list(ReviewComment.objects.filter(assessment=assessment))
    explained = data.explanations()
    checks = assessment_checks(data, scored, explanations=explained) if scored else None
    projects = project_checks(data, explanations=explained)
    diff = None
    if last_return is not None and last_return.snapshot and assessment.status != Assessment.Status.FINAL:
        names = {line.code: line.name for line in scored.sheet.lines} if scored else {}
        diff = document_diff(last_return.snapshot, assessment_document(data, include_score=False), names=names)
        # The comments made before the return and the preparer's answers read as part of what changed.
        diff += [
            {"where": f"批注「{c.label}」（{c.author_name}：{c.text}）", "old": EMPTY, "new": c.answer or "（未答复）"}
            for c in comments
            if c.created_at <= last_return.created_at
        ]
    return {
        "steps": [
            {"step": step, "signoffs": [s for s in signoffs if s.step == step.code], "current": step == current}
            for step in steps
        ],
        "current_step": current,
        "may_act": allowed.act,
        "on_behalf_of": allowed.on_behalf_of,
        "return_targets": earlier,
        "next_step": later[0] if later else None,
        "last_return": last_return,
        "diff": diff,
        "rescores": list(ReScore.objects.filter(assessment=assessment).select_related("reviewer")),
        "may_rescore": allowed.rescore,
        "rescore_lines": [line for line in scored.sheet.lines if line.is_leaf and line.weight] if scored else [],
        "snapshot": Snapshot.objects.latest_for(assessment),
        "may_reopen": allowed.reopen,
        "comments": comments,
        "comment_targets": _comment_targets(scored) if allowed.act and scored else [],
        "may_answer": assessment.status == Assessment.Status.DRAFT and assessment.returned,
        "can_submit": allowed.submit,
        "may_withdraw": allowed.withdraw,
        # Submitting is refused on the project tables' errors too (the submit checklist lists them).
        "blocking": [*checks.errors, *(f for project in projects for f in project.errors)] if scored else [],
        # What the reviewers read beside the scores: each warning with the unit's explanation, then the project
        # tables' warnings with theirs.
        "hints": checks.hints if scored else [],
        "project_hints": [(project.project, hint) for project in projects for hint in project.hints],
        "hint_count": (len(checks.hints) if scored else 0) + sum(len(project.hints) for project in projects),
    }


def _comment_targets(scored) -> list[tuple[str, str]]:
    """(value, label) of the comment form's choices: every indicator line of the sheet, then every finding."""
    lines = [(f"indicator:{line.code}", f"{'　' * (line.level - 1)}{line.name}") for line in scored.sheet.lines]
    findings = [(f"finding:{f.code}", f"检查：{f.message[:60]}") for f in scored.findings]
    return lines + findings
