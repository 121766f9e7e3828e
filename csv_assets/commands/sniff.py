"""``csv-assets sniff FILE``: how a file is written, and how sure the sniffer is of each part."""

from __future__ import annotations

import argparse

from csv_assets.commands.common import add_file_arguments, pins_of, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``sniff``."""
    add_file_arguments(parser)
    parser.add_argument("--json", action="store_true", help="Print every decision as JSON.")
    parser.add_argument(
        "--head-only",
        action="store_true",
        help="Type columns from the first 256 KiB only (quick look at a huge file).",
    )


def run(args: argparse.Namespace) -> int:
    """Print the dialect, then one line per column with its kind, format and confidence."""
    from csv_assets.pipeline.sniff import sniff_csv

    dialect = sniff_csv(args.file, pins_of(args), whole_file=not args.head_only)
    described = dialect.describe()
    if args.json:
        print_json({"file": str(args.file), **described})
        return 0
    confidence = described["confidence"]
    shown = {
        "encoding": (f"{dialect.encoding}{' (BOM)' if dialect.bom else ''}", "encoding"),
        "delimiter": (repr(dialect.delimiter), "dialect"),
        "quote": (repr(dialect.quotechar), "dialect"),
        "escape": (repr(dialect.escapechar), "dialect"),
        "doublequote": (str(dialect.doublequote), "dialect"),
        "line terminator": (repr(dialect.line_terminator), None),
        "header": (str(dialect.has_header), "header"),
        "preamble lines": (str(dialect.preamble_lines), "preamble"),
        "footer rows": (str(dialect.footer_rows), "footer"),
        "comment prefix": (repr(dialect.comment_prefix), None),
        "null tokens": (", ".join(map(repr, dialect.null_tokens)), None),
        "decimal, thousands": (
            f"{dialect.number_style.decimal!r}, {dialect.number_style.thousands!r}",
            None,
        ),
    }
    print(args.file)
    for label, (value, decision) in shown.items():
        sure = f"  ({confidence[decision]:.2f})" if decision else ""
        pinned = "  pinned" if decision and decision in _pinned_decisions(dialect.pinned) else ""
        print(f"  {label:<20}{value}{sure}{pinned}")
    print(f"  {'column':<28}{'kind':<10}{'format':<22}{'confidence':>10}{'nulls':>8}")
    for name, raw in zip(dialect.columns, dialect.raw_header, strict=True):
        guess = dialect.column_types[name]
        label = name if name == raw else f"{name} ({raw})"
        print(
            f"  {label[:27]:<28}{guess.kind:<10}{guess.format or '':<22}"
            f"{guess.confidence:>10.3f}{guess.nulls:>8}"
        )
    return 0


def _pinned_decisions(pinned: tuple[str, ...]) -> set[str]:
    return {
        {"delimiter": "dialect", "has_header": "header", "preamble_lines": "preamble"}.get(p, p)
        for p in pinned
    }
