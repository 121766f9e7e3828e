"""Loads cut short (a SIGKILL, a terminated backend, a truncated upload) commit nothing."""

import gzip
import signal
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets_support.payments import write_payments
from csv_assets_tests.faults.loads import counts, finish, has_table, one_line, start_load

ROWS = 300_000
WAIT = 60.0


def tagged(database_url: str) -> tuple[str, str]:
    """The URL with an application_name of its own, so the test finds its load's backend."""
    name = f"csv-assets-test-{uuid.uuid4().hex[:8]}"
    url = sa.make_url(database_url)
    if url.get_backend_name() != "postgresql":  # found by its file, or by its own database
        return database_url, name
    return url.update_query_dict({"application_name": name}).render_as_string(False), name


def wait_until_writing(database_url: str, app: str, process, statement: str = "COPY") -> None:
    """Return once the load holds its write transaction open (mid-``statement`` on PostgreSQL)."""
    url = sa.make_url(database_url)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        backend = url.get_backend_name()
        if backend == "duckdb" and _duckdb_held(url.database):
            return  # another process holds the file: the load's transaction is open
        if backend == "mysql" and _mysql_running(url, statement):
            return
        if backend in ("duckdb", "mysql"):
            time.sleep(0.01)
            continue
        if backend == "sqlite":
            probe = sqlite3.connect(url.database, timeout=0)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.rollback()
            except sqlite3.OperationalError:
                return  # someone holds the write lock: the load's transaction is open
            finally:
                probe.close()
        else:
            engine = sa.create_engine(url.set(query={}))
            with engine.connect() as conn:
                copying = conn.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = :app "
                        "AND state = 'active' AND query LIKE :statement"
                    ),
                    {"app": app, "statement": f"{statement}%"},
                ).scalar_one()
            engine.dispose()
            if copying:
                return
        time.sleep(0.05)
    pytest.fail("the load never started writing")


def _duckdb_held(path: str) -> bool:
    """Whether another process has the DuckDB file open (its write lock)."""
    import duckdb  # only where DuckDB cases run

    try:
        duckdb.connect(path).close()
    except duckdb.IOException as error:
        return "lock" in str(error)
    return False


def _mysql_running(url: sa.URL, statement: str) -> bool:
    """Whether a session of ``url``'s database runs ``statement`` (COPY: the bulk load)."""
    running = "LOAD DATA" if statement == "COPY" else statement
    engine = sa.create_engine(url.set(database="information_schema"))
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    sa.text(
                        "SELECT count(*) FROM information_schema.processlist "
                        "WHERE db = :db AND info LIKE :statement"
                    ),
                    {"db": url.database, "statement": f"{running}%"},
                ).scalar_one()
            )
    finally:
        engine.dispose()


def nothing_committed(database_url: str) -> bool:
    ledger = counts(database_url, "SELECT count(*) FROM csv_assets_ledger")
    rows = (
        counts(database_url, "SELECT count(*) FROM payments")
        if has_table(database_url, "payments")
        else [(0,)]
    )
    return ledger in ([], [(0,)]) and rows == [(0,)]


def test_a_load_killed_mid_transaction_commits_nothing_and_loads_after(
    database_url: str, tmp_path: Path
):
    file = write_payments(tmp_path / "drops" / "payments_big.psv", ROWS)
    url, app = tagged(database_url)
    load = start_load(file, url, tmp_path / "data")

    wait_until_writing(url, app, load)
    load.send_signal(signal.SIGKILL)
    load.wait(timeout=WAIT)

    assert nothing_committed(database_url)
    [again] = finish([start_load(file, database_url, tmp_path / "data")])
    assert again.code == 0, again
    assert counts(database_url, "SELECT count(*), count(DISTINCT _source_line) FROM payments") == [
        (ROWS, ROWS)
    ]


def test_a_terminated_backend_fails_in_one_line_with_the_server_reason(
    database_url: str, tmp_path: Path
):
    backend = sa.make_url(database_url).get_backend_name()
    if backend not in ("postgresql", "mysql"):
        pytest.skip("a server connection to cut exists on PostgreSQL and MySQL/MariaDB only")
    file = write_payments(tmp_path / "drops" / "payments_big.psv", ROWS)
    url, app = tagged(database_url)
    load = start_load(file, url, tmp_path / "data")

    wait_until_writing(url, app, load)
    _cut_connection(sa.make_url(database_url), app)
    [done] = finish([load])

    assert done.code == 1, done
    assert one_line(done.stderr), done.stderr
    assert "payments_big.psv" in done.stderr
    # The server's own words when it could send them; mid-COPY (or mid-LOAD DATA) the connection
    # drops first and the driver says so (the server's message never reaches the client).
    assert any(
        words in done.stderr
        for words in (
            "terminating connection due to administrator command",
            "server closed the connection unexpectedly",
            "Lost connection to MySQL server",
            "Connection was killed",
        )
    ), done.stderr
    assert nothing_committed(database_url)


def _cut_connection(url: sa.URL, app: str) -> None:
    """End the loading session from the server's side, as an operator or a failover would."""
    if url.get_backend_name() == "postgresql":
        query = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :a"
        parameters = {"a": app}
    else:
        query = (
            "SELECT id FROM information_schema.processlist "
            "WHERE db = :db AND info LIKE 'LOAD DATA%'"
        )
        parameters = {"db": url.database}
    admin = sa.create_engine(url.set(query={}))
    with admin.connect() as conn:
        found = conn.execute(sa.text(query), parameters).scalars().all()
        if url.get_backend_name() != "postgresql":
            for session in found:
                conn.exec_driver_sql(f"KILL CONNECTION {int(session)}")
    admin.dispose()


def test_a_truncated_gzip_is_rejected_in_one_line(database_url: str, tmp_path: Path):
    plain = write_payments(tmp_path / "payments.psv", 2_000)
    whole = gzip.compress(plain.read_bytes())
    cut = tmp_path / "drops" / "payments_cut.psv.gz"
    cut.parent.mkdir(parents=True)
    cut.write_bytes(whole[: len(whole) // 2])

    [done] = finish([start_load(cut, database_url, tmp_path / "data")])

    assert done.code == 2, done
    assert one_line(done.stderr), done.stderr
    assert "payments_cut.psv.gz" in done.stderr and "cut short" in done.stderr
    assert nothing_committed(database_url)
