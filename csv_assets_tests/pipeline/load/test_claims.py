"""Claims on SQLite are the transaction's write lock: an engine that defers it is refused."""

import pytest
import sqlalchemy as sa

from csv_assets.ingest import create_warehouse_engine
from csv_assets.pipeline.load import Ledger


def test_a_sqlite_transaction_without_its_write_lock_cannot_claim_a_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    plain, warehouse = sa.create_engine(url), create_warehouse_engine(url)

    with pytest.raises(RuntimeError, match="create_warehouse_engine"), plain.begin() as conn:
        Ledger(conn).claim("orders")
    with warehouse.begin() as conn:
        Ledger(conn).claim("orders")  # BEGIN IMMEDIATE: the lock is held
        assert conn.connection.dbapi_connection.in_transaction
