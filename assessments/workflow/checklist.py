"""提交前检查: what submitting would send up incomplete, grouped as the preparer fixes it — consistency errors (they
block), missing inputs by tab, 评价人员, required 偏差原因, unexplained 提示 and the evidence the framework's hand-scored
indicators rest on (these must be confirmed); then the same for each project table (附件1-3). Each item links to the
place where it is fixed."""

import hashlib
from dataclasses import dataclass, field

from django.urls import reverse

from assessments.checks import NO_REASON, Checks, ProjectChecks, assessment_checks, project_checks
from assessments.explanations import stored_explanations
from assessments.models import EvaluationMember, Evidence
from assessments.tabs import TAB_LABELS, finding_link, row_prefixes
from scoring.engine import vocabulary

# Lines scored by hand rather than by a rule from figures: what the score rests on is the evidence.
HAND_SCORED_BANDS = ("人工录入", "人工评分")


@dataclass(frozen=True)
class Item:
    message: str
    link: str


@dataclass
class Group:
    key: str
    title: str
    blocking: bool
    items: list[Item] = field(default_factory=list)


@dataclass
class Checklist:
    groups: list[Group]

    @property
    def errors(self) -> list[Item]:
        return [item for group in self.groups if group.blocking for item in group.items]

    @property
    def open_items(self) -> list[Item]:
        """What is incomplete but may be submitted once the preparer confirms it."""
        return [item for group in self.groups if not group.blocking for item in group.items]

    @property
    def fingerprint(self) -> str:
        """What the preparer confirmed: the open items as listed. Submitting with another list (something changed
        after the page was shown) asks for a new confirmation; nothing open, nothing to confirm ("")."""
        if not self.open_items:
            return ""
        text = "\n".join(sorted(item.message for item in self.open_items))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def shown_groups(self) -> list[Group]:
        return [group for group in self.groups if group.items]


@dataclass(frozen=True)
class _Fields:
    """A finding-shaped stand-in, so a missing input is linked to its field the way a finding is."""

    code: str
    fields: tuple[str, ...]


def _fact_names() -> dict[str, str]:
    return {fact.label: name for name, fact in vocabulary.FACTS.items()}


def submit_checklist(data, scored, *, checks: Checks | None = None) -> Checklist:
    """`checks`: the 自评表's checks when the page has them already (checks.assessment_checks)."""
    assessment = data.assessment
    rows = row_prefixes(data.assessment_rows)
    explanations = stored_explanations(assessment)
    if checks is None:
        checks = assessment_checks(data, scored, explanations=explanations)

    def link(finding) -> str:
        return finding_link(assessment, finding, rows)

    errors = Group("errors", "一致性检查错误（改正后才能提交）", True)
    errors.items = [Item(f.message, link(f)) for f in checks.errors]

    missing = Group("missing", "尚缺数据", False)
    names = _fact_names()
    for line in scored.sheet.lines:
        for label in line.missing:
            name = names.get(label)
            target = link(_Fields("missing", (name,))) if name else link(_Fields("missing", (line.code,)))
            where = TAB_LABELS.get(target.split("#")[0].rstrip("/").rsplit("/", 1)[-1], "自评表")
            missing.items.append(Item(f"【{where}】{line.name}：缺少{label}", target))

    members = Group("members", "评价人员", False)
    if not EvaluationMember.objects.filter(assessment=assessment).exists():
        members.items.append(Item("尚未填写评价人员名单", _tab(assessment, "review", "member-table")))

    reasons = Group("reasons", "偏差原因", False)
    for line in scored.sheet.lines:
        if line.is_leaf and NO_REASON in line.warnings:
            reasons.items.append(
                Item(
                    f"{line.name}：得分 {line.points} 低于分值 {line.weight}，需填写偏差原因",
                    link(_Fields("", (line.code,))),
                )
            )

    hints = Group("hints", "未说明的提示", False)
    for index, hint in enumerate(checks.hints, start=1):
        if not hint.explained:
            hints.items.append(Item(hint.finding.message, _tab(assessment, "score", f"hint-{index}")))

    evidence = Group("evidence", "佐证材料", False)
    attached = set(Evidence.objects.filter(assessment=assessment).values_list("indicator_code", flat=True))
    for line in scored.sheet.lines:
        if line.is_leaf and (line.band in HAND_SCORED_BANDS or line.kind == "manual") and line.code not in attached:
            evidence.items.append(Item(f"{line.name}：按人工评分计分，尚未上传佐证材料", _tab(assessment, "evidence")))
    groups = [errors, missing, members, reasons, hints, evidence]
    for project in project_checks(data, explanations=explanations):
        groups += _project_groups(project, attached)
    return Checklist(groups)


def _project_groups(checks: ProjectChecks, attached: set[str]) -> list[Group]:
    """A project table's errors (they block, as the 自评表's do) and what it still lacks, each linked to the field on
    the project's page: missing inputs, required 偏差原因, 提示 without an explanation; and the evidence a hand score
    rests on (`attached`: the keys 佐证材料 are attached under)."""
    name = f"项目“{checks.project.name}”"
    errors = Group(f"project-{checks.project.pk}-errors", f"{name}：一致性检查错误（改正后才能提交）", True)
    errors.items = [Item(f.message, checks.link(f)) for f in checks.errors]
    open_items = Group(f"project-{checks.project.pk}", f"{name}：尚缺数据、偏差原因、未说明的提示和佐证材料", False)
    if checks.error:
        open_items.items.append(Item(f"无法评分：{checks.error}", checks.url))
    open_items.items += [Item(f"尚缺数据·{message}", target) for message, target in checks.missing]
    open_items.items += [Item(f"偏差原因·{message}", target) for message, target in checks.reasons]
    for index, hint in enumerate(checks.hints, start=1):
        if not hint.explained:
            open_items.items.append(Item(f"未说明的提示·{hint.finding.message}", f"{checks.url}#project-hint-{index}"))
    for line in checks.hand_scored_without_evidence(attached):
        evidence = _tab(checks.project.assessment, "evidence")
        open_items.items.append(Item(f"佐证材料·{line.name}：按人工评分计分，尚未上传佐证材料", evidence))
    return [errors, open_items]


def _tab(assessment, slug: str, anchor: str = "") -> str:
    return reverse("assessments:tab", args=[assessment.pk, slug]) + (f"#{anchor}" if anchor else "")
