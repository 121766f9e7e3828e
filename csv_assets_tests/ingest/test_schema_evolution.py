"""A feed that changes, under the source's ``schema_evolution``, on SQLite and PostgreSQL."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec, load_catalog
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.load import ledger
from csv_assets_support import warehouse_sql
from csv_assets_support.warehouse_sql import as_text

COLUMNS = ("line_id", "count", "price", "shipped", "note")


def counts(**evolution: object) -> SourceSpec:
    """The ``counts`` source, with a ``schema_evolution`` block if given."""
    values = {"name": "counts", "schema_model": "csv_assets_tests.models:Counts"}
    return SourceSpec.model_validate({**values, "schema_evolution": evolution})


def write(tmp_path: Path, name: str, header: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def rows(engine: sa.Engine, columns: str = "line_id, count, price, shipped, note") -> list:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(f"SELECT {columns} FROM counts ORDER BY 1"))]


def test_a_missing_nullable_column_loads_as_null_when_the_source_says_so(tmp_path, engine):
    path = write(tmp_path, "a.csv", "line_id,count,price,shipped", "1,3,1.50,2026-11-02")

    Ingestor(engine, "r1").load_file(counts(missing_column="null"), path, "a")

    assert rows(engine, "line_id, count, note") == [(1, 3, None)]


def test_a_missing_column_rejects_the_file_by_default_saying_how_to_load_it(tmp_path, engine):
    path = write(tmp_path, "a.csv", "line_id,count,price,shipped", "1,3,1.50,2026-11-02")

    with pytest.raises(BadFileError) as caught:
        Ingestor(engine, "r1").load_file(counts(), path, "a")

    assert (caught.value.rule, caught.value.column) == ("missing_column", "note")
    assert "schema_evolution: {missing_column: null}" in str(caught.value)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ledger)).scalar() == 0


def test_a_missing_column_that_may_not_be_null_rejects_the_file_under_null(tmp_path, engine):
    path = write(tmp_path, "a.csv", "line_id,price,shipped,note", "1,1.50,2026-11-02,x")

    with pytest.raises(BadFileError) as caught:
        Ingestor(engine, "r1").load_file(counts(missing_column="null"), path, "a")

    assert (caught.value.rule, caught.value.column) == ("missing_column", "count")
    assert "missing_column: null" not in str(caught.value)


def test_missing_column_null_written_in_yaml_is_the_null_mode(tmp_path):
    path = tmp_path / "counts" / "defs.yaml"
    path.parent.mkdir()
    path.write_text(
        "type: csv_assets.components.CsvSource\nattributes:\n  name: counts\n"
        "  schema_model: csv_assets_tests.models:Counts\n"
        "  schema_evolution:\n    missing_column: null\n"
    )

    assert load_catalog(tmp_path)["counts"].schema_evolution.missing_column == "null"


def test_an_unknown_mode_is_refused_naming_the_field():
    with pytest.raises(ValueError, match=r"schema_evolution\.data_type"):
        counts(data_type="guess")


HEADER = "line_id,count,price,shipped,note"


def column_type(engine: sa.Engine, column: str) -> str:
    """The column's type as the database's own catalog has it (no spaces)."""
    return warehouse_sql.column_type(engine, "counts", column)


def history(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as conn:
        found = conn.execute(
            sa.text(
                "SELECT column_name, old_type, new_type, file_name FROM csv_assets_schema_history "
                "ORDER BY id"
            )
        )
        return [tuple(r) for r in found]


def texts(engine: sa.Engine, column: str) -> list[str | None]:
    """The column's values as text, as the database stores them (exact, or not)."""
    with engine.connect() as conn:
        query = sa.select(as_text(column)).select_from(sa.table("counts"))
        return list(conn.execute(query.order_by(sa.column("line_id"))).scalars())


def test_an_integer_column_receiving_a_fraction_widens_to_an_exact_decimal(tmp_path, engine):
    source = counts(data_type="widen")
    first = write(tmp_path, "a.csv", HEADER, "1,3,1.50,2026-11-02,", "2,12345678901234567,,,")
    second = write(tmp_path, "b.csv", HEADER, "3,2.5,1.50,2026-11-03,")
    third = write(tmp_path, "c.csv", HEADER, "4,4,1.50,2026-11-04,")

    Ingestor(engine, "r1").load_file(source, first, "a")
    report = Ingestor(engine, "r2").load_file(source, second, "b")
    later = Ingestor(engine, "r3").load_file(source, third, "c")

    assert [c.detail for c in report.widened] == ["count: BIGINT -> NUMERIC(19,1)"]
    assert (report.rows_loaded, report.rows_rejected, later.widened) == (1, 0, ())
    decimal = "DECIMAL_TEXT(19,1)" if engine.dialect.name == "sqlite" else "NUMERIC(19,1)"
    assert column_type(engine, "count") == decimal
    assert texts(engine, "count") == ["3.0", "12345678901234567.0", "2.5", "4.0"]
    assert history(engine) == [("count", "BIGINT", "NUMERIC(19,1)", "b.csv")]
    assert [c.sql_type for c in later.columns if c.name == "count"] == ["NUMERIC(19,1)"]


def test_a_column_widened_in_a_later_chunk_loads_every_chunk_after_it(tmp_path, engine):
    # Chunks of 2 rows: the next chunk is read and checked ahead under the old column type,
    # and must be checked again once the column is wider (or its fraction would be refused).
    source = counts(data_type="widen").model_copy(update={"chunk_rows": 2})
    lines = [f"{n},{n},,," for n in range(1, 5)] + ["5,5.5,,,", "6,6.5,,,", "7,7.25,,,"]
    path = write(tmp_path, "a.csv", HEADER, *lines, *(f"{n},{n},,," for n in range(8, 12)))

    report = Ingestor(engine, "r1").load_file(source, path, "a")

    assert (report.rows_loaded, report.rows_rejected) == (11, 0)
    assert [c.detail for c in report.widened] == [
        "count: BIGINT -> NUMERIC(19,1)",
        "count: NUMERIC(19,1) -> NUMERIC(20,2)",
    ]
    assert texts(engine, "count") == [
        *(f"{n}.00" for n in range(1, 5)),
        "5.50",
        "6.50",
        "7.25",
        *(f"{n}.00" for n in range(8, 12)),
    ]


def test_a_misfit_value_is_still_quarantined_by_default(tmp_path, engine):
    path = write(tmp_path, "a.csv", HEADER, "1,3,,,", "2,2.5,,,")

    with pytest.raises(BadFileError, match="over the error budget"):
        Ingestor(engine, "r1").load_file(counts(), path, "a")

    source = counts().model_copy(update={"max_rejected_rows": 1})
    report = Ingestor(engine, "r2").load_file(source, path, "a")
    assert (report.rows_loaded, report.rows_rejected, report.widened) == (1, 1, ())
    assert column_type(engine, "count") == "BIGINT"


def test_more_decimal_digits_and_a_date_with_a_time_widen_in_one_delivery(tmp_path, engine):
    source = counts(data_type="widen")
    Ingestor(engine, "r1").load_file(
        source, write(tmp_path, "a.csv", HEADER, "1,3,1.50,2026-11-02,"), "a"
    )
    rows_b = ("2,4,123456789.125,2026-11-03 10:30:00,", "3,5,0.5,2026-11-04,")

    report = Ingestor(engine, "r2").load_file(
        source, write(tmp_path, "b.csv", HEADER, *rows_b), "b"
    )

    assert sorted(c.detail for c in report.widened) == [
        "price: NUMERIC(8,2) -> NUMERIC(12,3)",
        "shipped: DATE -> TIMESTAMP",
    ]
    assert texts(engine, "price") == ["1.500", "123456789.125", "0.500"]
    with engine.connect() as conn:
        shipped = conn.execute(sa.text("SELECT shipped FROM counts ORDER BY line_id")).scalars()
        assert [str(s)[:19] for s in shipped] == [
            "2026-11-02 00:00:00",
            "2026-11-03 10:30:00",
            "2026-11-04 00:00:00",
        ]


def test_text_is_a_widening_only_where_the_source_allows_it(tmp_path, engine):
    path = write(tmp_path, "a.csv", HEADER, "1,3,,,", "2,4,,soon,")
    budget = {"max_rejected_rows": 5}

    strict = counts(data_type="widen").model_copy(update=budget)
    report = Ingestor(engine, "r1").load_file(strict, path, "a")
    assert (report.rows_rejected, report.widened) == (1, ())

    loose = counts(data_type="widen", widen_to_text=True).model_copy(update=budget)
    again = Ingestor(engine, "r2").load_file(loose, path, "a", reload=True)
    assert [c.detail for c in again.widened] == ["shipped: DATE -> TEXT"]
    assert (again.rows_loaded, again.rows_rejected) == (2, 0)
    assert texts(engine, "shipped") == [None, "soon"]


def test_a_checked_column_never_becomes_text(tmp_path, engine):
    path = write(tmp_path, "a.csv", HEADER, "1,3,,,", "2,many,,,")
    source = counts(data_type="widen", widen_to_text=True)

    report = Ingestor(engine, "r1").load_file(
        source.model_copy(update={"max_rejected_rows": 1}), path, "a"
    )

    assert (report.rows_rejected, report.widened) == (1, ())
    assert report.failures.by_rule == {"count__type": 1}


@pytest.mark.parametrize("mode", ["replace", "upsert"])
def test_widening_composes_with_replace_and_upsert(tmp_path, engine, mode):
    values = {"data_type": "widen"}
    source = counts(**values).model_copy(update={"load_mode": mode, "key_columns": ["line_id"]})
    Ingestor(engine, "r1").load_file(
        source, write(tmp_path, "a.csv", HEADER, "1,3,,,", "2,4,,,"), "a"
    )

    Ingestor(engine, "r2").load_file(source, write(tmp_path, "b.csv", HEADER, "2,4.5,,,"), "b")

    expected = ["4.5"] if mode == "replace" else ["3.0", "4.5"]
    assert texts(engine, "count") == expected
