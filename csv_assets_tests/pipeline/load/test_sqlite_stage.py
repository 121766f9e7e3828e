"""SQLite's staged bulk path: ADBC and sqlite3 never hold one file at once, and nothing stays."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy as sa

from csv_assets.ingest import Ingestor, create_warehouse_engine
from csv_assets.pipeline.load import Lineage, sqlite_stage
from csv_assets.pipeline.load.sqlite_stage import STAGING_PREFIX, StagedWriter
from csv_assets.pipeline.validate import LINE
from csv_assets_tests.pipeline.load.test_write import EXPECTED, HEADER, ROWS, every_kind, stored

BAD_ROW = "6,not a number,,,,,,,\n"


def _open_paths() -> list[str]:
    """Every file this process has open, by its path."""
    paths = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            paths.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # closed meanwhile
            continue
    return paths


def _staging_files() -> list[Path]:
    return sorted(Path(tempfile.gettempdir()).glob(f"{STAGING_PREFIX}{os.getpid()}_*"))


@pytest.fixture
def warehouse(tmp_path: Path) -> sa.Engine:
    engine = create_warehouse_engine(f"sqlite:///{tmp_path / 'warehouse.db'}")
    yield engine
    engine.dispose()


def test_the_staging_file_is_closed_by_adbc_before_sqlite3_attaches_it(tmp_path, warehouse):
    seen: list[tuple[str, list[str]]] = []

    @sa.event.listens_for(warehouse, "before_cursor_execute")
    def _attaching(_conn, _cursor, statement, parameters, _context, _many):
        if statement.startswith("ATTACH"):
            staging = str(parameters[0])
            seen.append((staging, [p for p in _open_paths() if p == staging]))

    path = tmp_path / "kinds.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8", newline="")
    Ingestor(warehouse, "test").load_file(every_kind("kinds"), path, "kinds.csv@1")

    assert len(seen) == 1
    staging, holders = seen[0]
    assert Path(staging).name.startswith(STAGING_PREFIX)
    assert holders == []  # ADBC's connection is closed: only sqlite3 opens it, from here on
    assert stored(warehouse, "kinds") == EXPECTED
    assert not Path(staging).exists()


def test_no_staging_file_stays_attached_or_on_disk_after_a_load(tmp_path, warehouse):
    path = tmp_path / "kinds.csv"
    spec = every_kind("kinds").model_copy(update={"max_rejected_rows": 1})
    for content in (ROWS, ROWS + BAD_ROW):  # loaded, then a file with a row to quarantine
        path.write_text(HEADER + content, encoding="utf-8", newline="")
        Ingestor(warehouse, "test").load_file(spec, path, f"kinds.csv@{len(content)}")

    assert _staging_files() == []
    assert not any(Path(p).name.startswith(STAGING_PREFIX) for p in _open_paths())
    with warehouse.connect() as conn:
        schemas = [str(row[1]) for row in conn.exec_driver_sql("PRAGMA database_list")]
    assert not any(schema.startswith(STAGING_PREFIX) for schema in schemas)


def test_a_rejected_file_leaves_no_rows_and_no_staging_file(tmp_path, warehouse):
    path = tmp_path / "kinds.csv"
    path.write_text(HEADER + ROWS + BAD_ROW * 10, encoding="utf-8", newline="")
    spec = every_kind("kinds").model_copy(update={"max_rejected_rows": 0})
    with pytest.raises(Exception, match="rejected"):
        Ingestor(warehouse, "test").load_file(spec, path, "kinds.csv@1")

    assert _staging_files() == []
    with warehouse.connect() as conn:
        assert not sa.inspect(conn).has_table("kinds") or stored(warehouse, "kinds") == []


def test_a_dead_loaders_staging_file_is_swept_by_the_next_load(tmp_path, warehouse):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    left = Path(tempfile.gettempdir()) / f"{STAGING_PREFIX}{int(dead.stdout)}_x.db"
    left.write_bytes(b"")
    mine = Path(tempfile.gettempdir()) / f"{STAGING_PREFIX}{os.getppid()}_x.db"
    mine.write_bytes(b"")  # a live process's (pytest's parent): kept
    try:
        path = tmp_path / "kinds.csv"
        path.write_text(HEADER + ROWS, encoding="utf-8", newline="")
        Ingestor(warehouse, "test").load_file(every_kind("kinds"), path, "kinds.csv@1")

        assert not left.exists()
        assert mine.exists()
    finally:
        left.unlink(missing_ok=True)
        mine.unlink(missing_ok=True)


def test_past_the_attach_limit_rows_go_in_by_executemany(tmp_path, warehouse):
    table = sa.Table("t", sa.MetaData(), sa.Column("n", sa.BigInteger), *_lineage_columns())
    table.create(warehouse)
    with warehouse.begin() as conn:
        driver = conn.connection.dbapi_connection
        assert isinstance(driver, sqlite3.Connection)
        for i in range(driver.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED)):
            conn.exec_driver_sql(f"ATTACH DATABASE ? AS other_{i}", (str(tmp_path / f"{i}.db"),))
        writer = StagedWriter(conn, table, Lineage("t", "f.csv", "0" * 64, "k", "r", 7))
        writer.write(pa.table({"n": [1, 2, 3], LINE: [2, 3, 4]}))
        writer.finish()
        assert _staging_files() == []
    with warehouse.connect() as conn:
        assert conn.execute(sa.select(table.c.n).order_by(table.c.n)).scalars().all() == [1, 2, 3]


def _lineage_columns() -> list[sa.Column]:
    return [sa.Column("_delivery_id", sa.BigInteger), sa.Column("_source_line", sa.BigInteger)]


def test_a_big_file_is_copied_in_by_segments_each_row_once(tmp_path, warehouse, monkeypatch):
    # Segments of 2 rows, chunks of 3: a copy on every chunk until the attach slots run out.
    monkeypatch.setattr(sqlite_stage, "SEGMENT_ROWS", 2)
    lines = [f"{n},{n},,,,,,,\n" if n % 7 else f"{n},bad,,,,,,,\n" for n in range(1, 61)]
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8", newline="")
    spec = every_kind("many").model_copy(update={"chunk_rows": 3, "max_rejected_rows": 10})
    attached: list[str] = []

    @sa.event.listens_for(warehouse, "before_cursor_execute")
    def _attaching(_conn, _cursor, statement, parameters, _context, _many):
        if statement.startswith("ATTACH"):
            attached.append(str(parameters[0]))

    report = Ingestor(warehouse, "test").load_file(spec, path, "many.csv@1")

    with warehouse.connect() as conn:
        loaded = conn.exec_driver_sql("SELECT row_id FROM many ORDER BY row_id").scalars().all()
        held = conn.exec_driver_sql("SELECT count(*) FROM csv_assets_quarantine").scalar_one()
    assert loaded == [n for n in range(1, 61) if n % 7]
    assert report.rows_loaded == len(loaded) and held == 8
    assert len(attached) == sqlite3.connect(":memory:").getlimit(sqlite3.SQLITE_LIMIT_ATTACHED)
    assert _staging_files() == []
