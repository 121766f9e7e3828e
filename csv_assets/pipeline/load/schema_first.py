"""Table changes where DDL commits by itself (MySQL/MariaDB): made alone, before the rows.

On such a database a ``CREATE`` or ``ALTER TABLE`` inside a delivery's transaction would commit
the rows written so far without their ledger entry. So a delivery that needs a change raises
``SchemaChangeFirst`` instead: the ingest service rolls the delivery back, makes the change in a
transaction of its own under the table's claim, and loads the file again. A new or wider column
loses nothing, so a change kept after the delivery fails is harmless, and the next load finds it
made. A dry run makes a missing table as a temporary one of its session, which no other session
sees; a column change it cannot take back is refused.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from csv_assets.pipeline.load.warehouses import warehouse_of
from csv_assets.pipeline.validate import TypeChange

DRY_RUN = "csv_assets_dry_run"
"""Execution option of a connection whose transaction is rolled back whatever happens."""


class SchemaChangeFirst(Exception):
    """The delivery needs a table change that this database would commit on its own.

    Attributes:
        what: The change, as a log line says it ("create table orders").
        apply: Makes the change on a connection in a transaction of its own.
        widened: The widenings it makes (kept in the schema history by ``apply``).
        added: The columns it adds to the table for the delivery's file.
    """

    def __init__(
        self,
        what: str,
        apply: Callable[[sa.Connection], None],
        widened: tuple[TypeChange, ...] = (),
        added: tuple[str, ...] = (),
    ) -> None:
        super().__init__(what)
        self.what = what
        self.apply = apply
        self.widened = widened
        self.added = added


def changes_alone(conn: sa.Connection) -> bool:
    """Whether a table change on ``conn`` must be made alone, before the delivery's rows.

    Not in a dry run on a database that takes DDL back (DuckDB): nothing there is committed.
    """
    warehouse = warehouse_of(conn)
    if warehouse.transactional_ddl:
        return False
    return not (warehouse.ddl_rolls_back and is_dry_run(conn))


def is_dry_run(conn: sa.Connection) -> bool:
    """Whether ``conn`` runs a dry run (everything it does is rolled back)."""
    return bool(conn.get_execution_options().get(DRY_RUN, False))
