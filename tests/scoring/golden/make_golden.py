"""Writes the golden score sheets that ``test_golden_sheets.py`` compares against.

    python tests/scoring/golden/make_golden.py                # new inputs from the generator
    python tests/scoring/golden/make_golden.py --keep-inputs  # new results for the stored inputs

Run it only when a change to a sheet is intended (and review the diff of the JSON files): the files were first
captured before the scoring engine built its explanations lazily, to prove that the speed work changed no output.

* ``seeds.json`` — each example in ``fixtures/examples/`` as ``score_input`` scores it.
* ``variants.json`` — one case a line: deterministic pseudo-random inputs for every shipped framework and a few settings variants:
  facts present, zero or missing, every kind of entry (answers, partial scores, overrides, 10号 rows of every
  comparator, qualitative scores inside and outside their band), stated scores. The inputs are stored with the
  results, so the generator below may change without invalidating the files. To keep the file small a variant's
  sheet is stored as the SHA-256 of its ``to_dict()`` JSON and of its ``render_text()``, with its totals.
"""

import hashlib
import json
import random
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from scoring.engine import ScoringError, framework_from_dict, load_json, score_input  # noqa: E402
from scoring.engine.rules import (  # noqa: E402
    QUALITATIVE_BANDS,
    CheckRule,
    ChoiceRule,
    CompositeRule,
    ItemDeductionRule,
    ManualRule,
    QualitativeRule,
)
from scoring.engine.vocabulary import FACTS  # noqa: E402

# (framework file, variant code suffix, settings override)
VARIANTS = [
    ("futian-common-2021", "", {}),
    ("futian-common-2021", "-nocap", {"quarterly_cap": False}),
    ("mof-2020-selfeval", "", {}),
    (
        "mof-2020-selfeval",
        "-strict",
        {
            "lower_is_better_formula": "b",
            "equal_to_formula": "all_or_nothing",
            "deviation_deduction": True,
            "execution_caps": True,
        },
    ),
    ("hunan-overall", "", {}),
    ("guangdong-overall", "", {}),
]
CASES_PER_VARIANT = 40
REASONS = [None, None, "", "无", "无偏差", "疫情影响，下年改进", "部分工作延后"]


def load_frameworks() -> dict:
    frameworks = {}
    for stem, suffix, override in VARIANTS:
        raw = yaml.safe_load((ROOT / "fixtures" / "frameworks" / f"{stem}.yaml").read_text(encoding="utf-8"))
        if suffix:
            raw = dict(raw, code=raw["code"] + suffix, settings=dict(raw.get("settings") or {}, **override))
        framework = framework_from_dict(raw)
        frameworks[framework.code] = framework
    return frameworks


def _amount(rng: random.Random) -> str:
    return f"{Decimal(rng.randint(0, 300000)) / 100:f}"


def _fact(rng: random.Random, name: str, gaps: bool) -> object:
    roll = rng.random()
    if roll < 0.03 and gaps:
        return None  # missing
    if roll < 0.09:
        return 0
    unit = FACTS[name].unit
    if unit == "%":
        return f"{Decimal(rng.randint(5000, 10000)) / 100:f}%"
    if unit in ("人", "个", "份"):
        return rng.randint(0, 60)
    return _amount(rng)


def _score_text(rng: random.Random, low: Decimal, high: Decimal) -> str:
    cents = rng.randint(int(low * 100), int(high * 100))
    return f"{Decimal(cents) / 100:f}"


def _qualitative(rng: random.Random, weight: Decimal) -> dict:
    outcome = rng.choice(sorted(QUALITATIVE_BANDS))
    low, _, high, high_inc = QUALITATIVE_BANDS[outcome]
    top = high * weight if high_inc else high * weight - Decimal("0.01")
    entry = {"outcome": outcome, "score": _score_text(rng, low * weight, top), "reason": rng.choice(REASONS)}
    if rng.random() < 0.2:
        entry["outcome"] = {"achieved": "达成年度指标", "partial": "部分达成", "not_achieved": "未达成"}[outcome]
    if rng.random() < 0.004:
        entry["score"] = f"{weight + 1}"  # outside the band: refused
    return entry


def _answer(rng: random.Random, rule, gaps: bool) -> object:
    roll = rng.random()
    if roll < 0.06 and gaps:
        return None
    if isinstance(rule, ChoiceRule):
        code, label, _ = rng.choice(rule.options)
        return rng.choice([code, code, label])
    if isinstance(rule, CheckRule):
        if roll < 0.2:
            return _score_text(rng, Decimal(0), rule.weight)
        return rng.random() < 0.7
    return None


def _leaf_entry(rng: random.Random, indicator, gaps: bool) -> dict | None:
    rule = indicator.rule
    weight = indicator.weight
    if isinstance(rule, QualitativeRule):
        return _qualitative(rng, weight) if rng.random() > 0.05 or not gaps else None
    if isinstance(rule, ManualRule):
        if rng.random() < 0.08 and gaps:
            return None
        return {"score": _score_text(rng, Decimal(0), weight), "reason": rng.choice(REASONS if gaps else REASONS[-2:])}
    if isinstance(rule, ItemDeductionRule) and not rule.planned:
        if rng.random() < 0.08 and gaps:
            return None
        return {"failed_items": rng.choice([0, 0, 1, 2, 3, 7]), "reason": rng.choice(REASONS)}
    if isinstance(rule, CompositeRule):
        answers = {}
        for part in rule.parts:
            answer = _answer(rng, part.rule, gaps)
            if answer is not None:
                answers[part.code] = answer
        for key, _ in rule.zero_if:
            if rng.random() < 0.1:
                answers[key] = True
        entry = {"answers": answers, "reason": rng.choice(REASONS)}
        if rng.random() < 0.15:
            entry["score"] = _score_text(rng, Decimal(0), weight)  # an override, used only when inputs are missing
        return entry
    if rng.random() < 0.25:
        return {"score": _score_text(rng, Decimal(0), weight), "reason": rng.choice(REASONS)}
    return None


_TARGETS = [
    "≥{n}",
    "≥{n}%",
    "≤{n}",
    "≤{n}%",
    "={n}%",
    "={n}",
    "{n}次",
    "{n}%",
    "不少于{n}个",
    "控制在{n}天以内",
    "按计划完成",
]
_ACTUALS = ["{m}", "{m}%", "{m}次", "完成", ""]


def _row(rng: random.Random, index: int, gaps: bool) -> dict:
    weight = rng.choice([2, 5, 6, 10, 20])
    if rng.random() < 0.4:
        row = {"name": f"定性指标{index}", "weight": weight, "kind": "qualitative"}
        row.update(_qualitative(rng, Decimal(weight)))
        if not gaps and not row["reason"]:
            row["reason"] = "持续推进"
        row["target_value"] = "不断完善"
        row["actual_value"] = rng.choice(["不断完善", "基本完成", "完成"])
    else:
        n = rng.choice([0, 1, 5, 12, 90, 95, 100, 3.5])
        m = rng.choice([0, 1, 4, 5, 6, 11, 12, 16, 89, 90, 96, 100, 130, 3.5])
        row = {
            "name": f"定量指标{index}",
            "weight": weight,
            "target_value": rng.choice(_TARGETS if gaps else _TARGETS[:-1]).format(n=n),
            "actual_value": rng.choice(_ACTUALS if gaps else _ACTUALS[:3]).format(m=m),
            "reason": rng.choice(REASONS),
        }
        if rng.random() < 0.7:
            row["kind"] = "quantitative"
        if rng.random() < 0.1:
            row["target"] = str(n)
            row["actual"] = str(m)
            row["comparator"] = rng.choice([">=", "<=", "=", "≥"])
    if rng.random() < 0.5:
        row["stated_score"] = str(rng.randint(0, weight))
    return {key: value for key, value in row.items() if value is not None}


def make_case(rng: random.Random, framework, gaps: bool) -> dict:
    """An input for ``framework``; without ``gaps`` every fact and answer is given, so most sheets are complete."""
    names = sorted(
        {name for indicator in framework.walk() if indicator.rule is not None for name in indicator.rule.facts()}
    )
    facts = {}
    for name in names:
        value = _fact(rng, name, gaps)
        if value is not None:
            facts[name] = value
    entries: dict[str, object] = {}
    stated_items = {}
    for indicator in framework.walk():
        if indicator.unit_rows:
            count = rng.choice([0, 1, 1, 2, 3])
            if count:
                entries[indicator.code] = [_row(rng, index, gaps) for index in range(1, count + 1)]
            continue
        if not indicator.is_leaf:
            continue
        entry = _leaf_entry(rng, indicator, gaps)
        if entry is not None:
            entries[indicator.code] = {key: value for key, value in entry.items() if value is not None}
        if rng.random() < 0.3:
            stated_items[indicator.code] = _score_text(rng, Decimal(0), indicator.weight)
    data = {"framework": framework.code, "facts": facts, "entries": entries}
    stated = {}
    if stated_items:
        stated["items"] = stated_items
    if rng.random() < 0.5:
        stated["total"] = _score_text(rng, Decimal(50), Decimal(100))
    if stated:
        data["stated"] = stated
    return data


def result(data: dict, frameworks: dict) -> dict:
    """What the golden files hold for one input: the sheet as serialised and as text, or the refusal."""
    try:
        sheet, _ = score_input(load_json(json.dumps(data, ensure_ascii=False)), frameworks)
    except ScoringError as error:
        return {"error": str(error), "error_code": error.code, "error_field": error.field}
    return {"sheet": sheet.to_dict(), "text": sheet.render_text()}


def canonical(sheet_dict: dict) -> str:
    return json.dumps(sheet_dict, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def summary(found: dict) -> dict:
    """A variant's result as stored: totals in clear, the full sheet and text as digests."""
    if "error" in found:
        return found
    sheet = found["sheet"]
    return {
        "total": sheet["total"],
        "scored_total": sheet["scored_total"],
        "grade": sheet["grade"],
        "sheet_sha256": digest(canonical(sheet)),
        "text_sha256": digest(found["text"]),
    }


def main() -> None:
    frameworks = load_frameworks()
    seeds = {}
    for path in sorted((ROOT / "fixtures" / "examples").glob("*.json")):
        data = load_json(path.read_text(encoding="utf-8"))
        seeds[path.stem] = result(data, frameworks)
    variants = []
    if "--keep-inputs" in sys.argv:
        # Results recomputed for the stored inputs: the generator's stream shifts whenever the vocabulary grows.
        stored = json.loads((HERE / "variants.json").read_text(encoding="utf-8"))
        variants = [{"input": case["input"], **summary(result(case["input"], frameworks))} for case in stored]
    rng = random.Random(20261122)
    for stem, suffix, _ in VARIANTS if not variants else ():
        code = f"{stem}{suffix}"  # the shipped files are named by their code
        for index in range(CASES_PER_VARIANT):
            data = make_case(rng, frameworks[code], gaps=index % 2 == 0)
            variants.append({"input": data, **summary(result(data, frameworks))})
    text = json.dumps(seeds, ensure_ascii=False, indent=1, sort_keys=True)
    (HERE / "seeds.json").write_text(text + "\n", encoding="utf-8")
    lines = [json.dumps(case, ensure_ascii=False, sort_keys=True) for case in variants]
    (HERE / "variants.json").write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    errors = sum("error" in case for case in variants)
    print(f"{len(seeds)} seeds, {len(variants)} variants ({errors} refused)")


if __name__ == "__main__":
    main()
