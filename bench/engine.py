"""How many full Futian score sheets the engine computes per second in one process.

    python bench/engine.py [--runs 7] [--sheets 2000]

Scores seed 003 (fixtures/examples/seed003-futian-2021.json, every indicator, stated scores compared) with the
framework loaded once, as the app does. Reports the median of several timed runs after a warm-up: wall-clock time
(the figure the issue's target is about) and the process's CPU time, which other load on the machine disturbs less.

Explanations are written when first read (scoring/engine/lazy.py), so ``score()`` alone does not format them; the
last line times ``score()`` followed by ``to_dict()``, which reads every explanation, for comparison.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from scoring.engine import (  # noqa: E402
    entries_from_dict,
    facts_from_dict,
    framework_from_dict,
    load_json,
    score,
    stated_from_dict,
)


def load():
    raw = yaml.safe_load((ROOT / "fixtures/frameworks/futian-common-2021.yaml").read_text(encoding="utf-8"))
    framework = framework_from_dict(raw)
    data = load_json((ROOT / "fixtures/examples/seed003-futian-2021.json").read_text(encoding="utf-8"))
    facts = facts_from_dict(data["facts"])
    entries = entries_from_dict(data["entries"], framework)
    stated = stated_from_dict(data["stated"])
    return framework, facts, entries, stated


def timed_run(framework, facts, entries, stated, sheets: int, *, serialise: bool = False) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) for ``sheets`` sheets."""
    wall, cpu = time.perf_counter(), time.process_time()
    if serialise:
        for _ in range(sheets):
            score(framework, facts, entries, stated=stated).to_dict()
    else:
        for _ in range(sheets):
            score(framework, facts, entries, stated=stated)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sheets", type=int, default=2000)
    args = parser.parse_args()
    framework, facts, entries, stated = load()
    sheet = score(framework, facts, entries, stated=stated)
    assert str(sheet.total) == "96.97", sheet.total
    timed_run(framework, facts, entries, stated, args.sheets // 4)  # warm-up
    load_before = os.getloadavg()[0]
    runs = [timed_run(framework, facts, entries, stated, args.sheets) for _ in range(args.runs)]
    walls = [wall for wall, _ in runs]
    median = statistics.median(walls)
    cpu = statistics.median(cpu for _, cpu in runs)
    serialised = statistics.median(
        wall
        for wall, _ in (
            timed_run(framework, facts, entries, stated, args.sheets // 4, serialise=True) for _ in range(3)
        )
    ) / (args.sheets // 4)
    print(
        f"Python {sys.version.split()[0]}, {args.runs} runs × {args.sheets} Futian sheets ({len(sheet.lines)} lines each)"
    )
    print(f"median {args.sheets / median:,.0f} sheets/s, {median / args.sheets * 1_000_000:.1f} µs per sheet")
    print(f"best   {args.sheets / min(walls):,.0f} sheets/s, worst {args.sheets / max(walls):,.0f} sheets/s")
    print(f"CPU time: median {args.sheets / cpu:,.0f} sheets/s, {cpu / args.sheets * 1_000_000:.1f} µs per sheet")
    print(f"score() + to_dict(): {1 / serialised:,.0f} sheets/s, {serialised * 1_000_000:.1f} µs per sheet")
    print(f"load average before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
