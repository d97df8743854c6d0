"""perfeval's scoring engine: plain data in, an explainable score sheet out. Standard library only.

framework = framework_from_dict(yaml.safe_load(text))      # validated once, rules built once
sheet = score(framework, facts, entries, stated=Stated(total=Decimal("96.98")))
sheet, findings = score_input(json_data, {framework.code: framework})
"""

from .api import entries_from_dict, entry_from_dict, facts_from_dict, load_json, score_input, stated_from_dict
from .checks import run_checks
from .errors import ScoringError
from .findings import Finding
from .framework import FrameworkSpec, GradeBand, IndicatorSpec, Rounding, framework_from_dict
from .inputs import OUTCOMES, IndicatorEntry, Stated
from .numbers import fmt_percent, parse_number, parse_rate, parse_target, quantize, row_deadline
from .rules import Settings
from .scorer import score
from .sheet import MANUAL_BAND, ScoreLine, ScoreSheet
from .vocabulary import FACTS

__all__ = [
    "FACTS",
    "MANUAL_BAND",
    "OUTCOMES",
    "Finding",
    "FrameworkSpec",
    "GradeBand",
    "IndicatorEntry",
    "IndicatorSpec",
    "Rounding",
    "ScoreLine",
    "ScoreSheet",
    "ScoringError",
    "Settings",
    "Stated",
    "entries_from_dict",
    "entry_from_dict",
    "facts_from_dict",
    "fmt_percent",
    "framework_from_dict",
    "load_json",
    "parse_number",
    "parse_rate",
    "parse_target",
    "quantize",
    "row_deadline",
    "run_checks",
    "score",
    "score_input",
    "stated_from_dict",
]
