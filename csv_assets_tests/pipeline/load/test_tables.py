"""Target tables store every value exactly as read, on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import LoadError
from csv_assets.pipeline.load import decimal_type, existing_columns

AMOUNTS = SourceSpec(name="amounts", schema_model="csv_assets_tests.models:Amounts")
WRITTEN = ["0.10", "0.20", "129.00", "-7.05", "1234567890123456.78", "9999999999999999.99", ""]


def load_amounts(tmp_path, engine) -> None:
    path = tmp_path / "amounts.csv"
    path.write_text("line_id,amount\n" + "".join(f"{i},{v}\n" for i, v in enumerate(WRITTEN, 1)))
    report = Ingestor(engine, "test").load_file(AMOUNTS, path, "amounts.csv@1")
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
        assert existing_columns(conn, "amounts")["amount"].kind == "decimal"


FIRST_RELEASE = (
    "CREATE TABLE readings (reading_id BIGINT NOT NULL, site TEXT NOT NULL, "
    "value {decimal} NOT NULL, taken_at {timestamp} NOT NULL, _source_file TEXT NOT NULL, "
    "_source_sha256 VARCHAR(64) NOT NULL, _source_line BIGINT NOT NULL)"
)


def test_a_table_made_before_delivery_ids_is_refused_naming_what_it_lacks(tmp_path, engine):
    name = engine.dialect.name
    with engine.begin() as conn:
        conn.exec_driver_sql(
            FIRST_RELEASE.format(
                decimal="DECIMAL_TEXT(8, 2)" if name == "sqlite" else "NUMERIC(8, 2)",
                timestamp="TIMESTAMPTZ" if name in ("postgresql", "duckdb") else "DATETIME",
            )
        )
    source = SourceSpec(name="readings", schema_model="csv_assets_tests.models:Readings")
    path = tmp_path / "readings.csv"
    path.write_text("reading_id,site,value,taken_at\n1,north,1.50,2026-11-01T10:00:00Z\n")

    with pytest.raises(LoadError, match=r"exists without column\(s\) \['_delivery_id'\]"):
        Ingestor(engine, "test").load_file(source, path, "readings")

    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM readings")).scalar_one() == 0
