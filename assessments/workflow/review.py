"""What the 审签 tab shows of the workflow: the steps with their signatures, what the user may do now, the changes
since the last return, re-scores and the final snapshot."""

from assessments.models import Assessment, AuditEvent, ReScore, SignOff
from assessments.snapshots import assessment_document, document_diff, latest_snapshot
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
    last_return = AuditEvent.objects.filter(assessment=assessment, action="return").order_by("-created_at").first()
    diff = None
    if last_return is not None and last_return.snapshot and assessment.status != Assessment.Status.FINAL:
        names = {line.code: line.name for line in scored.sheet.lines} if scored else {}
        diff = document_diff(last_return.snapshot, assessment_document(data, include_score=False), names=names)
    return {
        "steps": [
            {"step": step, "signoffs": [s for s in signoffs if s.step == step.code], "current": step == current}
            for step in steps
        ],
        "current_step": current,
        "may_act": allowed.act,
        "on_behalf_of": allowed.on_behalf_of,
        "return_targets": earlier,
        "last_return": last_return,
        "diff": diff,
        "rescores": list(ReScore.objects.filter(assessment=assessment).select_related("reviewer")),
        "may_rescore": allowed.rescore,
        "rescore_lines": [line for line in scored.sheet.lines if line.is_leaf and line.weight] if scored else [],
        "snapshot": latest_snapshot(assessment),
        "may_reopen": allowed.reopen,
        "can_submit": allowed.submit,
        "blocking": scored.errors if scored else [],
    }
