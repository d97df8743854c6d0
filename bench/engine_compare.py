"""Two copies of the scoring engine in one process, timed alternately: how much faster one is than the other.

    python bench/engine_compare.py BASELINE_ROOT OTHER_ROOT [--pairs 40] [--sheets 300]

Each root is a checkout (e.g. ``git archive main | tar -x -C /tmp/engine-before``); its ``scoring/engine`` is copied
in as a package of its own, so both run in the same process, minutes and caches. Each pair times ``--sheets`` sheets
of seed 003 (as ``bench/engine.py``) with one engine then the other, the order alternating, in CPU time; the
median of the per-pair ratios is printed (baseline ÷ other: above 1 means the other is faster). On a shared machine
this is steadier than separate ``bench/engine.py`` runs.

For a figure that load does not move at all, count instructions (as bench/RESULTS.md does)::

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python -c '…score() N times…'

for two values of N and divide the difference by the difference of N.
"""

import argparse
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml


def load(package: str, repo: Path, into: Path):
    shutil.copytree(repo / "scoring" / "engine", into / package)
    engine = importlib.import_module(package)
    raw = yaml.safe_load((repo / "fixtures/frameworks/futian-common-2021.yaml").read_text(encoding="utf-8"))
    framework = engine.framework_from_dict(raw)
    data = engine.load_json((repo / "fixtures/examples/seed003-futian-2021.json").read_text(encoding="utf-8"))
    facts = engine.facts_from_dict(data["facts"])
    entries = engine.entries_from_dict(data["entries"], framework)
    stated = engine.stated_from_dict(data["stated"])
    sheet = engine.score(framework, facts, entries, stated=stated)
    assert str(sheet.total) == "96.97", sheet.total
    return engine.score, (framework, facts, entries, stated)


def cpu_per_sheet(score, args, sheets: int) -> float:
    framework, facts, entries, stated = args
    start = time.process_time()
    for _ in range(sheets):
        score(framework, facts, entries, stated=stated)
    return (time.process_time() - start) / sheets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("baseline", type=Path)
    parser.add_argument("other", type=Path)
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--sheets", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        sys.path.insert(0, scratch)
        baseline = load("engine_baseline", args.baseline.resolve(), Path(scratch))
        other = load("engine_other", args.other.resolve(), Path(scratch))
        cpu_per_sheet(*baseline, args.sheets)  # warm-up
        cpu_per_sheet(*other, args.sheets)
        times: list[tuple[float, float]] = []
        for pair in range(args.pairs):
            if pair % 2:
                first = cpu_per_sheet(*baseline, args.sheets)
                times.append((first, cpu_per_sheet(*other, args.sheets)))
            else:
                second = cpu_per_sheet(*other, args.sheets)
                times.append((cpu_per_sheet(*baseline, args.sheets), second))
    ratios = [base / new for base, new in times]
    low, _, high = statistics.quantiles(ratios, n=4)
    print(
        f"baseline {statistics.median(t for t, _ in times) * 1e6:.1f} µs, "
        f"other {statistics.median(t for _, t in times) * 1e6:.1f} µs per sheet (CPU, medians); "
        f"baseline ÷ other: median {statistics.median(ratios):.3f} (quartiles {low:.3f}–{high:.3f}), "
        f"{args.pairs} pairs × {args.sheets} sheets"
    )


if __name__ == "__main__":
    main()
