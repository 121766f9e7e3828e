"""What every command shares: where the warehouse and the data folder are, and the catalog."""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

DEFAULT_DATABASE_URL = "sqlite:///data/warehouse.db"
DEFAULT_DATA_DIR = "data"


def add_location_arguments(parser: argparse.ArgumentParser) -> None:
    """``--database-url`` and ``--data-dir``, defaulting to the same env vars Dagster reads."""
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CSV_ASSETS_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="SQLAlchemy URL of the warehouse (default: $CSV_ASSETS_DATABASE_URL or "
        f"{DEFAULT_DATABASE_URL}).",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("CSV_ASSETS_DATA_DIR", DEFAULT_DATA_DIR)),
        help="Folder holding inbox/, archive/ and rejected/ (default: $CSV_ASSETS_DATA_DIR "
        f"or {DEFAULT_DATA_DIR}).",
    )


def add_file_arguments(parser: argparse.ArgumentParser) -> None:
    """The file, ``--source`` (take a catalog source's pinned dialect) and ``--pin KEY=VALUE``."""
    parser.add_argument("file", type=Path, help="The CSV file (.csv, .csv.gz, single-file .zip).")
    parser.add_argument("--source", help="Use the dialect fields this catalog source pins.")
    parser.add_argument(
        "--pin",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Fix one dialect field instead of sniffing it (YAML value), e.g. --pin "
        "'delimiter=;' --pin has_header=false. Repeatable.",
    )


def pins_of(args: argparse.Namespace) -> dict[str, Any]:
    """The dialect pins of ``--source`` then ``--pin``, checked against the known fields."""
    import yaml

    from csv_assets.catalog import DIALECT_PINS

    pins: dict[str, Any] = find_source(args.source).dialect.as_pins() if args.source else {}
    for pin in args.pin:
        key, sep, value = pin.partition("=")
        if not sep or key not in DIALECT_PINS:
            raise SystemExit(
                f"csv-assets: --pin {pin!r}: expected KEY=VALUE with KEY one of "
                f"{', '.join(sorted(DIALECT_PINS))}"
            )
        pins[key] = (
            value if key in ("delimiter", "quotechar", "escapechar") else yaml.safe_load(value)
        )
    return pins


def sniff_file(args: argparse.Namespace, *, whole_file: bool = True) -> Any:
    """Sniff ``args.file`` with its pins; an unreadable file exits 2 with the reason, no trace."""
    from csv_assets.pipeline.errors import BadFileError
    from csv_assets.pipeline.sniff import sniff_csv

    try:
        if not stat.S_ISREG(os.stat(args.file).st_mode):  # a FIFO would wait for a writer
            raise ValueError("not a regular file (a FIFO, device or folder); nothing was read")
        return sniff_csv(args.file, pins_of(args), whole_file=whole_file)
    except BadFileError as error:
        print(f"csv-assets: {error.describe()}", file=sys.stderr)
    except (ValueError, OSError) as error:
        print(f"csv-assets: {args.file}: {error}", file=sys.stderr)
    raise SystemExit(2)


def find_source(name: str) -> Any:
    """The catalog's ``SourceSpec`` called ``name``, whatever other sources' YAML says.

    Exits with the known names if there is none, and the first broken YAML's line, if any.
    """
    from csv_assets.catalog import read_catalog

    catalog, problems = read_catalog()
    if name in catalog:
        return catalog[name]
    known = ", ".join(sorted(catalog)) or "none"
    broken = f"; a broken one may be it: {problems[0]}" if problems else ""
    raise SystemExit(f"csv-assets: no source {name!r} in the catalog (known: {known}){broken}")


def print_json(value: Any) -> None:
    """Write ``value`` to stdout as indented JSON."""
    json.dump(value, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
