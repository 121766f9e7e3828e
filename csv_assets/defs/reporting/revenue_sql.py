"""SQL transforms over loaded sources, in SQLAlchemy Core so they run on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from csv_assets.pipeline.load import decimal_type, record_build

REVENUE_STATUSES = ("paid", "shipped", "delivered")
UNKNOWN_COUNTRY = "??"
"""The country of an order whose customer is in no customers delivery."""
REVENUE_SCALE = 2

daily_revenue_table = sa.Table(
    "daily_revenue",
    sa.MetaData(),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("country", sa.String(2), primary_key=True),
    sa.Column("orders", sa.BigInteger, nullable=False),
    sa.Column("units", sa.BigInteger, nullable=False),
    sa.Column("revenue", decimal_type(14, REVENUE_SCALE), nullable=False),
)


def exact_sum(values: sa.ColumnElement[Any], scale: int, sqlite: bool) -> sa.ColumnElement[Any]:
    """``sum(values)``, exact to ``scale`` digits on both databases.

    PostgreSQL sums NUMERIC exactly. SQLite stores decimals exactly as text but computes with
    binary floats (0.10 + 0.20 + 0.10 + 0.20 is 0.6000000000000001 there), so it sums whole
    units of the last digit (cents), which floats hold exactly up to 2**53, and writes the total
    back as decimal text at ``scale``.
    """
    if not sqlite:
        return sa.func.sum(values)
    unit = 10**scale
    cents = sa.func.sum(sa.func.round(values * unit))
    return sa.func.printf(f"%.{scale}f", cents / float(unit))


def build_daily_revenue(
    engine: sa.Engine, run_id: str, freshness_hours: float | None = None
) -> int:
    """Rebuild ``daily_revenue`` (day x country) from orders and customers in one transaction.

    The build is recorded in ``csv_assets_builds`` in the same transaction, with how old the
    table may grow (``freshness_hours``): what ``csv-assets status`` shows of it.

    Returns:
        The number of rows written.
    """
    meta = sa.MetaData()
    orders = sa.Table("orders", meta, autoload_with=engine)
    customers = sa.Table("customers", meta, autoload_with=engine)
    # A customer may arrive in several deliveries; take one country per account.
    country = (
        sa.select(customers.c.customer_id, sa.func.max(customers.c.country).label("country"))
        .group_by(customers.c.customer_id)
        .subquery()
    )
    sqlite = engine.dialect.name == "sqlite"
    lines = (
        sa.select(
            (
                sa.func.date(orders.c.ordered_at)
                if sqlite
                else sa.cast(orders.c.ordered_at, sa.Date)
            ).label("day"),
            sa.func.coalesce(country.c.country, UNKNOWN_COUNTRY).label("country"),
            orders.c.order_id,
            orders.c.quantity,
            (orders.c.quantity * orders.c.unit_price).label("amount"),
        )
        .select_from(orders.outerjoin(country, country.c.customer_id == orders.c.customer_id))
        .where(orders.c.status.in_(REVENUE_STATUSES))
        .subquery()
    )
    summary = sa.select(
        lines.c.day,
        lines.c.country,
        sa.func.count(sa.distinct(lines.c.order_id)).label("orders"),
        sa.func.sum(lines.c.quantity).label("units"),
        exact_sum(lines.c.amount, REVENUE_SCALE, sqlite).label("revenue"),
    ).group_by(lines.c.day, lines.c.country)
    with engine.begin() as conn:
        daily_revenue_table.create(conn, checkfirst=True)
        conn.execute(sa.delete(daily_revenue_table))
        columns = ["day", "country", "orders", "units", "revenue"]
        conn.execute(sa.insert(daily_revenue_table).from_select(columns, summary))
        rows = int(
            conn.execute(sa.select(sa.func.count()).select_from(daily_revenue_table)).scalar_one()
        )
        record_build(conn, daily_revenue_table.name, rows, run_id, freshness_hours)
        return rows


def revenue_totals(engine: sa.Engine) -> dict[str, dict[str, str]]:
    """Orders, units and revenue summed two ways: from the source tables and from the summary.

    The source side reads orders alone (every order counts once, whatever its customer), so a
    join that dropped or doubled lines would show as a difference.
    """
    meta = sa.MetaData()
    orders = sa.Table("orders", meta, autoload_with=engine)
    sqlite = engine.dialect.name == "sqlite"
    source = sa.select(
        sa.func.count(sa.distinct(orders.c.order_id)),
        sa.func.coalesce(sa.func.sum(orders.c.quantity), 0),
        exact_sum(orders.c.quantity * orders.c.unit_price, REVENUE_SCALE, sqlite),
    ).where(orders.c.status.in_(REVENUE_STATUSES))
    summary = sa.select(
        sa.func.coalesce(sa.func.sum(daily_revenue_table.c.orders), 0),
        sa.func.coalesce(sa.func.sum(daily_revenue_table.c.units), 0),
        exact_sum(daily_revenue_table.c.revenue, REVENUE_SCALE, sqlite),
    )
    with engine.connect() as conn:
        sides = {"orders": conn.execute(source).one(), "daily_revenue": conn.execute(summary).one()}
    return {
        side: {
            "orders": str(row[0]),
            "units": str(row[1]),
            "revenue": f"{Decimal(str(row[2] or 0)):.{REVENUE_SCALE}f}",
        }
        for side, row in sides.items()
    }


def revenue_preview(engine: sa.Engine, limit: int = 10) -> list[dict[str, object]]:
    """The latest days of the summary, as rows of text (for the UI's preview)."""
    query = (
        sa.select(daily_revenue_table)
        .order_by(daily_revenue_table.c.day.desc(), daily_revenue_table.c.country)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [{k: str(v) for k, v in row.items()} for row in conn.execute(query).mappings()]
