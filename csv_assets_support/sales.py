"""The sales workload: a deterministic 13-column order-lines CSV, the shape partners export.

Integers, a date, a naive timestamp, decimals (two with nulls), a nullable boolean and quoted
free text with embedded quotes and commas; its contract and the floor's table.
"""

from __future__ import annotations

import csv
import gzip
import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from csv_assets.catalog import SourceSpec

DATA_DIR = Path(__file__).parent / ".data"
HEADER = [
    "order_id",
    "line_no",
    "order_date",
    "shipped_at",
    "customer_id",
    "sku",
    "quantity",
    "unit_price",
    "discount",
    "tax",
    "gift_wrap",
    "note",
    "store",
]
FLOOR_DDL = """CREATE TABLE {name} (
    order_id BIGINT, line_no BIGINT, order_date DATE, shipped_at TIMESTAMP, customer_id BIGINT,
    sku TEXT, quantity BIGINT, unit_price NUMERIC(12,2), discount NUMERIC(6,4),
    tax NUMERIC(12,2), gift_wrap BOOLEAN, note TEXT, store TEXT)"""
STORES = ["Berlin Mitte", "Hamburg", "München", "Köln", "Online", "Wien", "Zürich"]
NOTES = [
    "",
    "leave at the door",
    'ask for "Anna", ring twice',
    "fragile, handle with care",
    'size "L", not "XL"',
    "gift, no invoice in the box",
]


class SalesLines(pa.DataFrameModel):
    """One order line."""

    order_id: Series[int] = pa.Field(ge=1, description="Order number.")
    line_no: Series[int] = pa.Field(ge=1, le=99, description="Line within the order.")
    order_date: Series[pa.dtypes.Date] = pa.Field(description="Booking day.")
    shipped_at: Series[pd.Timestamp] = pa.Field(nullable=True, description="Local time.")
    customer_id: Series[int] = pa.Field(ge=1, description="Customer.")
    sku: Series[str] = pa.Field(str_matches=r"^[A-Z]{3}-\d{5}$", description="Article.")
    quantity: Series[int] = pa.Field(ge=1, le=500, description="Units.")
    unit_price: Series[pa.dtypes.Decimal] = pa.Field(
        ge=0, dtype_kwargs={"precision": 12, "scale": 2}, description="Price per unit."
    )
    discount: Series[pa.dtypes.Decimal] = pa.Field(
        nullable=True, ge=0, le=1, dtype_kwargs={"precision": 6, "scale": 4}
    )
    tax: Series[pa.dtypes.Decimal] = pa.Field(
        nullable=True, dtype_kwargs={"precision": 12, "scale": 2}, description="VAT."
    )
    gift_wrap: Series[bool] = pa.Field(nullable=True, description="Wrapped, if known.")
    note: Series[str] = pa.Field(nullable=True, description="Free text, quotes and commas.")
    store: Series[str] = pa.Field(isin=STORES, description="Where it was sold.")

    class Config:
        strict = True


def source_spec() -> SourceSpec:
    """The sales source: append mode, a generous budget."""
    return SourceSpec.model_validate(
        {
            "name": "bench_sales",
            "schema_model": "csv_assets_support.sales:SalesLines",
            "max_rejected_fraction": 0.05,
            "chunk_rows": 100_000,
        }
    )


def csv_file(rows: int, *, packed: bool = False) -> Path:
    """Return the cached sales file of ``rows`` rows (gzip if ``packed``), writing it once."""
    DATA_DIR.mkdir(exist_ok=True)
    path = DATA_DIR / f"sales_{rows}.csv"
    if not path.exists():
        partial = path.with_suffix(".part")
        _write(partial, rows)
        partial.rename(path)
    if not packed:
        return path
    gz = path.with_name(path.name + ".gz")
    if not gz.exists():
        partial = gz.with_suffix(".part")
        with path.open("rb") as plain, gzip.open(partial, "wb", compresslevel=6) as out:
            shutil.copyfileobj(plain, out, 1 << 20)
        partial.rename(gz)
    return gz


def _write(path: Path, rows: int) -> None:
    rng = random.Random(20261201)
    start = datetime(2026, 1, 1, 8, 0)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        order, line = 1, 0
        for i in range(rows):
            line += 1
            if line > rng.randrange(1, 6):
                order, line = order + 1, 1
            booked = start + timedelta(minutes=i // 3)
            shipped = "" if rng.random() < 0.2 else booked + timedelta(hours=rng.randrange(2, 72))
            writer.writerow(
                [
                    order,
                    line,
                    booked.strftime("%Y-%m-%d"),
                    shipped if shipped == "" else shipped.strftime("%Y-%m-%d %H:%M:%S"),
                    rng.randrange(1, 500_000),
                    f"{rng.choice('ABCDEFGH')}{rng.choice('KLMN')}{rng.choice('XYZ')}-"
                    f"{rng.randrange(100_000):05d}",
                    rng.randrange(1, 20),
                    f"{rng.randrange(50, 500_000) / 100:.2f}",
                    "" if rng.random() < 0.6 else f"{rng.choice((5, 10, 15, 25)) / 100:.4f}",
                    "" if rng.random() < 0.1 else f"{rng.randrange(0, 90_000) / 100:.2f}",
                    "" if rng.random() < 0.3 else ("true" if rng.random() < 0.2 else "false"),
                    rng.choice(NOTES),
                    rng.choice(STORES),
                ]
            )
