"""How many inputs each fuzz test generates under the active profile, and how many it actually ran."""

import os
from collections import Counter

from hypothesis import settings

FUZZ = "fuzz"
QUICK = "fuzz-quick"

planned: dict[str, int] = {}
_ran: Counter = Counter()


def profile_name() -> str:
    return FUZZ if os.environ.get("HYPOTHESIS_PROFILE") == FUZZ else QUICK


def examples(*, fuzz: int, quick: int):
    """Hypothesis settings for one test: `fuzz` examples under the fuzz profile, `quick` otherwise."""
    name = profile_name()
    return settings(settings.get_profile(name), max_examples=fuzz if name == FUZZ else quick)


def max_examples_of(function) -> int:
    """The max_examples a collected test will run with (0 for a test without Hypothesis)."""
    chosen = getattr(function, "_hypothesis_internal_use_settings", None)
    return chosen.max_examples if chosen is not None else 0


def count(name: str) -> None:
    """One generated input sent (`name` says to which form, for debugging a count that looks wrong)."""
    _ran[name] += 1


def run_total() -> int:
    return sum(_ran.values())
