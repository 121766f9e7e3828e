"""Target tables store every value exactly as read, on SQLite and PostgreSQL."""

from decimal import Decimal

import sqlalchemy as sa

from csv_assets.ingest import SourceSpec, load_path
from csv_assets.pipeline.load import decimal_type, existing_kinds

AMOUNTS = SourceSpec(name="amounts", schema_model="csv_assets_tests.models:Amounts")
WRITTEN = ["0.10", "0.20", "129.00", "-7.05", "1234567890123456.78", "9999999999999999.99", ""]


def load_amounts(tmp_path, engine) -> None:
    path = tmp_path / "amounts.csv"
    path.write_text("line_id,amount\n" + "".join(f"{i},{v}\n" for i, v in enumerate(WRITTEN, 1)))
    report = load_path(AMOUNTS, path, "amounts.csv@1", engine, "test")
    assert report.rows_loaded == len(WRITTEN)


def test_decimals_round_trip_exactly_at_their_precision(tmp_path, engine):
    load_amounts(tmp_path, engine)

    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT amount FROM amounts ORDER BY line_id")).scalars()
        raw = [None if value is None else str(value) for value in stored]
        amounts = sa.Table("amounts", sa.MetaData(), sa.Column("amount", decimal_type(18, 2)))
        typed = conn.execute(sa.select(amounts.c.amount)).scalars().all()

    assert raw == [*WRITTEN[:-1], None]
    assert [v for v in typed if v is not None] == [Decimal(v) for v in WRITTEN[:-1]]


def test_a_decimal_column_is_known_as_decimal_after_the_load(tmp_path, engine):
    load_amounts(tmp_path, engine)

    with engine.connect() as conn:
        assert existing_kinds(conn, "amounts")["amount"] == "decimal"


LEGACY = (
    "CREATE TABLE readings (reading_id BIGINT NOT NULL, site TEXT NOT NULL, "
    "value {decimal} NOT NULL, taken_at {timestamp} NOT NULL, _source_file TEXT NOT NULL, "
    "_source_sha256 VARCHAR(64) NOT NULL, _source_line BIGINT NOT NULL)"
)


def test_a_table_made_before_delivery_ids_keeps_its_lineage_columns(tmp_path, engine):
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            LEGACY.format(
                decimal="NUMERIC(8, 2)" if postgres else "DECIMAL_TEXT(8, 2)",
                timestamp="TIMESTAMPTZ" if postgres else "DATETIME",
            )
        )
    source = SourceSpec(
        name="readings",
        schema_model="csv_assets_tests.models:Readings",
        key_columns=["reading_id"],
        max_rejected_rows=5,
    )
    path = tmp_path / "readings.csv"
    path.write_text(
        "reading_id,site,value,taken_at\n"
        "1,north,1.50,2026-11-01T10:00:00Z\n"
        "2,south,2.50,2026-11-01T11:00:00Z\n"
        "2,east,3.50,2026-11-01T12:00:00Z\n"
    )

    first = load_path(source, path, "readings.csv@1", engine, "test")
    again = load_path(source, path, "readings.csv@1", engine, "test", reload=True)

    assert (first.rows_loaded, first.rows_rejected) == (1, 2)  # key 2 repeats: both held
    assert (again.rows_loaded, again.rows_replaced) == (1, 1)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT reading_id, _source_file, _source_sha256, _source_line FROM readings")
        ).all()
    assert [tuple(r) for r in rows] == [(1, "readings.csv", first.sha256, 2)]
