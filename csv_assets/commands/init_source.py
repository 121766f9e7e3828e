"""``csv-assets init-source FILE --name NAME``: draft a source's YAML and pandera model."""

from __future__ import annotations

import argparse
from pathlib import Path

from csv_assets.commands.common import add_file_arguments, pins_of, sniff_file

PACKAGE = Path(__file__).resolve().parent.parent


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``init-source``."""
    add_file_arguments(parser)
    parser.add_argument("--name", required=True, help="Source name: lowercase, digits, _.")
    parser.add_argument(
        "--package-dir",
        type=Path,
        default=PACKAGE,
        help="The csv_assets package to write into (default: this installation's).",
    )
    parser.add_argument("--force", action="store_true", help="Overwrite existing files.")
    parser.add_argument(
        "--print", action="store_true", help="Print both files instead of writing them."
    )


def run(args: argparse.Namespace) -> int:
    """Sniff the sample and write ``defs/sources/NAME/defs.yaml`` and ``schemas/NAME.py``."""
    import re

    from csv_assets.catalog import IDENTIFIER
    from csv_assets.commands.draft import draft_source

    if not re.match(IDENTIFIER, args.name):
        raise SystemExit(f"csv-assets: --name {args.name!r} must match {IDENTIFIER}")
    draft = draft_source(args.name, args.file, sniff_file(args), pins_of(args))
    targets = {
        args.package_dir / "defs" / "sources" / args.name / "defs.yaml": draft.defs_yaml,
        args.package_dir / "schemas" / f"{args.name}.py": draft.model_source,
    }
    if args.print:
        for path, text in targets.items():
            print(f"# --- {path}\n{text}")
        return 0
    existing = [str(path) for path in targets if path.exists()]
    if existing and not args.force:
        raise SystemExit(f"csv-assets: {', '.join(existing)} exist(s); --force overwrites")
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path}")
    keys = ", ".join(draft.key_columns) or "none found"
    print(
        f"next: review the model (kinds, nullability, rules; key column: {keys}), then "
        f"`dg check defs` and drop files into data/inbox/{args.name}/"
    )
    return 0
