"""Table definitions: a source's target table from its columns, the ledger and the quarantine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.sql.ddl import DDLIfCallable

from csv_assets.pipeline.cells import Kind
from csv_assets.pipeline.errors import LoadError
from csv_assets.pipeline.load.decimals import decimal_type, declared_decimals
from csv_assets.pipeline.load.warehouses import MYSQL_NAMES
from csv_assets.pipeline.validate import RESCUED, ColumnSpec

LINEAGE_COLUMNS = ("_delivery_id", "_source_line")
"""What every loaded row carries: its delivery (``csv_assets_ledger.delivery_id``) and line."""
RESCUED_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
"""``_rescued_data``: ``jsonb`` on PostgreSQL, JSON text elsewhere."""
MAX_IDENTIFIER = 63  # PostgreSQL's limit (MySQL's is 64, SQLite has none): the strictest rules.

_AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# MySQL's DATETIME and TIME keep whole seconds unless told six digits; it stores no zone, so
# its sessions run in UTC (``csv_assets.ingest.create_warehouse_engine``) and so do its values.
_MICROSECONDS = MYSQL_NAMES
INSTANT = sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), *_MICROSECONDS)
"""When something happened, in a control table."""

control = sa.MetaData()

ledger = sa.Table(
    "csv_assets_ledger",
    control,
    sa.Column("source", sa.String(200), primary_key=True),
    # The content's sha256 as read (decompressed): a .csv.gz and its .csv are one delivery.
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
    sa.Column("loaded_at", INSTANT, nullable=False),
    sa.Column("run_id", sa.Text, nullable=False),
    # The sha256 of the bytes as dropped, for audit (null in entries written before it existed).
    sa.Column("file_sha256", sa.String(64)),
    # What the rows of this delivery carry as ``_delivery_id`` (null in entries made before it).
    sa.Column("delivery_id", sa.BigInteger),
    # How long the load took, sniff to commit (null in entries written before it existed).
    sa.Column("load_seconds", sa.Float),
    sa.Index("ix_csv_assets_ledger_delivery_id", "delivery_id", unique=True),
)
"""One row per file content loaded per source: the exactly-once record."""

delivery_ids = sa.Sequence("csv_assets_delivery_id_seq", metadata=control)
"""PostgreSQL's source of delivery ids (SQLite takes the ledger's largest plus one)."""

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
    sa.Column("quarantined_at", INSTANT, nullable=False),
    sa.Index("ix_csv_assets_quarantine_source_sha256", "source", "sha256"),
)
"""Every rejected row, with its raw cells and the rules it broke, until it is replayed."""

schema_history = sa.Table(
    "csv_assets_schema_history",
    control,
    sa.Column("id", _AUTO_ID, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("table_name", sa.Text, nullable=False),
    sa.Column("column_name", sa.Text, nullable=False),
    sa.Column("change", sa.Text, nullable=False),
    sa.Column("old_type", sa.Text),
    sa.Column("new_type", sa.Text, nullable=False),
    sa.Column("delivery_id", sa.BigInteger, nullable=False),
    sa.Column("partition_key", sa.Text, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("run_id", sa.Text, nullable=False),
    sa.Column("changed_at", INSTANT, nullable=False),
    sa.Index("ix_csv_assets_schema_history_source", "source"),
)
"""Every change a delivery made to its table's columns (a type widened), in its transaction."""

builds = sa.Table(
    "csv_assets_builds",
    control,
    sa.Column("asset", sa.String(200), primary_key=True),
    sa.Column("built_at", INSTANT, nullable=False),
    sa.Column("row_count", sa.BigInteger, nullable=False),
    sa.Column("freshness_hours", sa.Float),
    sa.Column("run_id", sa.Text, nullable=False),
)
"""Each table built from the sources (``daily_revenue``): its last build, in that build's
transaction, and how old it may grow; what ``csv-assets status`` shows without Dagster."""


def sql_type(column: ColumnSpec) -> sa.types.TypeEngine[Any]:
    """Return the SQLAlchemy type that stores ``column`` faithfully."""
    types: dict[str, sa.types.TypeEngine[Any]] = {
        "integer": sa.BigInteger(),
        "float": sa.Double(),
        "decimal": decimal_type(column.precision or 18, column.scale or 0),
        "boolean": sa.Boolean(),
        "date": sa.Date(),
        "datetime": sa.DateTime(timezone=column.timezone).with_variant(
            mysql.DATETIME(fsp=6), *_MICROSECONDS
        ),
        "time": sa.Time().with_variant(mysql.TIME(fsp=6), *_MICROSECONDS),
        "string": sa.Text().with_variant(mysql.LONGTEXT(), *MYSQL_NAMES),  # TEXT: 64 KiB
    }
    return types[column.kind]


def target_table(name: str, columns: tuple[ColumnSpec, ...], *, rescued: bool = False) -> sa.Table:
    """Define a source's table: its columns, then lineage columns, indexed by delivery.

    ``rescued``: the table has the ``_rescued_data`` column (after the lineage columns).

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
        sa.Column("_delivery_id", sa.BigInteger, nullable=False),
        sa.Column("_source_line", sa.BigInteger, nullable=False),
        *([sa.Column(RESCUED, RESCUED_TYPE)] if rescued else []),
        # BRIN on PostgreSQL: a delivery's rows sit together, so block ranges find them at
        # almost no cost per row. SQLite has only B-trees, on an integer here: a few bytes a
        # row where the sha256 of each row's file cost 65. DuckDB needs none: each row group's
        # min and max of the column (its zone map) already skip the other deliveries' rows.
        # InnoDB keeps rows in primary key order: keyed by delivery and line, a delivery's rows
        # are one range of the table itself, appended in order, with no second index to fill.
        sa.Index(f"ix_{name[:40]}_delivery_id", "_delivery_id", postgresql_using="brin").ddl_if(
            callable_=_with_delivery_index
        ),
        sa.PrimaryKeyConstraint("_delivery_id", "_source_line").ddl_if(callable_=_on_mysql),
    )


def _made_on(test: Callable[[str], bool]) -> DDLIfCallable:
    """A ``ddl_if`` condition: the DDL is emitted where ``test(dialect name)`` holds."""

    def decide(
        ddl: sa.sql.ddl.BaseDDLElement,
        target: sa.schema.SchemaItem | str,
        bind: sa.Connection | None,
        tables: list[sa.Table] | None = None,
        state: Any | None = None,
        *,
        dialect: sa.Dialect,
        compiler: sa.sql.compiler.DDLCompiler | None = None,
        checkfirst: bool = False,
    ) -> bool:
        return test(dialect.name)

    return decide


_on_mysql = _made_on(lambda name: name in MYSQL_NAMES)
"""Tables keyed by delivery and line: on MySQL/MariaDB (InnoDB) only."""
_with_delivery_index = _made_on(lambda name: name not in ("duckdb", *MYSQL_NAMES))
"""The delivery index: not on DuckDB (zone maps), nor MySQL (its key)."""


def delivery_rows(table: sa.Table, delivery_id: int | None) -> sa.ColumnElement[bool]:
    """The condition that picks one delivery's rows of ``table`` (none without an id)."""
    if delivery_id is None:
        return sa.false()
    return table.c._delivery_id == delivery_id


def prepare_table(conn: sa.Connection, table: sa.Table, added: tuple[str, ...] = ()) -> sa.Table:
    """Create ``table`` if missing, or add the ``added`` columns it lacks, in the caller's txn.

    Returns:
        The table to write.

    Raises:
        LoadError: The existing table lacks a column the source's schema declares.
    """
    if not sa.inspect(conn).has_table(table.name, schema=table.schema):
        table.create(conn)
        return table
    existing = {c["name"] for c in sa.inspect(conn).get_columns(table.name, schema=table.schema)}
    missing = [c.name for c in table.columns if c.name not in existing and c.name not in added]
    if missing:
        raise LoadError(
            f"table {table.name!r} exists without column(s) {missing}; migrate the table "
            "or load into a new one"
        )
    for name in added:
        if name not in existing:
            add_column(conn, table.c[name])
    return table


def existing_columns(conn: sa.Connection, name: str) -> dict[str, ColumnSpec]:
    """Each column of table ``name`` as the database has it, lineage aside (empty: no table).

    Its kind, and a decimal's digits, are what it holds now: after a widening, they are wider
    than the model's.
    """
    if not sa.inspect(conn).has_table(name):
        return {}
    exact = declared_decimals(conn, name)
    found = {}
    for column in sa.inspect(conn).get_columns(name):
        if column["name"] in (*LINEAGE_COLUMNS, RESCUED):
            continue
        kind = column["type"]
        digits = exact.get(column["name"])
        if digits is None and _kind_of(kind) == "decimal":
            digits = (getattr(kind, "precision", None) or 18, getattr(kind, "scale", None) or 0)
        found[column["name"]] = ColumnSpec(
            column["name"],
            "decimal" if digits else _kind_of(kind),
            nullable=bool(column["nullable"]),
            required=False,
            precision=digits[0] if digits else None,
            scale=digits[1] if digits else None,
            timezone=bool(getattr(kind, "timezone", False)),
        )
    return found


def add_column(conn: sa.Connection, column: sa.Column[Any]) -> None:
    """``ALTER TABLE ... ADD COLUMN``; identifiers quoted by SQLAlchemy's preparer, never pasted."""
    preparer = conn.dialect.identifier_preparer
    conn.exec_driver_sql(
        f"ALTER TABLE {preparer.format_table(column.table)} "
        f"ADD COLUMN {preparer.format_column(column)} {column.type.compile(conn.dialect)}"
    )


def _kind_of(kind: sa.types.TypeEngine[Any]) -> Kind:
    if isinstance(kind, mysql.TINYINT) and kind.display_width == 1:
        return "boolean"  # MySQL's BOOLEAN is TINYINT(1)
    for sql, name in (
        (sa.Boolean, "boolean"),
        (sa.Integer, "integer"),
        (sa.Float, "float"),
        (sa.Numeric, "decimal"),
        (sa.DateTime, "datetime"),
        (sa.Date, "date"),
        (sa.Time, "time"),
    ):
        if isinstance(kind, sql):
            return name  # type: ignore[return-value]
    return "string"


def has_column(conn: sa.Connection, table: str, column: str) -> bool:
    """Whether table ``table`` has a column called ``column``."""
    return any(c["name"] == column for c in sa.inspect(conn).get_columns(table))


def rescuable_table(
    conn: sa.Connection, name: str, columns: tuple[ColumnSpec, ...]
) -> sa.Table | None:
    """Table ``name`` with its rescued data and ``columns``, adding those it lacks (nullable).

    ``None`` when the table has no ``_rescued_data``: nothing was ever rescued there.
    """
    if not sa.inspect(conn).has_table(name) or not has_column(conn, name, RESCUED):
        return None
    present = {c["name"] for c in sa.inspect(conn).get_columns(name)}
    table = target_table(name, columns, rescued=True)
    for column in columns:
        if column.name not in present:  # a column the model gained since
            add_column(conn, table.c[column.name])
    return table
