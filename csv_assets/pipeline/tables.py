"""Table definitions: a source's target table from its columns, the ledger and the quarantine."""

from __future__ import annotations

import sqlalchemy as sa

from csv_assets.errors import LoadError
from csv_assets.pipeline.columns import ColumnSpec

LINEAGE_COLUMNS = ("_source_file", "_source_sha256", "_source_line")
MAX_IDENTIFIER = 63  # PostgreSQL's limit; SQLite has none, so the stricter one rules.

_AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

control = sa.MetaData()

ledger = sa.Table(
    "csv_assets_ledger",
    control,
    sa.Column("source", sa.String(200), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("partition_key", sa.Text, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("target_table", sa.Text, nullable=False),
    sa.Column("bytes", sa.BigInteger, nullable=False),
    sa.Column("rows_read", sa.BigInteger, nullable=False),
    sa.Column("rows_loaded", sa.BigInteger, nullable=False),
    sa.Column("rows_rejected", sa.BigInteger, nullable=False),
    sa.Column("header", sa.JSON, nullable=False),
    sa.Column("dialect", sa.JSON, nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("run_id", sa.Text, nullable=False),
)
"""One row per file content loaded per source: the exactly-once record."""

quarantine = sa.Table(
    "csv_assets_quarantine",
    control,
    sa.Column("id", _AUTO_ID, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("line", sa.BigInteger, nullable=False),
    sa.Column("raw_cells", sa.JSON, nullable=False),
    sa.Column("columns", sa.Text),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("failures", sa.JSON, nullable=False),
    sa.Column("run_id", sa.Text, nullable=False),
    sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_csv_assets_quarantine_source_sha256", "source", "sha256"),
)
"""Every rejected row, with its raw cells and the rules it broke, until it is replayed."""


def sql_type(column: ColumnSpec) -> sa.types.TypeEngine:
    """Return the SQLAlchemy type that stores ``column`` faithfully."""
    return {
        "integer": sa.BigInteger(),
        "float": sa.Double(),
        "decimal": sa.Numeric(column.precision or 18, column.scale or 0),
        "boolean": sa.Boolean(),
        "date": sa.Date(),
        "datetime": sa.DateTime(timezone=column.timezone),
        "time": sa.Time(),
        "string": sa.Text(),
    }[column.kind]


def target_table(name: str, columns: tuple[ColumnSpec, ...]) -> sa.Table:
    """Define a source's table: its columns, then lineage columns, indexed by file sha256.

    Raises:
        ValueError: A table or column name is longer than PostgreSQL accepts.
    """
    for identifier in (name, *(c.name for c in columns)):
        if len(identifier.encode()) > MAX_IDENTIFIER:
            raise ValueError(f"identifier {identifier!r} is longer than {MAX_IDENTIFIER} bytes")
    return sa.Table(
        name,
        sa.MetaData(),
        *(
            sa.Column(c.name, sql_type(c), nullable=c.nullable, comment=c.description)
            for c in columns
        ),
        sa.Column("_source_file", sa.Text, nullable=False),
        sa.Column("_source_sha256", sa.String(64), nullable=False),
        sa.Column("_source_line", sa.BigInteger, nullable=False),
        sa.Index(f"ix_{name[:40]}_source_sha256", "_source_sha256"),
    )


def ensure_tables(engine: sa.Engine, table: sa.Table) -> None:
    """Create the control tables and ``table`` if missing; check an existing table's columns.

    Raises:
        LoadError: The existing table lacks a column the source now declares.
    """
    with engine.begin() as conn:
        control.create_all(conn, checkfirst=True)
        table.metadata.create_all(conn, checkfirst=True)
        existing = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    missing = [c.name for c in table.columns if c.name not in existing]
    if missing:
        raise LoadError(
            f"table {table.name!r} exists without column(s) {missing}; migrate the table "
            "or load into a new one"
        )
