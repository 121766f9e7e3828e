"""Load modes, atomicity, schema evolution and key uniqueness, on SQLite and PostgreSQL."""

import threading
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import BadFileError, LoadError
from csv_assets.pipeline.load import decimal_type, ledger, quarantine

HEADER = "reading_id,site,value,taken_at\n"


def spec(**overrides) -> SourceSpec:
    values = {"name": "readings", "schema_model": "csv_assets_tests.models:Readings"}
    return SourceSpec.model_validate({**values, **overrides})


def readings(tmp_path: Path, name: str, rows: list[tuple], extra: str = "") -> Path:
    path = tmp_path / name
    header = HEADER if not extra else HEADER.rstrip("\n") + f",{extra}\n"
    body = "".join(",".join(str(v) for v in row) + "\n" for row in rows)
    path.write_text(header + body)
    return path


def row(i: int, value: str = "1.50", site: str = "north") -> tuple:
    return (i, site, value, f"2026-11-0{1 + i % 9}T10:00:00Z")


def table_rows(engine: sa.Engine, order: str = "reading_id") -> list[tuple]:
    with engine.connect() as conn:
        query = sa.text(
            "SELECT reading_id, value, l.file_name FROM readings "
            f"JOIN csv_assets_ledger l ON l.delivery_id = _delivery_id ORDER BY {order}"
        )
        result = conn.execute(query.columns(value=decimal_type(8, 2)))
        return [tuple(r) for r in result]


def count(engine: sa.Engine, table: sa.Table | str) -> int:
    target = sa.table(table) if isinstance(table, str) else table
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(target)).scalar_one()


def test_upsert_replaces_rows_by_key_and_last_file_wins(tmp_path, engine):
    source = spec(load_mode="upsert", key_columns=["reading_id"])
    first = readings(tmp_path, "a.csv", [row(1), row(2), row(3)])
    second = readings(tmp_path, "b.csv", [row(2, "9.00"), row(4, "4.00")])

    Ingestor(engine, "r1").load_file(source, first, "a.csv@1")
    report = Ingestor(engine, "r2").load_file(source, second, "b.csv@2")

    assert (report.rows_loaded, report.rows_replaced, report.table_rows) == (2, 1, 4)
    assert table_rows(engine) == [
        (1, Decimal("1.50"), "a.csv"),
        (2, Decimal("9.00"), "b.csv"),
        (3, Decimal("1.50"), "a.csv"),
        (4, Decimal("4.00"), "b.csv"),
    ]


def test_upsert_needs_key_columns():
    with pytest.raises(ValueError, match="upsert needs key_columns"):
        spec(load_mode="upsert")


def test_replace_swaps_the_whole_table(tmp_path, engine):
    source = spec(load_mode="replace")
    Ingestor(engine, "r1").load_file(
        source, readings(tmp_path, "a.csv", [row(1), row(2)]), "a.csv@1"
    )

    report = Ingestor(engine, "r2").load_file(
        source, readings(tmp_path, "b.csv", [row(7)]), "b.csv@2"
    )

    assert (report.rows_replaced, report.table_rows) == (2, 1)
    assert table_rows(engine) == [(7, Decimal("1.50"), "b.csv")]


def test_a_concurrent_reader_sees_the_old_table_or_the_new_never_half(tmp_path, database_url):
    from csv_assets.ingest import create_warehouse_engine

    source = spec(load_mode="replace", chunk_rows=500)
    writer = create_warehouse_engine(database_url)
    reader = create_warehouse_engine(database_url)
    old = readings(tmp_path, "old.csv", [row(i) for i in range(1, 3001)])
    new = readings(tmp_path, "new.csv", [row(i) for i in range(1, 5001)])
    Ingestor(writer, "r1").load_file(source, old, "old.csv@1")
    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.add(count(reader, "readings"))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        Ingestor(writer, "r2").load_file(source, new, "new.csv@2")
    finally:
        done.set()
        watcher.join()
        writer.dispose()
    seen.add(count(reader, "readings"))
    reader.dispose()

    assert seen <= {3000, 5000} and 5000 in seen


def test_a_database_failure_mid_load_leaves_everything_as_it_was(tmp_path, engine):
    source = spec(chunk_rows=100)
    Ingestor(engine, "r1").load_file(source, readings(tmp_path, "a.csv", [row(1)]), "a.csv@1")
    with engine.begin() as conn:  # a constraint only the database knows, broken in chunk 3
        if engine.dialect.name == "postgresql":
            conn.execute(
                sa.text("ALTER TABLE readings ADD CONSTRAINT few CHECK (reading_id < 250)")
            )
        else:
            conn.execute(sa.text("CREATE UNIQUE INDEX few ON readings (reading_id)"))
    rows = [row(i) for i in range(2, 300)]
    if engine.dialect.name != "postgresql":
        rows.append(row(1))  # duplicates the first file's row: the unique index refuses it
    before = (table_rows(engine), count(engine, ledger), count(engine, quarantine))

    with pytest.raises(LoadError, match="nothing was committed"):
        Ingestor(engine, "r2").load_file(source, readings(tmp_path, "b.csv", rows), "b.csv@2")

    assert (table_rows(engine), count(engine, ledger), count(engine, quarantine)) == before


def test_a_file_over_budget_loads_nothing(tmp_path, engine):
    source = spec(max_rejected_rows=1)
    Ingestor(engine, "r1").load_file(source, readings(tmp_path, "a.csv", [row(1)]), "a.csv@1")
    bad = [row(2), row(3, "-1"), row(4, site="west"), row(5)]

    with pytest.raises(BadFileError, match="over the error budget"):
        Ingestor(engine, "r2").load_file(source, readings(tmp_path, "b.csv", bad), "b.csv@2")

    assert table_rows(engine) == [(1, Decimal("1.50"), "a.csv")]
    assert count(engine, quarantine) == 0


def test_a_new_column_is_added_to_the_table_when_the_source_says_so(tmp_path, engine):
    source = spec(schema_evolution={"new_column": "add"})
    Ingestor(engine, "r1").load_file(source, readings(tmp_path, "a.csv", [row(1)]), "a.csv@1")
    second = readings(tmp_path, "b.csv", [(*row(2), "7"), (*row(3), "8")], extra="Meter No")

    report = Ingestor(engine, "r2").load_file(source, second, "b.csv@2")

    assert report.added_columns == ("meter_no",)
    with engine.connect() as conn:
        values = conn.execute(sa.text("SELECT meter_no FROM readings ORDER BY reading_id"))
        assert [v for (v,) in values] == [None, 7, 8]


def test_a_new_column_fails_the_file_by_default_naming_it(tmp_path, engine):
    second = readings(tmp_path, "b.csv", [(*row(2), "7")], extra="meter_no")

    with pytest.raises(BadFileError) as caught:
        Ingestor(engine, "r2").load_file(spec(), second, "b.csv@2")

    assert (caught.value.rule, caught.value.column, caught.value.line) == (
        "unexpected_column",
        "meter_no",
        1,
    )


def test_a_key_repeated_across_chunks_is_quarantined_not_loaded_twice(tmp_path, engine):
    source = spec(key_columns=["reading_id"], chunk_rows=100, max_rejected_rows=10)
    rows = [row(i) for i in range(1, 251)]
    rows.insert(180, row(20, "3.00"))  # line 182 repeats the key of line 21, another chunk

    report = Ingestor(engine, "r1").load_file(source, readings(tmp_path, "a.csv", rows), "a.csv@1")

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (251, 249, 2)
    with engine.connect() as conn:
        held = conn.execute(sa.select(quarantine.c.line, quarantine.c.rule).order_by("line"))
        assert [tuple(r) for r in held] == [(21, "unique_key"), (182, "unique_key")]


def test_a_ragged_row_switches_to_the_exact_reader_and_keeps_line_numbers(tmp_path, engine):
    path = tmp_path / "a.csv"
    path.write_text(
        HEADER + "1,north,1.00,2026-11-01T00:00:00Z\n2,south\n3,east,3.00,2026-11-01T00:00:00Z\n"
    )

    report = Ingestor(engine, "r1").load_file(spec(max_rejected_rows=1), path, "a.csv@1")

    assert (report.rows_loaded, report.rows_rejected) == (2, 1)
    with engine.connect() as conn:
        lines = conn.execute(sa.text("SELECT _source_line FROM readings ORDER BY 1")).scalars()
        assert list(lines) == [2, 4]
        assert conn.execute(sa.select(quarantine.c.line, quarantine.c.rule)).one() == (
            3,
            "ragged_row",
        )


def test_compressed_drops_load_like_plain_ones(tmp_path, engine):
    import gzip

    plain = readings(tmp_path, "a.csv", [row(1), row(2)])
    packed = tmp_path / "a.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))

    report = Ingestor(engine, "r1").load_file(spec(), packed, "a.csv.gz@1")

    assert report.rows_loaded == 2
