"""Every model of the assessments app, importable from `assessments.models` as before the models were split by
feature. The migration history is one (app label `assessments`); moving a model between these modules changes no
migration."""

from assessments.models.assessment import (
    Assessment,
    AssessmentPart,
    AuditEvent,
    EvaluationMember,
    Evidence,
    Facts,
    FinalisedError,
    IndicatorRow,
    Institution,
    NarrativeSection,
    Notification,
    Project,
    ReScore,
    SignOff,
    Snapshot,
    SnapshotTampered,
    SpecialFund,
    canonical_json,
    count,
    document_sha256,
    evidence_path,
    guard_not_final,
    money,
)
from assessments.models.comments import ReviewComment
from assessments.models.disclosure import PublishedReport
from assessments.models.explanations import FindingExplanation
from assessments.models.exports import ExportItem, ExportJob
from assessments.models.frameworks import FrameworkAssignment
from assessments.models.rectification import RectificationItem
from assessments.models.reminders import Reminder
from assessments.models.steps import STEPS, Step
from assessments.models.summaries import AssessmentSummary
from assessments.models.whatif import WhatIfRun

__all__ = [
    "STEPS",
    "Assessment",
    "AssessmentPart",
    "AssessmentSummary",
    "AuditEvent",
    "EvaluationMember",
    "Evidence",
    "ExportItem",
    "ExportJob",
    "Facts",
    "FinalisedError",
    "FindingExplanation",
    "FrameworkAssignment",
    "IndicatorRow",
    "Institution",
    "NarrativeSection",
    "Notification",
    "Project",
    "PublishedReport",
    "ReScore",
    "RectificationItem",
    "Reminder",
    "ReviewComment",
    "SignOff",
    "Snapshot",
    "SnapshotTampered",
    "SpecialFund",
    "Step",
    "WhatIfRun",
    "canonical_json",
    "count",
    "document_sha256",
    "evidence_path",
    "guard_not_final",
    "money",
]
