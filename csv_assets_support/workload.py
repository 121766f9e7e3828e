"""The benchmark workload: a deterministic 12-column CSV and the source contract it satisfies."""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from csv_assets.catalog import SourceSpec

DATA_DIR = Path(__file__).parent / ".data"
HEADER = [
    "event_id",
    "account_id",
    "occurred_at",
    "business_date",
    "channel",
    "amount",
    "discount_rate",
    "quantity",
    "is_refund",
    "comment",
    "country",
    "email",
]
FLOOR_DDL = """CREATE TABLE {name} (
    event_id BIGINT, account_id BIGINT, occurred_at TIMESTAMPTZ, business_date DATE,
    channel TEXT, amount NUMERIC(12,2), discount_rate DOUBLE PRECISION, quantity BIGINT,
    is_refund BOOLEAN, comment TEXT, country TEXT, email TEXT)"""
"""The floor's table: the same columns, typed, with no index."""
CHANNELS = ["web", "store", "phone", "partner", "app"]
COUNTRIES = ["DE", "FR", "NL", "US", "GB", "ES", "IT", "PL"]
WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta,",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
]

BAD_CELLS = (
    ("amount", "n/a?"),  # not a number
    ("amount", "-5.00"),  # below ge=0
    ("quantity", "0"),  # below ge=1
    ("quantity", "many"),  # not an integer
    ("channel", "fax"),  # not in the list
    ("country", "XYZ"),  # not two letters
    ("email", "nobody"),  # no @
    ("occurred_at", "yesterday"),  # not a timestamp
)
"""One of these replaces a cell in each bad row: every one breaks exactly one rule."""


class BenchEvents(pa.DataFrameModel):
    """One sales event of the benchmark file."""

    event_id: Series[int] = pa.Field(ge=1, unique=True, description="Event number.")
    account_id: Series[int] = pa.Field(ge=1, description="Account.")
    occurred_at: Series[pd.DatetimeTZDtype] = pa.Field(
        dtype_kwargs={"unit": "ns", "tz": "UTC"}, description="When it happened."
    )
    business_date: Series[pa.dtypes.Date] = pa.Field(description="Booking day.")
    channel: Series[str] = pa.Field(isin=CHANNELS, description="Sales channel.")
    amount: Series[pa.dtypes.Decimal] = pa.Field(
        ge=0, dtype_kwargs={"precision": 12, "scale": 2}, description="Amount in EUR."
    )
    discount_rate: Series[float] = pa.Field(ge=0, le=1, nullable=True, description="Discount.")
    quantity: Series[int] = pa.Field(ge=1, le=1000, description="Units.")
    is_refund: Series[bool] = pa.Field(description="Refund or sale.")
    comment: Series[str] = pa.Field(nullable=True, description="Free text, with commas.")
    country: Series[str] = pa.Field(str_length={"min_value": 2, "max_value": 2})
    email: Series[str] = pa.Field(str_matches=r"^[^@\s]+@[^@\s]+$", description="Contact.")

    class Config:
        strict = True


class BenchEventsTypesOnly(pa.DataFrameModel):
    """The same columns and types with no rule at all: the load with validation off.

    Coercing text to the columns' types stays (no typed load can skip it); pandera, and the
    quarantine of the rows it would reject, do not run.
    """

    event_id: Series[int] = pa.Field(nullable=True)
    account_id: Series[int] = pa.Field(nullable=True)
    occurred_at: Series[pd.DatetimeTZDtype] = pa.Field(
        nullable=True, dtype_kwargs={"unit": "ns", "tz": "UTC"}
    )
    business_date: Series[pa.dtypes.Date] = pa.Field(nullable=True)
    channel: Series[str] = pa.Field(nullable=True)
    amount: Series[pa.dtypes.Decimal] = pa.Field(
        nullable=True, dtype_kwargs={"precision": 12, "scale": 2}
    )
    discount_rate: Series[float] = pa.Field(nullable=True)
    quantity: Series[int] = pa.Field(nullable=True)
    is_refund: Series[bool] = pa.Field(nullable=True)
    comment: Series[str] = pa.Field(nullable=True)
    country: Series[str] = pa.Field(nullable=True)
    email: Series[str] = pa.Field(nullable=True)


def source_spec(**overrides: object) -> SourceSpec:
    """The benchmark source: append mode, a generous budget so bad rows are quarantined."""
    values = {
        "name": "bench_events",
        "schema_model": "csv_assets_support.workload:BenchEvents",
        "max_rejected_fraction": 0.05,
        "chunk_rows": 100_000,
        **overrides,
    }
    return SourceSpec.model_validate(values)


def csv_file(rows: int, bad_fraction: float = 0.0) -> Path:
    """Return the cached benchmark file of ``rows`` rows, writing it on first use."""
    DATA_DIR.mkdir(exist_ok=True)
    suffix = f"_bad{bad_fraction:g}" if bad_fraction else ""
    path = DATA_DIR / f"events_{rows}{suffix}.csv"
    if not path.exists():
        partial = path.with_suffix(".part")
        _write(partial, rows, bad_fraction)
        partial.rename(path)
    return path


def _write(path: Path, rows: int, bad_fraction: float) -> None:
    rng = random.Random(20261123)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(1, rows + 1):
            at = start + timedelta(seconds=i * 7 + rng.randrange(5))
            comment = "" if rng.random() < 0.3 else " ".join(rng.sample(WORDS, 4))
            record = [
                i,
                rng.randrange(1, 200_000),
                at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                at.strftime("%Y-%m-%d"),
                rng.choice(CHANNELS),
                f"{rng.randrange(0, 10_000_000) / 100:.2f}",
                "" if rng.random() < 0.1 else f"{rng.random() * 0.5:.4f}",
                rng.randrange(1, 50),
                rng.random() < 0.05,
                comment,
                rng.choice(COUNTRIES),
                f"user{rng.randrange(1_000_000)}@example.com",
            ]
            if bad_fraction and rng.random() < bad_fraction:
                column, value = rng.choice(BAD_CELLS)
                record[HEADER.index(column)] = value
            writer.writerow(record)
