"""A feed that changes, under the source's ``schema_evolution``, on SQLite and PostgreSQL."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.load import ledger

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


def test_an_unknown_mode_is_refused_naming_the_field():
    with pytest.raises(ValueError, match=r"schema_evolution\.data_type"):
        counts(data_type="guess")
