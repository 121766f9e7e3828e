"""``csv-assets sniff FILE``: how a file is written, and how sure the sniffer is of each part."""

from __future__ import annotations

import argparse

from csv_assets.commands.common import add_file_arguments, print_json, sniff_file


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
    from csv_assets.pipeline.dialect import unsure_note

    dialect = sniff_file(args, whole_file=not args.head_only)
    described = dialect.describe()
    if args.json:
        print_json({"file": str(args.file), **described})
        return 0
    confidence = described["confidence"]
    style = dialect.number_style
    # label: (value, the decision whose confidence covers it, the dialect fields it shows)
    encoding = f"{dialect.encoding}{' (BOM)' if dialect.bom else ''}"
    shown = {
        "encoding": (encoding, "encoding", {"encoding"}),
        "delimiter": (repr(dialect.delimiter), "dialect", {"delimiter"}),
        "quote": (repr(dialect.quotechar), "dialect", {"quotechar"}),
        "escape": (repr(dialect.escapechar), "dialect", {"escapechar"}),
        "doublequote": (str(dialect.doublequote), "dialect", {"doublequote"}),
        "padded fields": (str(dialect.skip_initial_space), None, set()),
        "line terminator": (repr(dialect.line_terminator), None, set()),
        "header": (
            f"{dialect.has_header}{' (two rows joined)' if dialect.header_rows == 2 else ''}",
            "header",
            {"has_header"},
        ),
        "preamble lines": (str(dialect.preamble_lines), "preamble", {"preamble_lines"}),
        "footer rows": (str(dialect.footer_rows), "footer", {"footer_rows"}),
        "comment prefixes": (
            ", ".join(map(repr, dialect.comment_prefixes)) or "none",
            None,
            {"comment_prefix"},
        ),
        "null tokens": (", ".join(map(repr, dialect.null_tokens)), None, {"null_tokens"}),
        "decimal, thousands": (
            f"{style.decimal!r}, {style.thousands!r}",
            None,
            {"decimal", "thousands"},
        ),
    }
    unsure = dialect.unsure()
    print(args.file)
    for label, (value, decision, fields) in shown.items():
        sure = f"  ({confidence[decision]:.2f})" if decision else ""
        # The dialect's confidence covers four rows; its doubt is shown on the delimiter's.
        if decision in unsure and (decision != "dialect" or label == "delimiter"):
            sure += f"  {unsure_note(unsure[decision])}"
        pinned = "  pinned" if fields & set(dialect.pinned) else ""
        print(f"  {label:<20}{value}{sure}{pinned}")
    for note in dialect.notes:
        print(f"  note: {note}")
    print(f"  {'column':<28}{'kind':<10}{'format':<22}{'confidence':>10}{'nulls':>8}")
    for name, raw in zip(dialect.columns, dialect.raw_header, strict=True):
        guess = dialect.column_types[name]
        label = name if name == raw else f"{name} ({raw})"
        print(
            f"  {label[:27]:<28}{guess.kind:<10}{guess.format or '':<22}"
            f"{guess.confidence:>10.3f}{guess.nulls:>8}"
        )
    return 0
