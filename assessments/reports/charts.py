"""The report's charts as inline SVG strings: no JavaScript, so they print and go into the PDF as they are.
SVG text does not inherit the page's CSS, so every <svg> names the CJK font itself (a presentation attribute: the
page's CSP allows no inline style)."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, sans-serif"
# The report's own charts are set in the report's text face: a PDF then carries two CJK faces (Serif for text, Sans
# Bold for headings and bold figures) instead of four, and subsetting each face is a good part of a render.
REPORT_FONT = "Noto Serif CJK SC, Noto Serif SC, Source Han Serif SC, serif"
WIDTH = 640
LABEL_WIDTH = 150
VALUE_WIDTH = 120
BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 10
ROW = 30
TOP = 34
COLOUR_POINTS = "#8b1c1c"
COLOUR_WEIGHT = "#e6dfd3"
COLOUR_PRIOR = "#9a9a9a"


def _d(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def _fmt(value) -> str:
    """A figure as the score sheet writes it (its own places), "—" when there is none."""
    return "—" if value in (None, "") else escape(str(value))


def svg(
    body: list[str], *, width: int, height: int, title: str, chart_id: str = "", font_size: int = 12, font: str = FONT
) -> SafeString:
    """The frame of every chart (the report's and the dashboard's): its size, the CJK font and an accessible title."""
    identifier = f' id="{chart_id}"' if chart_id else ""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart"{identifier} role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="{font}" '
        f'font-size="{font_size}"><title>{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")


def _legend(items: list[tuple[str, str]]) -> list[str]:
    out, x = [], LABEL_WIDTH
    for colour, label in items:
        out.append(f'<rect x="{x}" y="8" width="14" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 20}" y="17">{escape(label)}</text>')
        x += 30 + 13 * len(label)
    return out


def _width(value: Decimal | None, scale: Decimal) -> str:
    if value is None or scale <= 0:
        return "0"
    return f"{max(Decimal(0), value) / scale * BAR_AREA:.1f}"


def _level1(score: dict | None) -> list[dict]:
    return [line for line in (score or {}).get("lines", []) if line["level"] == 1]


def points_against_weights(score: dict | None, *, year: int) -> SafeString | None:
    """Horizontal bars: each level-1 indicator's points against its weight."""
    lines = _level1(score)
    if not lines:
        return None
    scale = max(
        [_d(line["weight"]) or Decimal(0) for line in lines] + [_d(line["points"]) or Decimal(0) for line in lines]
    )
    height = TOP + ROW * len(lines) + 8
    body = _legend([(COLOUR_WEIGHT, "分值"), (COLOUR_POINTS, f"{year}年度得分")])
    for index, line in enumerate(lines):
        y = TOP + index * ROW
        weight, points = _d(line["weight"]), _d(line["points"])
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">{escape(line["name"])}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{_width(weight, scale)}" height="20" fill="{COLOUR_WEIGHT}"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 8}" width="{_width(points, scale)}" height="10" fill="{COLOUR_POINTS}"/>'
            f'<text x="{WIDTH - VALUE_WIDTH}" y="{y + 17}">{_fmt(line["points"])} / {_fmt(line["weight"])}</text>'
        )
    return svg(body, width=WIDTH, height=height, title="各一级指标得分与分值", font=REPORT_FONT)


def year_against_year(score: dict | None, prior: dict | None, *, year: int, prior_year: int) -> SafeString | None:
    """Paired bars: this year's points by level-1 indicator and in total against last year's (matched by code)."""
    lines = _level1(score)
    if not lines or not prior:
        return None
    before = {line["code"]: line["points"] for line in _level1(prior)}
    pairs = [(line["name"], before.get(line["code"]), line["points"]) for line in lines]
    total_now = score["total"] if score.get("complete") else score.get("scored_total")
    total_before = prior["total"] if prior.get("complete") else prior.get("scored_total")
    pairs.append(("总分", total_before, total_now))
    scale = max([_d(v) for _, a, b in pairs for v in (a, b) if _d(v) is not None] + [Decimal(1)])
    row = ROW + 8
    height = TOP + row * len(pairs) + 8
    body = _legend([(COLOUR_PRIOR, f"{prior_year}年度"), (COLOUR_POINTS, f"{year}年度")])
    for index, (name, then, now) in enumerate(pairs):
        y = TOP + index * row
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end">{escape(name)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{_width(_d(then), scale)}" height="13" fill="{COLOUR_PRIOR}"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 17}" width="{_width(_d(now), scale)}" height="13" fill="{COLOUR_POINTS}"/>'
            f'<text x="{WIDTH - VALUE_WIDTH}" y="{y + 19}">{_fmt(then)} → {_fmt(now)}</text>'
        )
    return svg(body, width=WIDTH, height=height, title=f"{prior_year}年度与{year}年度得分对比", font=REPORT_FONT)
