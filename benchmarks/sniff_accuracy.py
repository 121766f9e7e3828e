"""Sniffer accuracy and speed: ours against csv.Sniffer, CleverCSV and DuckDB, in one run.

Every file is a polluted variant of a clean table (``csv_assets_support/pollute.py``), so its true
dialect and the table it should read back as are known. Each tool detects the dialect with no
hints (timed, in ms per file) and reads the file with what it detected; DuckDB also reads it
once more given the true dialect. Reported per category of pollution:

- dialect: the share of files whose delimiter, quote and escape are all right (a quote or
  escape the file never uses, and the delimiter of a one-column file, are right whatever
  they are said to be);
- header and preamble: the share right;
- cells: the share of the clean table's cells (header included) read back exactly, rows
  aligned by content, so a lost or extra row costs only itself; and the cells read that are
  not in it (title lines, totals, broken rows), as a share of its cells;
- exact: the share of files read back exactly, cell for cell.

    python benchmarks/sniff_accuracy.py --json sniff.json              # each pollution alone
    python benchmarks/sniff_accuracy.py --random 1000 --json rand.json # random combinations
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import statistics
import tempfile
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from csv_assets_support.labelled_corpus import labelled_corpus
from csv_assets_support.pollute import Case, Table, cases
from csv_assets_support.sniffers import SNIFFERS, Dialect, Sniffer, dialect_right

HERE = Path(__file__).parent


@dataclass
class Outcome:
    """What one tool made of one file, and how long detecting and then reading it took."""

    dialect: Dialect
    table: Table
    ms: float
    total_ms: float
    error: str = ""


def run(tool: Sniffer, case: Case, path: Path) -> Outcome:
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dialect, read = tool(path, case.expected)
            ms = (time.perf_counter() - start) * 1000
            table = read()
    except Exception as error:  # a sniffer that gives up scores nothing for the file
        spent = (time.perf_counter() - start) * 1000
        return Outcome({}, [], spent, spent, type(error).__name__)
    return Outcome(dialect, table, ms, (time.perf_counter() - start) * 1000)


def cells_recovered(clean: Table, got: Table) -> int:
    """Cells of ``clean`` found in ``got``: rows aligned by content, then cell by cell."""
    a = [tuple(r) for r in clean]
    b = [tuple(r) for r in got]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    found = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            found += sum(len(r) for r in a[i1:i2])
        elif op == "replace":
            for ra, rb in zip(a[i1:i2], b[j1:j2], strict=False):
                found += sum(x == y for x, y in zip(ra, rb, strict=False))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40, help="Rows per clean table.")
    parser.add_argument(
        "--random",
        type=int,
        metavar="N",
        help="Score N files of random, combined pollutions (labelled_corpus, seed 2) instead "
        "of each pollution alone.",
    )
    parser.add_argument("--json", type=Path, help="Also write the figures here as JSON.")
    parser.add_argument("--tools", nargs="+", default=list(SNIFFERS), choices=list(SNIFFERS))
    parser.add_argument("--show-misses", action="store_true", help="List files ours got wrong.")
    args = parser.parse_args()
    _require_extras(args.tools)
    scratch = Path(tempfile.mkdtemp(prefix="csv_assets_sniff_"))
    stats: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    misses: list[str] = []
    corpus = list(labelled_corpus(2, args.random) if args.random else cases(args.rows))
    warm = scratch / "warm-up.csv"
    warm.write_bytes(corpus[0].data)
    for name in args.tools:  # first calls import and compile: not what a file costs
        run(SNIFFERS[name], corpus[0], warm)
    for case in corpus:
        path = scratch / case.name
        path.write_bytes(case.data)
        total_cells = sum(len(r) for r in case.table)
        for name in args.tools:
            outcome = run(SNIFFERS[name], case, path)
            for group in (case.category, "all"):
                s = stats[name][group]
                s["dialect"].append(dialect_right(outcome.dialect, case.expected))
                s["header"].append(outcome.dialect.get("has_header") == case.expected["has_header"])
                s["preamble"].append(
                    outcome.dialect.get("preamble_lines") == case.expected["preamble_lines"]
                )
                found = cells_recovered(case.table, outcome.table)
                s["cells"].append(found / total_cells)
                invented = sum(len(r) for r in outcome.table) - found
                s["invented"].append(max(invented, 0) / total_cells)
                s["exact"].append(outcome.table == case.table)
                s["ms"].append(outcome.ms)
                s["total_ms"].append(outcome.total_ms)
                s["mean_total_ms"].append(outcome.total_ms)
            if name == "csv_assets" and outcome.table != case.table:
                misses.append(f"{case.name}: {outcome.error or outcome.dialect}")
    summary = {
        tool: {
            group: {
                key: round(
                    statistics.median(values)
                    if key in ("ms", "total_ms")
                    else statistics.fmean(values) * (1 if key == "mean_total_ms" else 100),
                    1,
                )
                for key, values in figures.items()
            }
            for group, figures in groups.items()
        }
        for tool, groups in stats.items()
    }
    _print(summary, args.tools)
    if "CleverCSV" in summary:
        ours, clever = summary["csv_assets"]["all"], summary["CleverCSV"]["all"]
        print(
            "\ncsv_assets / CleverCSV, detection and reading per file: "
            f"{ours['total_ms'] / clever['total_ms']:.2f}x (medians), "
            f"{ours['mean_total_ms'] / clever['mean_total_ms']:.2f}x (means)"
        )
    if args.show_misses:
        print("\nfiles csv_assets did not read back exactly:", *misses, sep="\n  ")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


def _require_extras(tools: list[str]) -> None:
    """Stop before a missing package makes a sniffer score nothing, which would read as its
    failure rather than ours to install it.
    """
    needed = {"CleverCSV": "clevercsv", "DuckDB": "duckdb", "DuckDB given dialect": "duckdb"}
    missing = sorted(
        {needed[t] for t in tools if t in needed and importlib.util.find_spec(needed[t]) is None}
    )
    if missing:
        raise SystemExit(
            f"{', '.join(missing)} not installed: pip install -e '.[bench]' "
            "(or leave those sniffers out with --tools)"
        )


def _print(summary: dict[str, dict[str, dict[str, float]]], tools: list[str]) -> None:
    groups = list(summary[tools[0]])
    groups = [g for g in groups if g != "all"] + ["all"]
    for key, label in (
        ("dialect", "dialect right %"),
        ("cells", "cells recovered %"),
        ("invented", "cells read that the clean table does not have, % of its cells"),
        ("exact", "files read back exactly %"),
        ("header", "header right %"),
        ("ms", "ms per file (detection, median)"),
        ("total_ms", "ms per file (detection and reading, median)"),
        ("mean_total_ms", "ms per file (detection and reading, mean)"),
    ):
        print(f"\n{label}")
        print(f"{'category':<20}" + "".join(f"{t:>22}" for t in tools))
        for group in groups:
            print(f"{group:<20}" + "".join(f"{summary[t][group][key]:>22}" for t in tools))


if __name__ == "__main__":
    main()
