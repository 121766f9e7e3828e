"""The bulk writers store every kind exactly, on SQLite and on PostgreSQL (binary and text COPY)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.load import decimal_type

LONG = "x" * 100_000 + " é€😀"
HEADER = "row_id,big,ratio,price,flag,day,seen,at,note\n"
ROWS = (
    "1,123456789012345678,0.1,12345678901234.123456,true,2026-11-30,2026-11-30 23:59:59.123456,"
    '2026-11-30T22:00:00+01:00,"He said ""hi"", then left"\n'
    '2,,,,,,,,""\n'
    "3,-5,-1e-300,-0.000001,no,0001-01-01,1969-12-31 23:59:59,1900-01-01T00:00:00Z,"
    '"line one\nline two"\n'
    f"4,0,0,0,false,2000-02-29,2000-02-29 00:00:00,2000-02-29T00:00:00Z,{LONG}\n"
    "5,,,,,,,,NA\n"
)
EXPECTED = [
    (
        1,
        123456789012345678,
        0.1,
        Decimal("12345678901234.123456"),
        True,
        date(2026, 11, 30),
        datetime(2026, 11, 30, 23, 59, 59, 123456),
        datetime(2026, 11, 30, 21, 0),
        'He said "hi", then left',
    ),
    (2, None, None, None, None, None, None, None, None),
    (
        3,
        -5,
        -1e-300,
        Decimal("-0.000001"),
        False,
        date(1, 1, 1),
        datetime(1969, 12, 31, 23, 59, 59),
        datetime(1900, 1, 1),
        "line one\nline two",
    ),
    (
        4,
        0,
        0.0,
        Decimal("0"),
        False,
        date(2000, 2, 29),
        datetime(2000, 2, 29),
        datetime(2000, 2, 29),
        LONG,
    ),
    (5, None, None, None, None, None, None, None, "NA"),
]
"""What the rows read back as (``at`` in UTC, without its zone): an empty cell is NULL, quoted or
not, and ``NA`` stays text in a text column."""


def every_kind(table: str) -> SourceSpec:
    return SourceSpec(name=table, table=table, schema_model="csv_assets_tests.models:EveryKind")


def stored(engine: sa.Engine, name: str) -> list[tuple]:
    """The table's rows as the warehouse types read them, ``at`` as naive UTC."""
    table = sa.Table(
        name,
        sa.MetaData(),
        sa.Column("row_id", sa.BigInteger),
        sa.Column("big", sa.BigInteger),
        sa.Column("ratio", sa.Double),
        sa.Column("price", decimal_type(20, 6)),
        sa.Column("flag", sa.Boolean),
        sa.Column("day", sa.Date),
        sa.Column("seen", sa.DateTime),
        sa.Column("at", sa.DateTime(timezone=True)),
        sa.Column("note", sa.Text),
    )
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.row_id)).all()
    return [(*row[:7], _naive_utc(row[7]), row[8]) for row in rows]


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def load(tmp_path: Path, engine: sa.Engine, table: str, content: str = ROWS) -> int:
    path = tmp_path / f"{table}.csv"
    path.write_text(HEADER + content, encoding="utf-8", newline="")
    report = Ingestor(engine, "test").load_file(every_kind(table), path, f"{path.name}@1")
    assert report.rows_rejected == 0, report.failures.samples
    return report.rows_loaded


def test_every_kind_is_stored_exactly(tmp_path, engine):
    assert load(tmp_path, engine, "every_kind") == len(EXPECTED)

    assert stored(engine, "every_kind") == EXPECTED


def test_binary_and_text_copy_store_the_same_values(tmp_path, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    with engine.begin() as conn:
        # A column type binary COPY cannot carry sends this table's loads the text way.
        conn.exec_driver_sql(
            "CREATE TABLE every_text (row_id BIGINT NOT NULL, big BIGINT, ratio DOUBLE "
            "PRECISION, price NUMERIC(20, 6), flag BOOLEAN, day DATE, seen TIMESTAMP, "
            "at TIMESTAMPTZ, note TEXT, _delivery_id BIGINT NOT NULL, _source_line BIGINT "
            "NOT NULL, spare JSONB)"
        )

    load(tmp_path, engine, "every_binary")
    load(tmp_path, engine, "every_text")

    assert stored(engine, "every_binary") == stored(engine, "every_text") == EXPECTED
    with engine.connect() as conn:
        as_text = [
            conn.execute(
                sa.text(
                    f"SELECT string_agg(t::text, '|' ORDER BY row_id) FROM (SELECT row_id, "
                    f"big, ratio, price, flag, day, seen, at, note FROM {name}) t"
                )
            ).scalar_one()
            for name in ("every_binary", "every_text")
        ]
    assert as_text[0] == as_text[1]


def test_a_table_of_narrower_types_gets_values_of_its_width(tmp_path, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's integers have one width")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE every_narrow (row_id INTEGER NOT NULL, big BIGINT, ratio REAL, "
            "price NUMERIC(20, 6), flag BOOLEAN, day DATE, seen TIMESTAMP, at TIMESTAMPTZ, "
            "note VARCHAR(200000), _delivery_id BIGINT NOT NULL, _source_line SMALLINT NOT NULL)"
        )

    load(tmp_path, engine, "every_narrow")

    rows = stored(engine, "every_narrow")
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0][2] == pytest.approx(0.1) and rows[0][3:] == EXPECTED[0][3:]


def test_an_append_reload_replaces_exactly_its_rows(tmp_path, engine):
    load(tmp_path, engine, "every_kind")
    other = tmp_path / "other.csv"
    other.write_text(
        HEADER + "9,1,1,1,true,2026-01-01,2026-01-01 00:00:00,2026-01-01T00:00:00Z,x\n"
    )
    Ingestor(engine, "test").load_file(every_kind("every_kind"), other, "other.csv@1")
    path = tmp_path / "every_kind.csv"

    report = Ingestor(engine, "r").load_file(
        every_kind("every_kind"), path, f"{path.name}@1", reload=True
    )

    assert (report.rows_loaded, report.rows_replaced) == (len(EXPECTED), len(EXPECTED))
    assert stored(engine, "every_kind")[:-1] == EXPECTED
    with engine.connect() as conn:
        per_file = conn.execute(
            sa.text(
                "SELECT l.file_name, count(*) FROM every_kind t JOIN csv_assets_ledger l "
                "ON l.delivery_id = t._delivery_id GROUP BY 1 ORDER BY 1"
            )
        ).all()
    assert [tuple(r) for r in per_file] == [("every_kind.csv", len(EXPECTED)), ("other.csv", 1)]
