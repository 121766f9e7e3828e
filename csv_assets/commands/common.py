"""What every command shares: where the warehouse and the data folder are, and the catalog."""

from __future__ import annotations

import argparse
import json
import os
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


def find_source(name: str) -> Any:
    """The catalog's ``SourceSpec`` called ``name``; exit with the known names if there is none."""
    from csv_assets.catalog import load_catalog

    catalog = load_catalog()
    if name not in catalog:
        known = ", ".join(sorted(catalog)) or "none"
        raise SystemExit(f"csv-assets: no source {name!r} in the catalog (known: {known})")
    return catalog[name]


def print_json(value: Any) -> None:
    """Write ``value`` to stdout as indented JSON."""
    json.dump(value, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
