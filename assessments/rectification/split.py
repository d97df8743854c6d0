"""How a report's 存在问题 and 整改措施 become items: each block is split into its points (one a line, or the 一是/二是,
（1）, 1、 enumerations written inside a line, or the clauses between ；), and each problem is paired with the measure
that answers it. Pure functions over text: no query."""

import re
from itertools import zip_longest

# The narrative sections that hold them (the Hunan and Guangdong layouts).
PROBLEM_SECTIONS = ("problems",)
MEASURE_SECTIONS = ("improvements",)
# Layouts that write both inside one section (Futian's 三、总体评价和整改措施) label them at the start of a line.
PROBLEM_LABELS = ("存在的问题及原因", "存在的问题", "存在问题", "主要问题")
MEASURE_LABELS = (
    "整改措施",
    "改进措施",
    "后续工作计划和建议",
    "后续工作计划",
    "下一步工作计划",
    "下一步工作打算",
    "工作计划和建议",
    "意见建议",
)
LABEL = re.compile(r"^\s*[（(]?[一二三四五六七八九十0-9]*[)）、.．]?\s*([^：:，,。；;\n]{2,12})[：:]")

NUMERAL = "一二三四五六七八九十"
ENUMERATOR = rf"(?:[{NUMERAL}]+是|第[{NUMERAL}]+[，,、]|[（(][{NUMERAL}\d]+[)）]|[{NUMERAL}]+、|\d+[、.．](?!\d)|[①-⑳])"
LEADING = re.compile(rf"^\s*{ENUMERATOR}\s*")
# An enumerator after the end of a clause starts a new point: "一是……；二是……".
INLINE = re.compile(rf"(?<=[；;。])\s*(?={ENUMERATOR})")
TRAILING = "；;。，, \t"
# Words nearly every problem and measure share: they say nothing about which answers which.
COMMON = frozenset({"加强", "工作", "进一", "一步", "有待", "提高", "部分", "情况", "相关", "进行", "存在", "问题"})
MIN_SHARED = 2


def points(text: str) -> list[str]:
    """The points of one block, without their enumerators."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    parts = [part for line in lines for part in INLINE.split(line) if part.strip()]
    enumerated = any(LEADING.match(part) for part in parts)
    if len(parts) == 1 and not enumerated:
        parts = [part for part in re.split(r"[；;]", parts[0]) if part.strip()]
    cleaned = [LEADING.sub("", part).strip().rstrip(TRAILING).strip() for part in parts]
    return [part for part in cleaned if part and part not in ("无", "暂无")]


def labelled(text: str, labels: tuple[str, ...]) -> str:
    """The text after one of `labels` at the start of a line ("存在问题：……"), up to the next labelled line."""
    out, taking = [], False
    for line in (text or "").splitlines():
        match = LABEL.match(line)
        if match:
            taking = match.group(1).strip() in labels
            line = line[match.end() :] if taking else ""
        if taking and line.strip():
            out.append(line.strip())
    return "\n".join(out)


def _bigrams(text: str) -> set[str]:
    letters = re.sub(r"[^\w]", "", text)
    return {letters[i : i + 2] for i in range(len(letters) - 1)} - COMMON


def pair(problems: list[str], measures: list[str]) -> list[tuple[str, str]]:
    """(problem, measure) pairs. As many measures as problems: in order, as units write them. Otherwise each problem
    takes the measure sharing most words with it; the rest stand alone (a problem without a measure, or a measure
    that answers no listed problem)."""
    if len(problems) == len(measures):
        return list(zip(problems, measures, strict=True))
    if not problems or not measures:
        return list(zip_longest(problems, measures, fillvalue=""))
    shared = sorted(
        (
            (len(_bigrams(problem) & _bigrams(measure)), -i, -j, i, j)
            for i, problem in enumerate(problems)
            for j, measure in enumerate(measures)
        ),
        reverse=True,
    )
    match: dict[int, int] = {}
    taken: set[int] = set()
    for count, _, _, i, j in shared:
        if count < MIN_SHARED:
            break
        if i not in match and j not in taken:
            match[i] = j
            taken.add(j)
    pairs = [(problem, measures[match[i]] if i in match else "") for i, problem in enumerate(problems)]
    pairs += [("", measure) for j, measure in enumerate(measures) if j not in taken]
    return pairs


def problems_and_measures(narrative: dict[str, str]) -> list[tuple[str, str]]:
    """The (problem, measure) pairs a report's narrative (section key → text) promises to follow up."""
    problem_text = "\n".join(narrative.get(key, "") for key in PROBLEM_SECTIONS if narrative.get(key))
    measure_text = "\n".join(narrative.get(key, "") for key in MEASURE_SECTIONS if narrative.get(key))
    if not problem_text and not measure_text:
        problem_text = "\n".join(labelled(body, PROBLEM_LABELS) for body in narrative.values())
        measure_text = "\n".join(labelled(body, MEASURE_LABELS) for body in narrative.values())
    return pair(points(problem_text), points(measure_text))
