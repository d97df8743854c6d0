"""An assessment as one plain JSON document: what is frozen (with its SHA-256) when it is finalised, what a return
keeps so the resubmission can show what changed, and the source of the field-by-field diff."""

import hashlib
from decimal import Decimal

from django.db import models

from assessments.audit import ROW_ADDED, ROW_REMOVED, change, shown
from assessments.explanations import stored_explanations
from assessments.models import (
    EvaluationMember,
    Evidence,
    Facts,
    IndicatorRow,
    Institution,
    NarrativeSection,
    Project,
)
from assessments.scores import project_framework_version, score_project
from assessments.selectors import AssessmentData
from scoring.adapters import framework_spec
from scoring.engine import metadata
from units.models import Staffing


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _fields(instance, model, exclude=("id", "assessment", "project", "position")) -> dict:
    return {
        field.name: _plain(getattr(instance, field.attname))
        for field in model._meta.concrete_fields
        if field.name not in exclude and not isinstance(field, models.FileField)
    }


def assessment_document(data: AssessmentData, *, include_score: bool = True) -> dict:
    """Everything the unit entered for the assessment, in a stable order, plus (optionally) the score sheet."""
    assessment = data.assessment
    unit = assessment.unit
    rows_by_project: dict[int | None, list[IndicatorRow]] = {}
    for row in data.rows:
        rows_by_project.setdefault(row.project_id, []).append(row)
    document = {
        "unit": {
            "code": unit.code,
            "name": unit.name,
            "region": unit.region.full_name,
            "contact_person": unit.contact_person,
            "contact_phone": unit.contact_phone,
            "functions": unit.functions,
            "internal_structure": unit.internal_structure,
        },
        "year": assessment.year,
        "framework": {
            "code": assessment.framework_version.framework.code,
            "version": assessment.framework_version.version,
        },
        "goal": {"planned": assessment.goal_planned, "achieved": assessment.goal_achieved},
        "staffing": _fields(data.staffing, Staffing, exclude=("id", "unit", "year")) if data.staffing else {},
        "facts": _fields(data.facts, Facts),
        "institutions": [_fields(i, Institution) for i in data.institutions],
        "special_funds": [
            {"name": f.name, "prior": _plain(f.prior), "budget": _plain(f.budget), "actual": _plain(f.actual)}
            for f in data.special_funds
        ],
        "indicator_rows": [_fields(r, IndicatorRow) for r in rows_by_project.get(None, [])],
        "projects": [
            {**_fields(p, Project), "indicator_rows": [_fields(r, IndicatorRow) for r in rows_by_project.get(p.pk, [])]}
            for p in data.projects
        ],
        "narrative": {s.key: s.body for s in NarrativeSection.objects.filter(assessment=assessment).order_by("key")},
        "evaluation_members": [
            _fields(m, EvaluationMember) for m in EvaluationMember.objects.filter(assessment=assessment)
        ],
        "explanations": stored_explanations(assessment),
        "evidence": [
            {
                "name": e.original_name,
                "size": e.size,
                "sha256": file_sha256(e),
                "indicator": e.indicator_code,
                "section": e.section_key,
            }
            for e in Evidence.objects.filter(assessment=assessment).order_by("pk")
        ],
    }
    if include_score:
        scored = data.scored()
        document["score"] = scored.sheet.to_dict()
        document["findings"] = [finding.to_dict() for finding in scored.findings]
        version = project_framework_version(assessment)
        if version is not None and data.projects:
            spec = framework_spec(version)
            document["project_framework"] = {"code": version.framework.code, "version": version.version}
            for project, entry in zip(data.projects, document["projects"], strict=True):
                entry["score"] = score_project(
                    project, spec=spec, rows=rows_by_project.get(project.pk, [])
                ).sheet.to_dict()
    return document


def file_sha256(evidence: Evidence) -> str:
    digest = hashlib.sha256()
    try:
        with evidence.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(65536), b""):
                digest.update(chunk)
    except (FileNotFoundError, ValueError):
        return ""
    return digest.hexdigest()


# --- the field-by-field diff -----------------------------------------------------------------------------------

_SECTION_LABELS = {
    "unit": "基本情况",
    "goal": "年度总体目标",
    "staffing": "人员编制",
    "facts": "基础数据",
    "institutions": "收支情况",
    "special_funds": "专项资金",
    "indicator_rows": "自评表",
    "projects": "项目",
    "narrative": "叙述",
    "evaluation_members": "评价人员",
    "evidence": "佐证材料",
}
_FIELD_LABELS = {
    **{
        f.name: str(f.verbose_name)
        for model in (Facts, Institution, IndicatorRow, Project, EvaluationMember, Staffing)
        for f in model._meta.concrete_fields
    },
    "planned": "预期目标",
    "achieved": "实际完成情况",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "functions": "主要职能",
    "internal_structure": "内设机构",
    "prior": "上年决算数",
    "budget": "本年预算数",
    "actual": "本年决算数",
}
# Values stored as codes (a row's type, outcome, data source, evidence types) are shown as the forms show them.
_CHOICES = {
    **{
        f.name: {str(code): str(label) for code, label in f.flatchoices}
        for model in (Facts, Institution, IndicatorRow, Project, EvaluationMember, Staffing)
        for f in model._meta.concrete_fields
        if f.choices
    },
    "evidence_types": dict(metadata.EVIDENCE.choices()),
}


def _row_label(section: str, index: int, row, names: dict | None = None) -> str:
    """A row named as the reader knows it: an indicator by its name (the unit's own, or the framework's for its
    code), any other row by its name; only a row without one by its number."""
    name = None
    if isinstance(row, dict):
        name = row.get("name") or (names or {}).get(row.get("code"))
    if name:
        return f"{_SECTION_LABELS[section]}「{name}」"
    return f"{_SECTION_LABELS[section]} 第{index + 1}行"


def document_diff(old: dict, new: dict, *, names: dict[str, str] | None = None) -> list[dict]:
    """[{"where": "基础数据·公务接待费·本年预算数", "old": "0.50", "new": "1.00"}, …] for every changed value
    (the score and findings are left out: they follow from the data). `names` (indicator code → name, from the
    current score sheet) names the indicator rows a framework defines, whose stored rows carry only the code."""
    changes: list[dict] = []
    for section in _SECTION_LABELS:
        a, b = old.get(section), new.get(section)
        label = _SECTION_LABELS[section]
        if isinstance(a, list) or isinstance(b, list):
            a, b = a or [], b or []
            for index in range(max(len(a), len(b))):
                left = a[index] if index < len(a) else None
                right = b[index] if index < len(b) else None
                where = _row_label(section, index, right or left, names)
                if left is None:
                    changes.append(change(where, *ROW_ADDED))
                elif right is None:
                    changes.append(change(where, *ROW_REMOVED))
                else:
                    _diff_mapping(where, left, right, changes, names)
        elif isinstance(a, dict) or isinstance(b, dict):
            _diff_mapping(label, a or {}, b or {}, changes, names)
    return changes


def _diff_mapping(where: str, left: dict, right: dict, changes: list[dict], names: dict | None = None) -> None:
    for key in dict.fromkeys([*left, *right]):
        a, b = left.get(key), right.get(key)
        if _rows(a) or _rows(b):
            for index in range(max(len(a or []), len(b or []))):
                x = (a or [])[index] if index < len(a or []) else None
                y = (b or [])[index] if index < len(b or []) else None
                sub = f"{where}·{_row_label('indicator_rows', index, y or x, names)}"
                if x is None or y is None:
                    changes.append(change(sub, *(ROW_ADDED if x is None else ROW_REMOVED)))
                elif x != y:
                    _diff_mapping(sub, x, y, changes, names)
        # A list of codes (a row's evidence types) is one value, changed as a whole like a multiple choice.
        elif a != b and not (a in (None, "", []) and b in (None, "", [])):
            changes.append(change(f"{where}·{_FIELD_LABELS.get(key, key)}", _shown(key, a), _shown(key, b)))


def _rows(value) -> bool:
    """A list of rows (a project's indicator rows), diffed row by row."""
    return isinstance(value, list) and any(isinstance(item, dict) for item in value)


def _shown(key: str, value) -> str:
    labels = _CHOICES.get(key, {})
    if isinstance(value, list):
        return shown([labels.get(item, item) for item in value])
    return shown(labels.get(value, value) if isinstance(value, str) else value)
