"""What a warehouse URL shows: never a password, whichever way the URL carries it."""

import pytest
import sqlalchemy as sa

from csv_assets.ingest import create_warehouse_engine, redacted_url


def test_a_password_in_the_user_part_or_the_query_is_never_shown():
    url = sa.make_url(
        "postgresql+psycopg://loader:hunter2@db.internal:5432/warehouse"
        "?password=s3cret&sslpassword=k3y&sslmode=require&application_name=csv-assets"
    )

    shown = redacted_url(url)

    assert "hunter2" not in shown and "s3cret" not in shown and "k3y" not in shown
    assert shown == (
        "postgresql+psycopg://loader:***@db.internal:5432/warehouse?application_name=csv-assets"
        "&password=***&sslmode=require&sslpassword=***"
    )


def _settings(engine: sa.Engine, *names: str) -> list[str]:
    with engine.connect() as conn:
        return [conn.exec_driver_sql(f"SHOW {name}").scalar_one() for name in names]


BOUNDS = ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "TimeZone")


def test_a_postgresql_session_is_bounded_unless_the_operator_set_its_own(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("session settings are PostgreSQL's")
    url = sa.make_url(database_url)
    own = url.update_query_dict({"options": f"{url.query['options']} -c lock_timeout=5s"})

    default, operators = create_warehouse_engine(database_url), create_warehouse_engine(own)
    try:
        assert _settings(default, *BOUNDS) == ["6h", "1h", "10min", "UTC"]
        assert _settings(operators, *BOUNDS) == ["6h", "5s", "10min", "UTC"]
    finally:
        default.dispose()
        operators.dispose()


def test_a_mariadb_session_reads_committed_data_in_utc_and_waits_for_claims(database_url):
    if not database_url.startswith("mysql"):
        pytest.skip("session settings of MySQL/MariaDB")
    engine = create_warehouse_engine(database_url)
    try:
        with engine.connect() as conn:
            found = conn.exec_driver_sql(
                "SELECT @@session.time_zone, @@session.tx_isolation, "
                "@@session.innodb_lock_wait_timeout, @@session.character_set_client"
            ).one()
    finally:
        engine.dispose()
    assert tuple(found) == ("+00:00", "READ-COMMITTED", 3600, "utf8mb4")


def test_a_sqlite_writer_waits_as_long_as_the_url_says_then_fails(tmp_path):
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    holder, impatient = create_warehouse_engine(url), create_warehouse_engine(f"{url}?timeout=0.5")
    try:
        locked = pytest.raises(sa.exc.OperationalError, match="database is locked")
        with holder.begin(), locked, impatient.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    finally:
        holder.dispose()
        impatient.dispose()


def test_a_sqlite_database_in_a_folder_that_does_not_exist_is_refused_not_created(tmp_path):
    typo = tmp_path / "no_such_dir" / "warehouse.db"

    with pytest.raises(sa.exc.ArgumentError, match="no_such_dir, does not exist"):
        create_warehouse_engine(f"sqlite:///{typo}")

    assert not typo.parent.exists()
