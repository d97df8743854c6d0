"""Mutation testing (mutmut) of the engine, the access helpers, the workflow services and the snapshot code.

    python bench/mutation.py [--workers 2] [--sample engine=100,workflow=20,snapshots=10] [--offset 3] [--area workflow]
                             [--keep] [--report] [--survivors]

What is mutated is ``only_mutate`` in pyproject.toml ([tool.mutmut]); each module belongs to an area by its path
(``AREA_OF``). mutmut runs, for each mutant, only the tests that call the mutated function (from the test selection
in pyproject.toml). The tests run on a copy of one SQLite database migrated once (``PERFEVAL_TEST_DB_TEMPLATE``, see
tests/conftest.py), instead of migrating for every mutant.

A sample keeps the run to about 30 minutes on 2 cores: ``area=k`` tests the mutants whose number N (mutmut numbers
each function's mutants from 1) has N % k == offset (k = 1, 2, 5, 10, 20, 50 or 100; 1 is all). The runs with offsets
0 … k-1 are the k shards of the full run. The report counts, per module, the mutants of this run: killed, survived,
equivalent (survivors listed with their reason in MUTATION.md), and the others (timeouts, no tests).
"""

import argparse
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
TEMPLATE = MUTANTS / "template.sqlite3"
LOG = MUTANTS / "run.log"
NAMES = MUTANTS / "names.json"  # the mutants' names per file, from mutmut's generator

# The area of a mutated module, by its path.
AREA_OF = (
    ("engine", "scoring/engine/*"),
    ("access", "*/access.py"),
    ("workflow", "assessments/workflow*"),
    ("snapshots", "assessments/snapshots*"),
)
DEFAULT_SAMPLE = {"engine": 100, "access": 2, "workflow": 20, "snapshots": 10}
KILLED, SURVIVED = {1, 3}, {0}


def mutated_paths() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    return config["only_mutate"]


def area_of(path: str) -> str:
    for area, pattern in AREA_OF:
        if fnmatch.fnmatch(path, pattern):
            return area
    raise SystemExit(f"{path}: no area in bench/mutation.py AREA_OF")


def module_pattern(path: str) -> str:
    """'assessments/workflow.py' → 'assessments.workflow.*'; 'scoring/engine/*' → 'scoring.engine.*'."""
    return path.removesuffix(".py").removesuffix("/*").replace("/", ".") + ".*"


def all_mutants(areas: list[str]) -> list[str]:
    """The name of every mutant of the areas' files, from mutmut's own generator (nothing is run)."""
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name

    # Generating takes minutes for the engine on a busy machine: the names are kept per file and its content's hash.
    cache = json.loads(NAMES.read_text(encoding="utf-8")) if NAMES.exists() else {}
    names = []
    for pattern in mutated_paths():
        if areas and area_of(pattern) not in areas:
            continue
        for path in sorted(ROOT.glob(pattern)):
            if path.suffix == ".py":
                relative = path.relative_to(ROOT)
                source = path.read_text(encoding="utf-8")
                digest = hashlib.sha256(source.encode()).hexdigest()
                if cache.get(str(relative), {}).get("sha256") != digest:
                    mutated = mutate_file_contents(str(relative), source)
                    named = [get_mutant_name(relative, name) for name in mutated.mutant_names]
                    cache[str(relative)] = {"sha256": digest, "names": named}
                names += cache[str(relative)]["names"]
    MUTANTS.mkdir(exist_ok=True)
    NAMES.write_text(json.dumps(cache), encoding="utf-8")
    return names


def area_of_mutant(name: str) -> str:
    module = name.partition("__mutmut_")[0].rpartition(".")[0]
    return area_of(module.replace(".", "/") + ".py")


def select(sample: dict[str, int], areas: list[str], offset: int = 0) -> list[str]:
    """One mutant in k of each area, by a hash of its name: every function's mutants have the same chance, and the
    runs with offsets 0 … k-1 are the k shards of the full run."""
    chosen = []
    for name in all_mutants(areas):
        area = area_of_mutant(name)
        if zlib.crc32(name.encode()) % sample[area] == offset % sample[area]:
            chosen.append(name)
    return chosen


def equivalents() -> dict[str, str]:
    """Mutants listed in MUTATION.md as equivalent: lines '- `name`: reason'."""
    listed = {}
    path = ROOT / "MUTATION.md"
    if path.exists():
        for match in re.finditer(r"^- `([\w.ǁ]+__mutmut_\d+)`:? (.+)$", path.read_text(encoding="utf-8"), re.M):
            listed[match[1]] = match[2]
    return listed


def report(chosen: set[str]) -> dict[str, Counter]:
    equivalent = equivalents()
    by_module: dict[str, Counter] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        module = str(meta.relative_to(MUTANTS)).removesuffix(".py.meta").replace("/", ".")
        results = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        counts = Counter()
        for name, code in results.items():
            if name not in chosen:
                continue
            if code in KILLED:
                counts["killed"] += 1
            elif code in SURVIVED:
                counts["equivalent" if name in equivalent else "survived"] += 1
                if name not in equivalent:
                    counts.setdefault("names", []).append(name)
            elif code is None:
                counts["not run"] += 1
            else:
                counts["other"] += 1  # timeouts count as killed below; no tests, suspicious
                if code in (36, 24, -24, 152, 255):
                    counts["timeout"] += 1
        if counts:
            by_module[module] = counts
    return by_module


def print_report(by_module: dict[str, Counter], *, list_survivors: bool) -> None:
    print(
        f"{'module':38} {'killed':>7} {'survived':>9} {'equivalent':>11} {'timeout':>8} {'other':>6} {'not run':>8}  killed %"
    )
    areas: dict[str, Counter] = {}
    for module, c in by_module.items():
        area = area_of(module.replace(".", "/") + ".py")
        total = areas.setdefault(area, Counter())
        for key in ("killed", "survived", "equivalent", "timeout", "other", "not run"):
            total[key] += c[key]
        print(
            f"{module:38} {c['killed']:>7} {c['survived']:>9} {c['equivalent']:>11} {c['timeout']:>8} "
            f"{c['other'] - c['timeout']:>6} {c['not run']:>8}  {share(c)}"
        )
    print()
    for area, c in areas.items():
        print(
            f"{'area ' + area:38} {c['killed']:>7} {c['survived']:>9} {c['equivalent']:>11} {c['timeout']:>8} "
            f"{c['other'] - c['timeout']:>6} {c['not run']:>8}  {share(c)}"
        )
    if list_survivors:
        print("\nsurvivors (give each a test, or list it in MUTATION.md as equivalent with the reason):")
        for c in by_module.values():
            for name in c.get("names", []):
                print(f"  {name}")


def share(c: Counter) -> str:
    """Killed (timeouts count as killed) among the mutants that are not equivalent."""
    killed = c["killed"] + c["timeout"]
    decided = killed + c["survived"]
    return f"{100 * killed / decided:.1f} %" if decided else "—"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--sample",
        default="",
        help="area=k,… (one mutant in k; 1 or all: every one); default "
        + ",".join(f"{a}={k}" for a, k in DEFAULT_SAMPLE.items()),
    )
    parser.add_argument(
        "--offset",
        type=int,
        default=0,
        help="test the mutants whose name hashes to offset modulo k (default 0): the runs with offsets 0 … k-1 are "
        "the k shards of the full run, e.g. one per night or one per CI job",
    )
    parser.add_argument("--area", action="append", default=[], help="only this area (repeatable)")
    parser.add_argument(
        "--module",
        action="append",
        default=[],
        help="only the mutants of this dotted module or prefix, e.g. scoring.engine.layout (repeatable): a loop of "
        "writing tests for one module",
    )
    parser.add_argument("--report", action="store_true", help="only print the figures of the last run")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ (copied sources, stats) of an earlier run")
    args = parser.parse_args()
    sample = dict(DEFAULT_SAMPLE)
    for item in filter(None, args.sample.split(",")):
        area, _, k = item.partition("=")
        sample[area] = 1 if k == "all" else int(k)
        if sample[area] < 1 or area not in DEFAULT_SAMPLE:
            raise SystemExit(f"--sample {item}: areas {', '.join(DEFAULT_SAMPLE)}, k a whole number from 1 (all)")
    started = time.monotonic()
    os.chdir(ROOT)  # mutmut reads its configuration from the working directory
    if not args.keep and not args.report:
        names = NAMES.read_bytes() if NAMES.exists() else None  # checked against each file's hash: never stale
        shutil.rmtree(MUTANTS, ignore_errors=True)  # a copy of every source file: stale after any change
        if names is not None:
            MUTANTS.mkdir()
            NAMES.write_bytes(names)
    chosen = select(sample, args.area, args.offset)
    if args.module:
        chosen = [name for name in chosen if name.startswith(tuple(args.module))]
    if not args.report:
        MUTANTS.mkdir(exist_ok=True)
        TEMPLATE.unlink(missing_ok=True)
        env = os.environ | {"DATABASE_URL": f"sqlite:///{TEMPLATE}", "PERFEVAL_TEST_DB_TEMPLATE": str(TEMPLATE)}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        print(f"mutmut run --max-children {args.workers} <{len(chosen)} mutants>   (output in {LOG.relative_to(ROOT)})")
        with LOG.open("w", encoding="utf-8") as log:
            mutmut = Path(sys.executable).with_name("mutmut")
            done = subprocess.run(
                [str(mutmut), "run", "--max-children", str(args.workers), *chosen],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        minutes = (time.monotonic() - started) / 60
        print(f"mutmut exited {done.returncode}; {minutes:.1f} min in all (choosing the sample, migrating, mutmut)")
    print("sample: " + ", ".join(f"{area} 1 in {k}" for area, k in sample.items()) + f", offset {args.offset}")
    print_report(report(set(chosen)), list_survivors=args.survivors)


if __name__ == "__main__":
    main()
