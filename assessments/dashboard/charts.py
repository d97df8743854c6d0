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


def bar_chart(rows: list[tuple[str, Decimal, str]], *, maximum: Decimal, title: str, chart_id: str) -> SafeString:
    """Horizontal bars: (label, value, value as written) per row, scaled to `maximum`."""
    area = WIDTH - LABEL - VALUE - 10
    body = []
    for index, (label, value, written) in enumerate(rows):
        y = TOP + index * ROW
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


def average_scores(averages: list[tuple[str, Decimal | None, int]]) -> SafeString:
    """(label, average total, units) per group, on a 0–100 scale."""
    rows = [(label, value, f"{value:.2f}（{n}）") for label, value, n in averages if value is not None]
    return bar_chart(rows, maximum=Decimal(100), title="平均分", chart_id="chart-average")
