"""The demo assessments (fixtures/demo/assessments.yaml): each demo unit's assessment for its seed's year, filled with
the seed's own figures. Loading is idempotent: the assessment is created once (assessment_create), then everything in
it that the file describes is reset and written again — the same file always gives the same rows, never duplicates."""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from assessments.indicator_inputs import HAND_SCORABLE, inputs_for
from assessments.layouts import layout_for
from assessments.models import (
    Assessment,
    Facts,
    IndicatorRow,
    Institution,
    NarrativeSection,
    Project,
    SpecialFund,
)
from assessments.scores import project_framework_version
from assessments.services import assessment_create
from scoring.adapters import framework_spec
from scoring.engine.numbers import parse_target
from units.models import Unit

_ROW_FIELDS = (
    "group_code",
    "name",
    "weight",
    "kind",
    "target_value",
    "actual_value",
    "target_comparator",
    "target_number",
    "actual_number",
    "outcome",
    "score",
    "score_reason",
    "failed_items",
    "answers",
    "deviation_reason",
    "target_basis",
    "actual_method",
    "data_source",
    "evidence_types",
)
_PROJECT_ROWS = "indicator_rows"
_SPEC_KEYS = frozenset(
    {
        "year",
        "preparer",
        "goal_planned",
        "goal_achieved",
        "facts",
        "institutions",
        "special_funds",
        "indicator_rows",
        "projects",
        "narrative",
    }
)


@transaction.atomic
def load_demo_assessments(data: Mapping, *, users: Mapping) -> list[Assessment]:
    """Create or refresh one assessment per unit code in `data`; `users` maps a username to its user (the file names
    each assessment's preparer, who must be able to write to the unit)."""
    loaded = []
    for unit_code, spec in data.items():
        unit = Unit.objects.select_related("region").get(code=unit_code)
        user = users[spec["preparer"]]
        assessment = Assessment.objects.filter(unit=unit, year=spec["year"], kind=Assessment.Kind.OVERALL).first()
        if assessment is None:
            assessment = assessment_create(unit=unit, year=spec["year"], user=user)
        _fill(assessment, spec, user)
        loaded.append(assessment)
    return loaded


def _fill(assessment: Assessment, spec: Mapping, user) -> None:
    where = f"{assessment.unit.code} {assessment.year}"
    _check_keys(spec, _SPEC_KEYS, where)
    # A plain update: the demo is not a user's save, so the optimistic-locking version is left alone. The time of the
    # change is recorded, as it is what tells the stored summaries and cached reports that the data is new.
    Assessment.objects.filter(pk=assessment.pk).update(
        goal_planned=spec.get("goal_planned", ""),
        goal_achieved=spec.get("goal_achieved", ""),
        updated_by=user,
        updated_at=timezone.now(),
    )
    assessment.refresh_from_db()
    _fill_facts(assessment, spec.get("facts") or {}, where)
    _fill_institutions(assessment, spec.get("institutions") or [], where)
    _replace(
        assessment.special_funds,
        SpecialFund,
        [
            {"assessment": assessment, "position": i, **item}
            for i, item in enumerate(spec.get("special_funds") or [], 1)
        ],
        where,
    )
    assessment.projects.all().delete()  # their rows go with them
    groups = _unit_row_groups(assessment.framework_version)
    _fill_indicator_rows(assessment, None, spec.get("indicator_rows") or [], groups, where)
    projects = spec.get("projects") or []
    if projects:
        groups = _unit_row_groups(project_framework_version(assessment))
    for position, item in enumerate(projects, 1):
        fields = {key: value for key, value in item.items() if key != _PROJECT_ROWS}
        project = _create(Project, {"assessment": assessment, "position": position, **fields}, where)
        _fill_indicator_rows(assessment, project, item.get(_PROJECT_ROWS) or [], groups, f"{where} {project.name}")
    _fill_narrative(assessment, spec.get("narrative") or {}, where)


def _unit_row_groups(version) -> set[str]:
    """The level-2 codes under which a 10号 table's unit writes its own rows."""
    return {node.code for node in framework_spec(version).walk() if node.unit_rows}


def _fill_facts(assessment: Assessment, values: Mapping, where: str) -> None:
    facts, _ = Facts.objects.get_or_create(assessment=assessment)
    fields = {field.name: field for field in Facts._meta.concrete_fields if field.name not in ("id", "assessment")}
    _check_keys(values, set(fields), f"{where} facts")
    for name, field in fields.items():
        setattr(facts, name, _value(field, values.get(name, field.get_default()), f"{where} facts.{name}"))
    _validate(facts, where)
    facts.save()


def _fill_institutions(assessment: Assessment, items: list, where: str) -> None:
    """收支情况 rows in file order; a row without a name is the unit's 本级 row, named as assessment_create names it."""
    rows = []
    for position, item in enumerate(items, 1):
        name = item.get("name") or f"{assessment.unit.name}（本级）"
        rows.append({**item, "assessment": assessment, "position": position, "name": name})
    _replace(assessment.institutions, Institution, rows, where)


def _fill_indicator_rows(assessment: Assessment, project, items: list, groups: set[str], where: str) -> None:
    """Framework rows (by code) are reset and answered; the unit-written rows are replaced by the file's."""
    own = IndicatorRow.objects.filter(assessment=assessment, project=project)
    by_code = {row.code: row for row in own.exclude(code="")} if project is None else {}
    own.filter(code="").delete()
    for row in by_code.values():
        _reset_row(row)
    created = []
    position = len(by_code)
    for item in items:
        _check_keys(item, {"code", *_ROW_FIELDS}, where)
        if code := item.get("code"):
            if code not in by_code:
                raise ValidationError(f"{where}：指标“{code}”不在该自评的指标体系中。")
            row = by_code[code]
        else:
            if item.get("group_code") not in groups:
                raise ValidationError(f"{where}：“{item.get('name')}”的二级指标“{item.get('group_code')}”不存在。")
            position += 1
            row = IndicatorRow(assessment=assessment, project=project, position=position)
            created.append(row)
        for name in _ROW_FIELDS:
            if name in item:
                field = IndicatorRow._meta.get_field(name)
                setattr(row, name, _value(field, item[name], f"{where} {item.get('name') or code}.{name}"))
        if row.kind == IndicatorRow.Kind.QUANTITATIVE:
            _read_numbers(row)
    hand_scorable = _hand_scorable_codes(assessment) if project is None else set()
    for row in by_code.values():
        # A report that printed only the score of a computed indicator: scored by hand, as the screen would mark it.
        row.manual = row.score is not None and row.code in hand_scorable
    for row in [*by_code.values(), *created]:
        _validate(row, where)
        row.save()


def _hand_scorable_codes(assessment: Assessment) -> set[str]:
    spec = framework_spec(assessment.framework_version)
    return {node.code for node in spec.walk() if node.rule is not None and inputs_for(node).mode in HAND_SCORABLE}


def _reset_row(row: IndicatorRow) -> None:
    for name in _ROW_FIELDS:
        field = IndicatorRow._meta.get_field(name)
        setattr(row, name, field.get_default())


def _read_numbers(row: IndicatorRow) -> None:
    """As the indicator form does: the number and comparator read from the texts, unless typed."""
    comparator, target, _ = parse_target(row.target_value)
    if row.target_number is None:
        row.target_number = target
    if not row.target_comparator:
        row.target_comparator = comparator or ""
    if row.actual_number is None:
        row.actual_number = parse_target(row.actual_value)[1]


def _fill_narrative(assessment: Assessment, bodies: Mapping, where: str) -> None:
    keys = [section.key for section in layout_for(assessment.unit).sections]
    _check_keys(bodies, set(keys), f"{where} narrative")
    for key in keys:
        NarrativeSection.objects.update_or_create(
            assessment=assessment, key=key, defaults={"body": (bodies.get(key) or "").strip()}
        )


# --- helpers -----------------------------------------------------------------------------------------------------


def _replace(related, model: type[models.Model], rows: list[dict], where: str) -> None:
    related.all().delete()
    for row in rows:
        _create(model, row, where)


def _create(model: type[models.Model], values: Mapping, where: str):
    fields = {field.name: field for field in model._meta.concrete_fields}
    _check_keys(values, set(fields), f"{where} {model._meta.verbose_name}")
    obj = model(**{name: _value(fields[name], value, f"{where} {name}") for name, value in values.items()})
    _validate(obj, where)
    obj.save()
    return obj


def _value(field: models.Field, value, where: str):
    """A file value for a model field: amounts and scores as Decimal from their text, never through float."""
    if isinstance(value, float):
        raise ValidationError(f'{where}：数值 {value!r} 应写成带引号的文本（如 "2681.55"），避免浮点误差。')
    if isinstance(field, models.DecimalField) and value is not None:
        return Decimal(str(value))
    return value


def _validate(obj: models.Model, where: str) -> None:
    try:
        obj.full_clean(exclude=["assessment", "project"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(f"{where}：{obj._meta.verbose_name}“{obj}”数据有误：{error.message_dict}") from error


def _check_keys(values: Mapping, allowed: set[str] | frozenset[str], where: str) -> None:
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValidationError(f"{where}：未知的字段 {', '.join(unknown)}")
