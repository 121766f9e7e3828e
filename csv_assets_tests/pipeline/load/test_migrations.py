"""The control tables' layout is versioned in the warehouse, upgraded once, never downgraded."""

import pytest
import sqlalchemy as sa

from csv_assets.pipeline.load import LAYOUT_VERSION, ledger
from csv_assets_support.payments import write_payments
from csv_assets_tests.faults.loads import counts, finish, one_line, start_load


def test_a_new_warehouse_gets_the_layout_of_this_release(tmp_path, database_url):
    file = write_payments(tmp_path / "drops" / "payments_1.psv", 10)

    (done,) = finish([start_load(file, database_url, tmp_path / "data")])

    assert done.code == 0, done
    assert counts(database_url, "SELECT version FROM csv_assets_schema") == [(LAYOUT_VERSION,)]


def test_a_warehouse_of_a_newer_release_is_refused_in_one_line_before_anything_loads(
    tmp_path, database_url, engine
):
    first = write_payments(tmp_path / "drops" / "payments_1.psv", 10)
    assert finish([start_load(first, database_url, tmp_path / "data")])[0].code == 0
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE csv_assets_schema SET version = version + 1"))
    second = write_payments(tmp_path / "drops" / "payments_2.psv", 10, first_id=10)

    (done,) = finish([start_load(second, database_url, tmp_path / "data")])

    assert done.code == 1 and one_line(done.stderr), done
    assert f"newer than this release's ({LAYOUT_VERSION})" in done.stderr
    assert counts(database_url, "SELECT count(*) FROM payments") == [(10,)]


def test_an_unversioned_warehouse_is_upgraded_once_by_loaders_that_start_together(
    tmp_path, database_url, engine
):
    if engine.dialect.name == "duckdb":
        pytest.skip("DuckDB drops no column of a table with a key: the first release's ledger")
    first = write_payments(tmp_path / "drops" / "payments_0.psv", 10)
    assert finish([start_load(first, database_url, tmp_path / "data")])[0].code == 0
    with engine.begin() as conn:  # as the first release left it: no layout, a narrower ledger
        conn.execute(sa.text("DROP TABLE csv_assets_schema"))
        conn.execute(sa.text("DROP TABLE csv_assets_schema_history"))
        for index in ledger.indexes:
            index.drop(conn)
        conn.execute(sa.text("ALTER TABLE csv_assets_ledger DROP COLUMN delivery_id"))
        conn.execute(sa.text("ALTER TABLE csv_assets_ledger DROP COLUMN file_sha256"))
        # Its tables had no delivery ids (this release refuses them): moved out of the way.
        conn.execute(sa.text("DROP TABLE payments"))
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SEQUENCE csv_assets_delivery_id_seq"))
    files = [
        write_payments(tmp_path / "drops" / f"payments_{n}.psv", 10, first_id=n * 10)
        for n in range(1, 5)
    ]

    done = finish([start_load(f, database_url, tmp_path / "data") for f in files])

    assert [d.code for d in done] == [0] * 4, done
    assert counts(database_url, "SELECT version FROM csv_assets_schema") == [(LAYOUT_VERSION,)]
    assert counts(
        database_url,
        "SELECT count(*), count(delivery_id), count(DISTINCT delivery_id) FROM csv_assets_ledger",
    ) == [(5, 4, 4)]  # the first release's entry has no delivery id; every new one has its own
    assert counts(database_url, "SELECT count(*) FROM payments") == [(40,)]


def test_a_warehouse_of_layout_1_gains_the_schema_history_and_loads(tmp_path, database_url, engine):
    first = write_payments(tmp_path / "drops" / "payments_1.psv", 10)
    assert finish([start_load(first, database_url, tmp_path / "data")])[0].code == 0
    with engine.begin() as conn:  # as the release before schema evolution left it
        conn.execute(sa.text("DROP TABLE csv_assets_schema_history"))
        conn.execute(sa.text("UPDATE csv_assets_schema SET version = 1"))
    second = write_payments(tmp_path / "drops" / "payments_2.psv", 10, first_id=10)

    (done,) = finish([start_load(second, database_url, tmp_path / "data")])

    assert done.code == 0, done
    assert counts(database_url, "SELECT version FROM csv_assets_schema") == [(LAYOUT_VERSION,)]
    assert counts(database_url, "SELECT count(*) FROM csv_assets_schema_history") == [(0,)]
    assert counts(database_url, "SELECT count(*) FROM payments") == [(20,)]
