"""SQL transforms over loaded sources, in SQLAlchemy Core so they run on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

REVENUE_STATUSES = ("paid", "shipped", "delivered")

daily_revenue_table = sa.Table(
    "daily_revenue",
    sa.MetaData(),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("country", sa.String(2), primary_key=True),
    sa.Column("orders", sa.BigInteger, nullable=False),
    sa.Column("units", sa.BigInteger, nullable=False),
    sa.Column("revenue", sa.Numeric(14, 2), nullable=False),
)


def build_daily_revenue(engine: sa.Engine) -> int:
    """Rebuild ``daily_revenue`` (day x country) from orders and customers in one transaction.

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
    day = (
        sa.cast(orders.c.ordered_at, sa.Date)
        if engine.dialect.name == "postgresql"
        else (sa.func.date(orders.c.ordered_at))
    )
    summary = (
        sa.select(
            day.label("day"),
            sa.func.coalesce(country.c.country, "??").label("country"),
            sa.func.count(sa.distinct(orders.c.order_id)).label("orders"),
            sa.func.sum(orders.c.quantity).label("units"),
            sa.func.sum(orders.c.quantity * orders.c.unit_price).label("revenue"),
        )
        .select_from(orders.outerjoin(country, country.c.customer_id == orders.c.customer_id))
        .where(orders.c.status.in_(REVENUE_STATUSES))
        .group_by(day, sa.func.coalesce(country.c.country, "??"))
    )
    with engine.begin() as conn:
        daily_revenue_table.create(conn, checkfirst=True)
        conn.execute(sa.delete(daily_revenue_table))
        columns = ["day", "country", "orders", "units", "revenue"]
        conn.execute(sa.insert(daily_revenue_table).from_select(columns, summary))
        return int(
            conn.execute(sa.select(sa.func.count()).select_from(daily_revenue_table)).scalar_one()
        )
