"""The administrator dashboard's charts as inline SVG (no JavaScript), in the report charts' frame
(`assessments/reports/charts.py::svg`). Colours are presentation attributes: the CSP allows no inline style."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString

from assessments.reports.charts import svg

WIDTH = 560
LABEL = 200
VALUE = 96  # room for "94.82（15000）": an average over thousands of units
ROW = 28
TOP = 10
BAR = "#8b1c1c"
TRACK = "#ece7df"


def bar_chart(
    rows: list[tuple[str, Decimal | None, str]], *, maximum: Decimal, title: str, chart_id: str
) -> SafeString:
    """Horizontal bars: (label, value, value as written) per row, scaled to `maximum`. A row without a value is a line
    of text across the chart (a gap in a ranking, a note)."""
    area = WIDTH - LABEL - VALUE - 10
    body = []
    for index, (label, value, written) in enumerate(rows):
        y = TOP + index * ROW
        if value is None:
            body.append(f'<text x="{WIDTH // 2}" y="{y + 17}" text-anchor="middle" fill="#777">{escape(label)}</text>')
            continue
        width = 0 if not maximum else int(area * min(Decimal(value), maximum) / maximum)
        shown = label if len(label) <= 13 else label[:12] + "…"
        body.append(
            f'<text x="{LABEL - 8}" y="{y + 17}" text-anchor="end" fill="#222">{escape(shown)}</text>'
            f'<rect x="{LABEL}" y="{y + 4}" width="{area}" height="{ROW - 10}" fill="{TRACK}"/>'
            f'<rect x="{LABEL}" y="{y + 4}" width="{width}" height="{ROW - 10}" fill="{BAR}">'
            f"<title>{escape(label)}：{escape(written)}</title></rect>"
            f'<text x="{LABEL + area + 8}" y="{y + 17}" fill="#222">{escape(written)}</text>'
        )
    if not rows:
        body.append(f'<text x="{WIDTH // 2}" y="{TOP + 17}" text-anchor="middle" fill="#777">暂无数据</text>')
    height = TOP * 2 + max(1, len(rows)) * ROW
    return svg(body, width=WIDTH, height=height, title=title, chart_id=chart_id, font_size=13)


def grade_distribution(counts: dict[str, int]) -> SafeString:
    maximum = Decimal(max(counts.values(), default=0))
    rows = [(grade, Decimal(n), f"{n} 个") for grade, n in counts.items()]
    return bar_chart(rows, maximum=maximum, title="等次分布", chart_id="chart-grades")


# A province has hundreds of 主管部门: a bar each made the chart thousands of pixels tall. Beyond this many, the chart
# ranks them and shows the highest and the lowest (half each), the ones a finance bureau looks at first.
MOST_DEPARTMENT_BARS = 20


def average_scores(averages: list[tuple[str, Decimal | None, int]]) -> SafeString:
    """(label, average total, units) of all units first, then per 主管部门 in the table's order, on a 0–100 scale."""

    def bars(groups):
        return [(label, value, f"{value:.2f}（{n}）") for label, value, n in groups if value is not None]

    overall, departments = bars(averages[:1]), bars(averages[1:])
    if len(departments) <= MOST_DEPARTMENT_BARS:
        rows = overall + departments
    else:
        ranked = sorted(departments, key=lambda bar: (-bar[1], bar[0]))
        half = MOST_DEPARTMENT_BARS // 2
        rows = [
            *overall,
            *ranked[:half],
            (f"⋯ 其余 {len(ranked) - 2 * half} 个主管部门 ⋯", None, ""),
            *ranked[-half:],
            (f"共 {len(ranked)} 个主管部门，图中为平均分最高和最低的各 {half} 个", None, ""),
        ]
    return bar_chart(rows, maximum=Decimal(100), title="平均分", chart_id="chart-average")
