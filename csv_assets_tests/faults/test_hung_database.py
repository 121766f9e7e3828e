"""A database that stops answering, or a lock never let go: the load fails in time, in one line.

PostgreSQL only: SQLite has no server to hang, and its one wait (for the write lock) is the
busy timeout.
"""

import os
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets_support.payments import write_payments
from csv_assets_tests.faults.loads import finish, one_line, start_load
from csv_assets_tests.faults.test_interrupted_loads import (
    nothing_committed,
    tagged,
    wait_until_writing,
)


def _postgres(database_url: str) -> None:
    if sa.make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("a server to hang, and its timeouts, are PostgreSQL's")


def _with_options(url: str, *settings: str) -> str:
    """``url`` with more ``-c name=value`` startup options, as an operator would write them."""
    parsed = sa.make_url(url)
    options = " ".join([parsed.query.get("options", ""), *(f"-c {s}" for s in settings)])
    return parsed.update_query_dict({"options": options.strip()}).render_as_string(False)


def _backend_pid(database_url: str, app: str) -> int:
    admin = sa.create_engine(sa.make_url(database_url).set(query={}))
    with admin.connect() as conn:
        pid = conn.execute(
            sa.text("SELECT pid FROM pg_stat_activity WHERE application_name = :a"), {"a": app}
        ).scalar_one()
    admin.dispose()
    return int(pid)


def test_a_backend_that_stops_answering_fails_the_load_in_time_and_commits_nothing(
    database_url: str, tmp_path: Path
):
    _postgres(database_url)
    file = write_payments(tmp_path / "data" / "inbox" / "payments" / "payments_big.psv", 300_000)
    url, app = tagged(_with_options(database_url, "statement_timeout=4s"))
    load = start_load(file, url, tmp_path / "data")
    wait_until_writing(url, app, load)
    backend = _backend_pid(database_url, app)

    os.kill(backend, signal.SIGSTOP)  # alive to TCP, deaf to everything: keepalives pass
    try:
        started = time.monotonic()
        [done] = finish([load], timeout=60)
        waited = time.monotonic() - started
    finally:
        os.kill(backend, signal.SIGCONT)

    assert done.code == 1, done
    assert one_line(done.stderr), done.stderr
    assert "payments_big.psv" in done.stderr and "did not answer for 8 s" in done.stderr
    assert "retry" in done.stderr  # not permanent: the file waits for the next try
    assert waited < 30, f"gave up after {waited:.0f} s; the bound is 8 s"
    assert file.is_file()
    assert nothing_committed(database_url)
    [again] = finish([start_load(file, database_url, tmp_path / "data")])
    assert again.code == 0, again


def test_a_lock_never_let_go_fails_the_load_after_lock_timeout(database_url: str, tmp_path: Path):
    _postgres(database_url)
    first = write_payments(tmp_path / "drops" / "payments_1.psv", 10)
    assert finish([start_load(first, database_url, tmp_path / "data")])[0].code == 0
    second = write_payments(tmp_path / "drops" / "payments_2.psv", 10, first_id=10)
    operator = sa.create_engine(database_url)
    with operator.connect() as conn:
        conn.execute(sa.text("LOCK TABLE payments IN ACCESS EXCLUSIVE MODE"))  # left open

        [done] = finish(
            [start_load(second, _with_options(database_url, "lock_timeout=1s"), tmp_path / "d")]
        )

        conn.rollback()
    operator.dispose()
    assert done.code == 1, done
    assert one_line(done.stderr), done.stderr
    assert "canceling statement due to lock timeout" in done.stderr
    [again] = finish([start_load(second, database_url, tmp_path / "data")])
    assert again.code == 0, again
