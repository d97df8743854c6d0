"""Score sheets are byte-identical to those captured before the engine built its explanations lazily.

The golden files (``tests/scoring/golden/``, written by ``make_golden.py`` before the speed work) hold every seed
example's sheet in full and 240 pseudo-random inputs over all shipped frameworks with digests of their sheets.
Explanations are formatted on first access now; whatever is accessed first, the output must be the same.
"""

import copy
import importlib.util
import json
import pickle
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.engine import (
    ScoreLine,
    ScoringError,
    entries_from_dict,
    facts_from_dict,
    framework_from_dict,
    load_json,
    score,
    score_input,
    stated_from_dict,
)
from scoring.engine.rules import Outcome

GOLDEN = Path(__file__).resolve().parent / "golden"
_spec = importlib.util.spec_from_file_location("make_golden", GOLDEN / "make_golden.py")
make_golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_golden)
ROOT, canonical, digest, load_frameworks = (
    make_golden.ROOT,
    make_golden.canonical,
    make_golden.digest,
    make_golden.load_frameworks,
)
SEEDS = json.loads((GOLDEN / "seeds.json").read_text(encoding="utf-8"))
VARIANTS = json.loads((GOLDEN / "variants.json").read_text(encoding="utf-8"))
FRAMEWORKS = load_frameworks()


def _score(data):
    return score_input(load_json(json.dumps(data, ensure_ascii=False)), FRAMEWORKS)[0]


def test_every_seed_example_has_a_golden_sheet():
    assert sorted(SEEDS) == sorted(path.stem for path in (ROOT / "fixtures" / "examples").glob("*.json"))


@pytest.mark.parametrize("example", sorted(SEEDS))
def test_seed_sheet_is_unchanged(example):
    data = load_json((ROOT / "fixtures" / "examples" / f"{example}.json").read_text(encoding="utf-8"))
    sheet = _score(data)
    assert sheet.to_dict() == SEEDS[example]["sheet"]
    assert sheet.render_text() == SEEDS[example]["text"]


@pytest.mark.parametrize("example", sorted(SEEDS))
def test_explanations_read_in_any_order_are_the_same(example):
    """Reading one part, a line, the text, then the dict — each cached string is the one serialised."""
    data = load_json((ROOT / "fixtures" / "examples" / f"{example}.json").read_text(encoding="utf-8"))
    sheet = _score(data)
    golden = SEEDS[example]["sheet"]["lines"]
    for line, expected in reversed(list(zip(sheet.lines, golden, strict=True))):
        for part, expected_part in zip(line.parts, expected["parts"], strict=True):
            assert part.explanation == expected_part["explanation"]
        assert line.explanation == expected["explanation"]
        assert line.explanation is line.explanation  # formatted once, then cached
    assert sheet.render_text() == SEEDS[example]["text"]
    assert sheet.to_dict() == SEEDS[example]["sheet"]


@pytest.mark.parametrize("case", range(len(VARIANTS)))
def test_variant_sheet_is_unchanged(case):
    golden = VARIANTS[case]
    try:
        sheet = _score(golden["input"])
    except ScoringError as error:
        assert "error" in golden, f"refused, but the golden sheet scored: {error}"
        assert (str(error), error.code, error.field) == (golden["error"], golden["error_code"], golden["error_field"])
        return
    assert "error" not in golden, "scored, but the golden input was refused"
    found = sheet.to_dict()
    assert (found["total"], found["scored_total"], found["grade"]) == (
        golden["total"],
        golden["scored_total"],
        golden["grade"],
    )
    assert digest(sheet.render_text()) == golden["text_sha256"]
    assert digest(canonical(found)) == golden["sheet_sha256"]


def _seed_sheet(example="seed003-futian-2021"):
    data = load_json((ROOT / "fixtures" / "examples" / f"{example}.json").read_text(encoding="utf-8"))
    return _score(data), SEEDS[example]


def test_explanations_do_not_follow_later_changes_to_the_facts():
    """A deferred explanation keeps the figures it shows: changing the caller's facts afterwards changes nothing."""
    framework = FRAMEWORKS["futian-common-2021"]
    data = load_json((ROOT / "fixtures" / "examples" / "seed003-futian-2021.json").read_text(encoding="utf-8"))
    facts = facts_from_dict(data["facts"])
    sheet = score(
        framework, facts, entries_from_dict(data["entries"], framework), stated=stated_from_dict(data["stated"])
    )
    for name in list(facts):
        facts[name] = Decimal("12345.67")
    assert sheet.to_dict() == SEEDS["seed003-futian-2021"]["sheet"]


def test_every_attribute_of_a_scored_line_is_set():
    """The scorer builds lines without calling ScoreLine(...) (for speed): each slot must still be filled."""
    for example in sorted(SEEDS):
        sheet, _ = _seed_sheet(example)
        for line in sheet.lines:
            for name in ScoreLine.__slots__:
                getattr(line, name)  # AttributeError if the scorer forgot one
            assert line.to_dict()["code"] == line.code


def test_the_scorer_builds_each_line_as_the_line_builders_do():
    """``score_nodes`` writes out what ``ScoreLine.scored`` and ``ScoreLine.group`` do (for speed): every line of
    every seed's sheet is the line the builder gives from the same values, slot for slot, its outcome included."""
    for example in sorted(SEEDS):
        sheet, _ = _seed_sheet(example)
        for line in sheet.lines:
            if line.unit_row:
                continue  # built by ScoreLine.scored itself (add_leaf)
            if line.is_leaf:
                built = ScoreLine.scored(
                    line.code, line.name, line.level, line.weight, line.points, line.kind, line.parent,
                    line.reason, line.stated_score, line.difference, line._outcome,
                )  # fmt: skip
            else:
                built = ScoreLine.group(line.code, line.name, line.level, line.weight, line.parent)
                built.points = line.points
                built.weight = line.weight
                built._outcome = line._outcome  # a group's warnings (10号 weights) are added after it is built
            assert [getattr(line, name) for name in ScoreLine.__slots__] == [
                getattr(built, name) for name in ScoreLine.__slots__
            ], (example, line.code)


def test_the_scorers_line_builders_give_the_lines_the_constructor_gives():
    """``ScoreLine.scored`` and ``ScoreLine.group`` store each slot directly (for speed): the same lines as
    ``ScoreLine(...)``, attribute for attribute, with the outcome's details read through."""
    outcome = Outcome(Decimal("1.5"), "说明", band="档", inputs={"a": Decimal(1)}, warnings=["注意"])
    outcome.close = 0
    line = ScoreLine.scored(
        "x", "指标", 3, Decimal(2), Decimal("1.50"), "ratio", "g", "理由", Decimal(2), Decimal("-0.50"), outcome
    )
    built = ScoreLine(
        "x",
        "指标",
        3,
        Decimal(2),
        Decimal("1.50"),
        "ratio",
        band="档",
        explanation="说明",
        inputs={"a": Decimal(1)},
        warnings=["注意"],
        parent="g",
        reason="理由",
        stated_score=Decimal(2),
        difference=Decimal("-0.50"),
    )
    assert line == built
    assert line._outcome is outcome
    assert [getattr(line, name) for name in ScoreLine.__slots__ if name != "_outcome"] == [
        getattr(built, name) for name in ScoreLine.__slots__ if name != "_outcome"
    ]
    group = ScoreLine.group("g", "组", 2, Decimal(20), "top")
    built_group = ScoreLine("g", "组", 2, Decimal(20), None, parent="top", is_leaf=False)
    assert group._outcome is None  # created when a detail is first read or set, as for a constructed group
    assert [getattr(group, name) for name in ScoreLine.__slots__] == [
        getattr(built_group, name) for name in ScoreLine.__slots__
    ]
    assert group == built_group


def _attainable_by_hand(sheet):
    """``max_attainable`` and ``stated_groups`` as first written: one pass over the lines, whatever was scored."""
    total = Decimal(0)
    for line in sheet.lines:
        if line.is_leaf:
            total += line.points if line.points is not None else line.weight or Decimal(0)
    return total


@pytest.mark.parametrize("example", sorted(SEEDS))
def test_the_most_attainable_is_the_sum_over_the_leaves(example):
    """With every leaf scored the scorer takes the total it already has as the most attainable: the same Decimal,
    exponent included, as adding up the leaves (and with lines unscored it adds them up)."""
    sheet, _ = _seed_sheet(example)
    expected = _attainable_by_hand(sheet)
    assert (str(sheet.max_attainable), sheet.max_attainable.as_tuple()) == (str(expected), expected.as_tuple())


@pytest.mark.parametrize("case", range(0, len(VARIANTS), 4))
def test_the_most_attainable_is_the_sum_over_the_leaves_of_generated_inputs(case):
    try:
        sheet = _score(VARIANTS[case]["input"])
    except ScoringError:
        return
    expected = _attainable_by_hand(sheet)
    assert sheet.max_attainable.as_tuple() == expected.as_tuple()


def test_a_line_built_by_hand_behaves_as_the_dataclass_did():
    line = ScoreLine("x", "指标", 3, Decimal(2), Decimal("1.50"), explanation="说明", inputs={"a": Decimal(1)})
    assert (line.explanation, line.inputs, line.rates, line.missing, line.warnings, line.parts, line.band) == (
        "说明",
        {"a": Decimal(1)},
        {},
        [],
        [],
        [],
        None,
    )
    line.warnings.append("注意")
    line.band = "档"
    line.explanation = "改过"
    assert (line.warnings, line.band, line.explanation) == (["注意"], "档", "改过")
    assert line == ScoreLine(
        "x",
        "指标",
        3,
        Decimal(2),
        Decimal("1.50"),
        band="档",
        explanation="改过",
        inputs={"a": Decimal(1)},
        warnings=["注意"],
    )
    group = ScoreLine("g", "组", 1, Decimal(20), None, is_leaf=False)
    assert (group.explanation, group.band, group.inputs, group.missing) == ("", None, {}, [])


def test_a_lines_repr_shows_every_field_by_name_as_the_dataclasss_did():
    """What pytest prints when two lines differ: without it, two ``<ScoreLine object at 0x…>``."""
    line = ScoreLine("x", "指标", 3, Decimal(2), Decimal("1.50"), band="档", explanation="说明", warnings=["注意"])
    assert repr(line) == (
        "ScoreLine(code='x', name='指标', level=3, weight=Decimal('2'), points=Decimal('1.50'), kind=None, band='档', "
        "explanation='说明', inputs={}, rates={}, missing=[], warnings=['注意'], parts=[], parent=None, is_leaf=True, "
        "unit_row=False, target_value=None, actual_value=None, reason=None, stated_score=None, difference=None)"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("band", "档"),
        ("explanation", "说明"),
        ("inputs", {"a": Decimal(1)}),
        ("rates", {"r": Decimal("0.5")}),
        ("missing", ["年度指标值"]),
        ("warnings", ["注意"]),
        ("parts", [{"code": "p"}]),
    ],
)
def test_each_detail_given_alone_to_a_line_is_kept(name, value):
    line = ScoreLine("x", "指标", 3, Decimal(2), Decimal(1), **{name: value})
    assert getattr(line, name) == value


def test_a_sheet_survives_pickling_before_its_explanations_are_read():
    sheet, golden = _seed_sheet()
    assert pickle.loads(pickle.dumps(sheet)).to_dict() == golden["sheet"]


def test_a_framework_pickles_and_copies_after_it_has_scored():
    framework = FRAMEWORKS["futian-common-2021"]
    _, golden = _seed_sheet()
    assert framework.plan is not None  # prepared by the first score
    for copied in (pickle.loads(pickle.dumps(framework)), copy.deepcopy(framework)):
        assert copied.plan is None
        data = load_json((ROOT / "fixtures" / "examples" / "seed003-futian-2021.json").read_text(encoding="utf-8"))
        again = score(
            copied,
            facts_from_dict(data["facts"]),
            entries_from_dict(data["entries"], copied),
            stated=stated_from_dict(data["stated"]),
        )
        assert again.to_dict() == golden["sheet"]


def test_names_and_codes_cannot_reach_the_generated_walk_as_code():
    """The walk is generated Python (scorer._compile): whatever a framework's texts hold, they stay string literals."""
    raw = yaml.safe_load((ROOT / "fixtures" / "frameworks" / "futian-common-2021.yaml").read_text(encoding="utf-8"))
    hostile = "x\nraise SystemExit('injected')  # \"\"\" ' \\\n"
    raw["indicators"][0]["name"] = "部门决策" + hostile
    raw["indicators"][0]["code"] = "decision" + hostile
    framework = framework_from_dict(raw)
    sheet = score(framework, {})
    assert sheet.lines[0].name == "部门决策" + hostile
    assert sheet.lines[0].code == "decision" + hostile
