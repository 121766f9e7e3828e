"""``csv-assets schema SOURCE [--write-model]``: the effective contract, its history, the diff.

The effective contract is the source's model plus the widenings deliveries recorded. Without
``--write-model`` the command prints the model file's change as a diff to review; with it, it
writes the file, so the code catches up with the table in a commit of its own.
"""

from __future__ import annotations

import argparse
import sys

from csv_assets.commands.common import add_location_arguments, find_source, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``schema``."""
    parser.add_argument("source", help="The catalog source.")
    parser.add_argument(
        "--write-model",
        action="store_true",
        help="Rewrite the pandera model file to the effective contract (widened types).",
    )
    parser.add_argument("--json", action="store_true", help="Print the schema as JSON.")
    add_location_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print each column's model and effective type, the history, and the model's diff."""
    from csv_assets.commands.model_rewrite import (
        RewriteError,
        model_file,
        rewritten,
        unified_diff,
    )
    from csv_assets.ingest import Ingestor, create_warehouse_engine

    source = find_source(args.source)
    engine = create_warehouse_engine(args.database_url)
    try:
        view = Ingestor(engine, "schema").schema(source)
    finally:
        engine.dispose()
    if args.json:
        print_json(view.as_dict())
        return 0
    print(f"{view.source} -> table {view.table} (model {view.schema_model})")
    for state in view.columns:
        effective = state.effective.sql_type
        note = f"  widened from {state.model.sql_type}" if state.widened else ""
        print(f"  {state.model.name:<24} {effective}{note}")
    for change in view.history:
        print(
            f"  {change.changed_at:%Y-%m-%d %H:%M:%S} {change.column}: {change.old_type} -> "
            f"{change.new_type} by {change.file_name} ({change.partition_key})"
        )
    if not view.widened:
        print("the model matches the table: nothing to rewrite")
        return 0
    try:
        path = model_file(view.schema_model)
        before = path.read_text()
        after = rewritten(view, before)
    except (RewriteError, SyntaxError) as error:
        print(f"csv-assets: cannot rewrite the model: {error}; edit it by hand", file=sys.stderr)
        return 1
    if args.write_model:
        path.write_text(after)
        print(f"wrote {path}; review it with git diff, then commit it")
    else:
        print(unified_diff(path, before, after), end="")
        print("csv-assets schema --write-model writes this change")
    return 0
