"""What differs by region: the framework an assessment is scored with and the sections of its
narrative report. Keyed by Region.report_layout."""

from dataclasses import dataclass

from units.models import Region


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    hint: str = ""


@dataclass(frozen=True)
class Layout:
    key: str
    framework_code: str
    project_framework_code: str
    sections: tuple[Section, ...]

    @property
    def label(self) -> str:
        return Region.Layout(self.key).label


_HUNAN_SECTIONS = (
    Section("basic_info", "一、部门（单位）基本情况", "主要职能、机构设置和人员情况"),
    Section("general_budget", "二、一般公共预算支出情况", "基本支出、项目支出"),
    Section("government_funds", "三、政府性基金预算支出情况"),
    Section("state_capital", "四、国有资本经营预算支出情况"),
    Section("social_insurance", "五、社会保险基金预算支出情况"),
    Section("use_and_performance", "六、资金使用及绩效情况", "包含单位管理的公共专项"),
    Section("problems", "七、存在的问题及原因"),
    Section("improvements", "八、改进措施"),
    Section("results_use", "九、结果应用和公开"),
    Section("other", "十、其他"),
)

LAYOUTS: dict[str, Layout] = {
    Region.Layout.HUNAN: Layout(Region.Layout.HUNAN, "mof-2020-selfeval", "mof-2020-selfeval", _HUNAN_SECTIONS),
    Region.Layout.HUNAN_ZHOU: Layout(
        Region.Layout.HUNAN_ZHOU,
        "hunan-overall",
        "mof-2020-selfeval",
        (
            Section("overview", "一、基本概况·职能职责概述"),
            Section("main_work", "年度主要工作内容"),
            Section("operation", "总体运行情况"),
            Section("qualitative_targets", "三、自评情况·定性目标完成情况", "预期目标与实际完成情况"),
        ),
    ),
    Region.Layout.FUTIAN: Layout(
        Region.Layout.FUTIAN,
        "futian-common-2021",
        "mof-2020-selfeval",
        (
            Section("basic_info", "一、部门基本情况", "部门主要职能、年度总体工作和重点工作任务、预算编制和执行情况"),
            Section("duty_performance", "二、部门主要履职绩效分析", "主要履职目标和履职情况、部门履职绩效情况"),
            Section("evaluation", "三、总体评价和整改措施", "经验做法、存在问题、后续工作计划和建议"),
            Section("scoring", "四、部门整体支出绩效评价指标评分情况"),
        ),
    ),
    Region.Layout.GUANGDONG: Layout(
        Region.Layout.GUANGDONG,
        "guangdong-overall",
        "mof-2020-selfeval",
        (
            Section("basic_info", "一、单位基本情况"),
            Section("self_evaluation_work", "二、自评工作开展情况"),
            Section(
                "self_evaluation",
                "三、绩效自评情况",
                "预算编制、预算执行、预算监督、预算使用效益（经济性、效率性、效果性、公平性）",
            ),
            Section("problems", "四、存在问题"),
            Section("improvements", "五、改进措施"),
            Section("other", "六、其他"),
        ),
    ),
}


def layout_for(unit) -> Layout:
    return LAYOUTS[unit.region.report_layout]
