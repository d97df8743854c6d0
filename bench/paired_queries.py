"""Two SQL statements timed against each other, alternating statement by statement on two connections of one
process: the way to compare two codes' queries (each on its own copy of a data set) or two settings on a machine
whose speed swings within seconds, where runs one after the other compare nothing (bench/RESULTS.md, session 11).

    .venv/bin/python bench/paired_queries.py --pairs 40 \
        A postgres://postgres@127.0.0.1:5432/perfeval_scale20_old before.sql \
        B postgres://postgres@127.0.0.1:5432/perfeval_scale20 main.sql \
        [--set max_parallel_workers_per_gather=0] [--options-b "-c work_mem=32MB"]

Each file holds one statement with its parameters written in (psycopg's ClientCursor.mogrify of a queryset's
`query.sql_with_params()`). Prints each side's median and the per-pair ratio A ÷ B with its quartiles."""

import argparse
import os
import statistics
import time
from pathlib import Path

import psycopg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", nargs=3, metavar=("NAME", "DSN", "SQL"))
    parser.add_argument("b", nargs=3, metavar=("NAME", "DSN", "SQL"))
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--warm-ups", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], help="a setting for both connections, name=value")
    parser.add_argument("--options-a", default="", help="libpq options of A's connection, e.g. '-c work_mem=4MB'")
    parser.add_argument("--options-b", default="")
    args = parser.parse_args()
    sides = {}
    for (name, dsn, sql), options in ((args.a, args.options_a), (args.b, args.options_b)):
        connection = psycopg.connect(dsn, options=options) if options else psycopg.connect(dsn)
        for setting in args.set:
            key, value = setting.split("=", 1)
            connection.execute(f"SET {key} = {value}")
        sides[name] = (connection, Path(sql).read_text())
    first, second = sides
    times = {name: [] for name in sides}
    for round_ in range(args.warm_ups + args.pairs):
        for name in (first, second) if round_ % 2 else (second, first):  # who goes first alternates too
            connection, sql = sides[name]
            started = time.perf_counter()
            connection.execute(sql).fetchall()
            if round_ >= args.warm_ups:
                times[name].append((time.perf_counter() - started) * 1000)
    ratios = [a / b for a, b in zip(times[first], times[second], strict=True)]
    low, _, high = statistics.quantiles(ratios, n=4)
    print(
        f"{first} median {statistics.median(times[first]):.1f} ms, {second} median {statistics.median(times[second]):.1f}"
        f" ms; {first} ÷ {second} per pair: median {statistics.median(ratios):.2f} (quartiles {low:.2f}–{high:.2f});"
        f" {args.pairs} pairs, settings {args.set or 'none'}, load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
