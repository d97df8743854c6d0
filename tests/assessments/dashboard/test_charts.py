"""The dashboard's average chart at a province's scale: hundreds of 主管部门 must not make a chart thousands of pixels
tall; beyond MOST_DEPARTMENT_BARS it shows the overall average and the highest and lowest ranked."""

import re
from decimal import Decimal

from assessments.dashboard.charts import BAR, MOST_DEPARTMENT_BARS, ROW, average_scores


def bars(svg: str) -> list[str]:
    """The label of each bar, top to bottom (each bar's tooltip is "label：value（units）")."""
    return re.findall(rf'fill="{BAR}"><title>([^：<]+)：', svg)


def height(svg: str) -> int:
    return int(re.search(r'height="(\d+)"', svg).group(1))


def test_a_few_departments_each_get_a_bar_in_the_table_s_order():
    averages = [("全部单位", Decimal("88.10"), 30), ("乙部门", Decimal("70.00"), 10), ("甲部门", Decimal("95.25"), 20)]
    svg = str(average_scores(averages))
    assert bars(svg) == ["全部单位", "乙部门", "甲部门"]
    assert "其余" not in svg and "95.25（20）" in svg


def test_hundreds_of_departments_show_the_highest_and_the_lowest_ranked():
    # 400 主管部门 in table order, whose averages are not in that order.
    departments = [(f"部门{n:03d}", Decimal(50 + (n * 37) % 400 / 10).quantize(Decimal("0.01")), 5) for n in range(400)]
    svg = str(average_scores([("全部单位", Decimal("69.95"), 2000), *departments]))
    ranked = [name for name, _, _ in sorted(departments, key=lambda d: (-d[1], d[0]))]
    half = MOST_DEPARTMENT_BARS // 2
    assert bars(svg) == ["全部单位", *ranked[:half], *ranked[-half:]]
    assert (
        f"其余 {400 - 2 * half} 个主管部门" in svg and f"共 400 个主管部门，图中为平均分最高和最低的各 {half} 个" in svg
    )
    # The overall bar, the ranked bars, the gap and the note: the height of 23 rows, not of 401.
    assert height(svg) < (MOST_DEPARTMENT_BARS + 5) * ROW


def test_no_average_is_no_bar():
    svg = str(average_scores([("全部单位", None, 0), ("甲部门", None, 0)]))
    assert bars(svg) == [] and "暂无数据" in svg
