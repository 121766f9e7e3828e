"""Fixtures: a real SQLite file and a real PostgreSQL schema per test, and a private data folder."""

import importlib.util
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.ingest import create_warehouse_engine
from csv_assets_support.counts import add_counts_source
from csv_assets_support.processes import scratch_project

pytest_plugins = ["csv_assets_tests.servers", "csv_assets_tests.alert_servers"]

REPO = Path(__file__).resolve().parent.parent
SAMPLE_INBOX = REPO / "data" / "inbox"
CASES = Path(__file__).parent / "cases"
POSTGRES_URL = os.environ.get("CSV_ASSETS_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("CSV_ASSETS_REQUIRE_POSTGRES", "") == "1"
MYSQL_URL = os.environ.get("CSV_ASSETS_TEST_MYSQL_URL", "")
REQUIRE_WAREHOUSES = os.environ.get("CSV_ASSETS_REQUIRE_WAREHOUSES", "") == "1"
"""CI: a missing MariaDB server or DuckDB package fails the run instead of skipping."""
BAD_ORDERS = (
    "order_id,customer_id,ordered_at,status,sku,quantity,unit_price,note\n"
    "60001,1001,2026-11-03T08:00:00Z,paid,ABC-1001,3,10.00,\n"
    "60002,1002,2026-11-03T09:00:00Z,paid,ABC-1001,-4,10.00,\n"
    "60003,1003,2026-11-03T10:00:00Z,paid,ABC-1001,lots,10.00,\n"
    "60004,1004,2026-11-03T11:00:00Z,shipped,bad,2,10.00,\n"
)
"""An orders delivery three of whose four rows break the contract: over its 20 % budget."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow modules first: those marked ``e2e`` (real Dagster processes, minutes each).

    With ``-n`` each worker takes whole modules as it frees up (``--dist loadscope``): a slow
    module collected last would run alone at the end while the other worker idles. Sorting
    is stable, so each module keeps its own order.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)


def _postgres_or_skip() -> str:
    if not POSTGRES_URL:
        reason = "PostgreSQL cases need CSV_ASSETS_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
    else:
        try:
            with sa.create_engine(POSTGRES_URL).connect():
                return POSTGRES_URL
        except sa.exc.OperationalError as error:
            reason = f"PostgreSQL at {POSTGRES_URL} is unreachable: {error.orig}"
    if REQUIRE_POSTGRES:
        pytest.fail(f"CSV_ASSETS_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


def _skip_warehouse(reason: str) -> None:
    if REQUIRE_WAREHOUSES:
        pytest.fail(f"CSV_ASSETS_REQUIRE_WAREHOUSES=1 but {reason}")
    pytest.skip(reason)


def _duckdb_or_skip(tmp_path: Path) -> str:
    if importlib.util.find_spec("duckdb_sqlalchemy") is None:
        _skip_warehouse("DuckDB cases need pip install 'csv_assets[duckdb]'")
    return f"duckdb:///{tmp_path / 'warehouse.duckdb'}"


@contextmanager
def _mysql_database() -> Iterator[str]:
    """A fresh MySQL/MariaDB database on the test server, dropped after."""
    if not MYSQL_URL:
        _skip_warehouse(
            "MySQL/MariaDB cases need CSV_ASSETS_TEST_MYSQL_URL "
            "(e.g. mysql+pymysql://root@127.0.0.1:3306/test)"
        )
    if importlib.util.find_spec("pymysql") is None:
        _skip_warehouse("MySQL/MariaDB cases need pip install 'csv_assets[mysql]'")
    admin = sa.create_engine(MYSQL_URL)
    name = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
    except sa.exc.OperationalError as error:
        _skip_warehouse(f"MySQL/MariaDB at {MYSQL_URL} is unreachable: {error.orig}")
    try:
        yield sa.make_url(MYSQL_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql", "duckdb", "mariadb"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a SQLite or DuckDB file, a fresh PostgreSQL schema or
    MariaDB database (dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warehouse.db'}"
        return
    if request.param == "duckdb":
        yield _duckdb_or_skip(tmp_path)
        return
    if request.param == "mariadb":
        with _mysql_database() as url:
            yield url
        return
    base = _postgres_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.schema.CreateSchema(schema))
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.schema.DropSchema(schema, cascade=True))
        admin.dispose()


@pytest.fixture
def scratch_databases() -> Iterator[tuple[sa.URL, sa.URL]]:
    """Two fresh PostgreSQL databases, the instance's and the warehouse's, dropped after."""
    base = sa.make_url(_postgres_or_skip())
    names = [f"csv_assets_{role}_{uuid.uuid4().hex[:8]}" for role in ("dagster", "warehouse")]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=names[0]), base.set(database=names[1])
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """The warehouse engine for ``database_url``."""
    engine = create_warehouse_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder holding a copy of the shipped sample drops."""
    root = tmp_path / "data"
    shutil.copytree(SAMPLE_INBOX, root / "inbox")
    return root


def drop(data_dir: Path, source: str, name: str, content: str | bytes) -> Path:
    """Drop a file into a source's inbox, as a partner's upload would."""
    path = data_dir / "inbox" / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, newline="")
    else:
        path.write_bytes(content)
    return path


@pytest.fixture
def counts_project(tmp_path: Path) -> Path:
    """The project with a ``counts`` source whose feed widens."""
    root = scratch_project(tmp_path, REPO / "deploy" / "dagster.yaml")
    add_counts_source(root)
    return root
