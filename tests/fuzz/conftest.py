"""Fuzzing every form with Hypothesis (issue #8). Two profiles: `fuzz-quick` (the default, a few examples per test so
`make test` stays fast) and `fuzz` (HYPOTHESIS_PROFILE=fuzz, `make fuzz`: at least 10,000 inputs in all). A failing
input is kept in the example database of tests/conftest.py (replayed first on the next run) and printed; it belongs
in a regular regression test."""

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.fuzz import budget

_COMMON = {
    "deadline": None,
    "database": settings.default.database,  # the working tree's (tests/conftest.py), loaded before this file
    # Fixtures are built once per test and every example runs inside its own rolled-back savepoint (tests.fuzz.state).
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "print_blob": True,
}
# In CI (CI=true, which .ci/run sets) the quick profile is derandomized like the rest of the suite: the same inputs on
# every run, so a red CI replays anywhere and a green one is not luck. `make fuzz` explores with fresh inputs each time.
_QUICK = {"derandomize": True, "database": None} if os.environ.get("CI") else {}
# Each test sets its own max_examples for both profiles (tests.fuzz.budget.examples); these are the fallbacks.
settings.register_profile("fuzz-quick", max_examples=5, **(_COMMON | _QUICK))
settings.register_profile("fuzz", max_examples=500, **_COMMON)


@pytest.hookimpl(trylast=True)  # after -m has deselected what will not run
def pytest_collection_modifyitems(items):
    budget.planned.clear()
    for item in items:
        if item.get_closest_marker("fuzz") is not None:
            budget.planned[item.nodeid] = budget.max_examples_of(item.function)


def pytest_terminal_summary(terminalreporter):
    if not budget.planned:
        return
    terminalreporter.write_line(
        f"fuzz ({budget.profile_name()}): {budget.run_total()} inputs generated, "
        f"max_examples {sum(budget.planned.values())} over {len(budget.planned)} tests"
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence and pending workbook imports are written here, never under the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
