"""The one edge where the scoring engine meets Django: engine errors become ValidationErrors; framework definitions
(the shipped YAML files, or an admin's edit) become stored, versioned FrameworkVersions and, back, engine specs."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from scoring.engine.errors import ScoringError
from scoring.engine.framework import FrameworkSpec, IndicatorSpec, framework_from_dict
from scoring.models import Framework, FrameworkVersion, Indicator


@contextmanager
def engine_errors_as_validation(field: str | None = None) -> Iterator[None]:
    """Run engine code; a ScoringError comes out as a ValidationError with the engine's Chinese message
    (attached to `field` when given, so a form shows it next to that field)."""
    try:
        yield
    except ScoringError as error:
        message = str(error)
        raise ValidationError({field: message} if field else message, code="scoring") from error


FRAMEWORK_DIR = Path(settings.BASE_DIR) / "fixtures" / "frameworks"


def parse_definition(text: str) -> dict:
    """A definition from YAML (JSON is YAML too); a Chinese ValidationError when it is not a mapping."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise ValidationError(f"定义不是有效的 YAML/JSON{where}：{getattr(error, 'problem', '') or error}") from error
    if not isinstance(data, dict):
        raise ValidationError("定义应为一个键值表（以 code: … 开头）。")
    return data


def shipped_definitions() -> dict[str, dict]:
    """The framework files shipped under fixtures/frameworks/, by code."""
    definitions = {}
    for path in sorted(FRAMEWORK_DIR.glob("*.yaml")):
        data = parse_definition(path.read_text(encoding="utf-8"))
        definitions[data["code"]] = data
    return definitions


def validate_definition(definition: dict) -> FrameworkSpec:
    with engine_errors_as_validation():
        return framework_from_dict(definition)


def _comparable(definition: dict) -> dict:
    return {key: value for key, value in definition.items() if key != "version"}


@transaction.atomic
def framework_version_create(*, definition: dict, user=None, note: str = "") -> tuple[FrameworkVersion, bool]:
    """Store `definition` as the next version of its framework; (version, created). A definition equal to the latest
    version's creates nothing, so loading the shipped files again is harmless."""
    validate_definition(definition)
    framework, _ = Framework.objects.get_or_create(code=definition["code"], defaults={"name": definition["name"]})
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    latest = framework.latest_version()
    if latest is not None and _comparable(latest.definition) == _comparable(definition):
        return latest, False
    number = latest.version + 1 if latest else 1
    definition = {**definition, "version": number}
    spec = validate_definition(definition)
    if framework.name != spec.name:
        framework.name = spec.name
        framework.save(update_fields=["name"])
    version = FrameworkVersion.objects.create(
        framework=framework,
        version=number,
        name=spec.name,
        region=spec.region if spec.region != "全国" else "",
        year_from=spec.year_from,
        year_to=spec.year_to,
        rounding_places=spec.rounding.places,
        grades=[
            {"label": g.label, "min": str(g.min), "max": None if g.max is None else str(g.max)} for g in spec.grades
        ],
        definition=definition,
        note=note,
        created_by=user,
    )
    _store_indicators(version, spec.indicators, definition.get("indicators") or [], parent=None, counter=[0])
    return version, True


def _store_indicators(version, specs: tuple[IndicatorSpec, ...], raws: list, *, parent, counter: list[int]) -> None:
    for spec, raw in zip(specs, raws, strict=True):
        counter[0] += 1
        rule = dict(raw.get("rule") or {})
        rule.pop("kind", None)
        node = Indicator.objects.create(
            version=version,
            parent=parent,
            position=counter[0],
            level=spec.level,
            code=spec.code,
            name=spec.name,
            weight=spec.weight,
            rule_kind=spec.kind or "",
            params=rule,
            facts=list(spec.rule.facts()) if spec.rule is not None else [],
            unit_rows=spec.unit_rows,
        )
        _store_indicators(version, spec.children, raw.get("children") or [], parent=node, counter=counter)


def framework_spec(version: FrameworkVersion) -> FrameworkSpec:
    """The engine's spec of a stored version. Versions never change, so the parsed spec is kept per process."""
    return _parsed(_StoredVersion(version))


class _StoredVersion:
    """A version as a cache key: its identity (not its definition, a dict) decides equality; the definition rides
    along to be parsed on a miss."""

    __slots__ = ("definition", "key")

    def __init__(self, version: FrameworkVersion):
        self.key = (version.pk, version.framework_id, version.version, version.created_at)
        self.definition = version.definition

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _StoredVersion) and self.key == other.key


@lru_cache(maxsize=256)
def _parsed(stored: _StoredVersion) -> FrameworkSpec:
    return validate_definition(stored.definition)


def latest_specs() -> dict[str, FrameworkSpec]:
    """The newest stored version of every framework, falling back to the shipped file for one not stored yet — and
    for all of them when the database cannot be read (not migrated yet, or not reachable)."""
    specs = {code: validate_definition(data) for code, data in shipped_definitions().items()}
    try:
        for framework in Framework.objects.all():
            latest = framework.latest_version()
            if latest is not None:
                specs[framework.code] = framework_spec(latest)
    except DatabaseError:
        return {code: validate_definition(data) for code, data in shipped_definitions().items()}
    return specs
