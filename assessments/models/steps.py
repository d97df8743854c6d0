"""The review steps of the workflow and the labels they give an assessment's state. They live with the models
because the assessment's own status label (待{step}) needs them as much as the workflow services do."""

from dataclasses import dataclass

from units.models import Role


@dataclass(frozen=True)
class Step:
    code: str
    role: str
    label: str  # the step, as a status: 待{label}
    opinion_title: str  # the block of the official form the signature fills


STEPS: dict[str, Step] = {
    "group_leader": Step("group_leader", Role.GROUP_LEADER, "评价组组长签署", "评价组组长意见"),
    "unit_head": Step("unit_head", Role.UNIT_HEAD, "单位负责人审签", "部门（单位）意见"),
    "supervisor": Step("supervisor", Role.SUPERVISOR, "主管部门审核", "主管部门意见"),
    "finance": Step("finance", Role.FINANCE, "财政归口业务科室审核", "财政部门归口业务科室意见"),
}
