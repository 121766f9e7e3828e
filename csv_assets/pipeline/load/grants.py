"""What a loader role that may only read and write rows needs, granted by the tables' owner.

``csv-assets migrate --grant ROLE`` on PostgreSQL: the rows of every table in the warehouse's
schema (the sources' tables and the control tables), the delivery-id sequence, and the same on
the tables the owner creates later (a new source's). Creating or altering tables stays with the
owner: a new source's first load, a widened or added column, a layout upgrade.
"""

from __future__ import annotations

import sqlalchemy as sa

from csv_assets.pipeline.errors import LoadError

ROWS = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCES = "USAGE, SELECT, UPDATE"


def grant_loader(conn: sa.Connection, role: str) -> list[str]:
    """Let ``role`` load into the current schema; what was granted, one line each.

    Identifiers are quoted by SQLAlchemy's preparer, never pasted.

    Raises:
        LoadError: The warehouse is not PostgreSQL (grant its privileges by hand; permanent).
    """
    if conn.dialect.name != "postgresql":
        raise LoadError(
            f"--grant is for PostgreSQL; on {conn.dialect.name} grant the loader {ROWS} on "
            "the warehouse's tables yourself (docs/upgrading.md#a-loader-role)",
            permanent=True,
        )
    quote = conn.dialect.identifier_preparer.quote
    schema = quote(conn.execute(sa.select(sa.func.current_schema())).scalar_one())
    who = quote(role)
    grants = [
        f"USAGE ON SCHEMA {schema}",
        f"{ROWS} ON ALL TABLES IN SCHEMA {schema}",
        f"{SEQUENCES} ON ALL SEQUENCES IN SCHEMA {schema}",
    ]
    for grant in grants:
        conn.exec_driver_sql(f"GRANT {grant} TO {who}")
    for kind, privileges in (("TABLES", ROWS), ("SEQUENCES", SEQUENCES)):
        conn.exec_driver_sql(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {privileges} ON {kind} TO {who}"
        )
        grants.append(f"{privileges} ON {kind} created later in {schema}")
    return grants
