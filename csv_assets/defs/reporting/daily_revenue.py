"""``daily_revenue``: revenue per day and customer country, rebuilt after each load."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import dagster as dg

from csv_assets.components.csv_source.metadata import table
from csv_assets.components.csv_source.resources import Warehouse
from csv_assets.defs.reporting.revenue_sql import (
    build_daily_revenue,
    revenue_preview,
    revenue_totals,
)

AFTER_ANY_LOAD = (
    (
        dg.AutomationCondition.newly_missing() | dg.AutomationCondition.any_deps_updated()
    ).since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
    & dg.AutomationCondition.all_deps_blocking_checks_passed()
).with_label("after any upstream load whose blocking checks passed")
ORDERS, CUSTOMERS = dg.AssetKey("orders"), dg.AssetKey("customers")
FRESHNESS_HOURS = 36.0
"""A day and a half, as its inputs have: orders and customers are swept daily."""
FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=FRESHNESS_HOURS))
TOTALS_RECONCILE = "totals_reconcile"

COLUMN_LINEAGE = dg.TableColumnLineage(
    deps_by_column={
        "day": [dg.TableColumnDep(ORDERS, "ordered_at")],
        "country": [
            dg.TableColumnDep(CUSTOMERS, "country"),
            dg.TableColumnDep(CUSTOMERS, "customer_id"),
            dg.TableColumnDep(ORDERS, "customer_id"),
        ],
        "orders": [dg.TableColumnDep(ORDERS, "order_id"), dg.TableColumnDep(ORDERS, "status")],
        "units": [dg.TableColumnDep(ORDERS, "quantity"), dg.TableColumnDep(ORDERS, "status")],
        "revenue": [
            dg.TableColumnDep(ORDERS, "quantity"),
            dg.TableColumnDep(ORDERS, "unit_price"),
            dg.TableColumnDep(ORDERS, "status"),
        ],
    }
)


ABOUT = {
    "day": ("DATE", "The order's day (UTC)."),
    "country": ("VARCHAR(2)", "The customer's country; ?? if the customer is in no delivery yet."),
    "orders": ("BIGINT", "Orders placed that day."),
    "units": ("BIGINT", "Units ordered."),
    "revenue": ("NUMERIC(14,2)", "Quantity x unit price, EUR."),
}
COLUMNS = dg.TableSchema(
    columns=[
        dg.TableColumn(
            name,
            sql_type,
            # Dagster's open-source UI keeps dagster/column_lineage but does not draw it: the
            # description says it too.
            description=f"{about} From "
            + ", ".join(
                f"{d.asset_key.to_user_string()}.{d.column_name}"
                for d in COLUMN_LINEAGE.deps_by_column[name]
            )
            + ".",
        )
        for name, (sql_type, about) in ABOUT.items()
    ]
)


@dg.asset(
    deps=[ORDERS, CUSTOMERS],
    group_name="reporting",
    kinds={"sql", "sqlalchemy"},
    owners=["team:finance"],
    automation_condition=AFTER_ANY_LOAD,
    freshness_policy=FRESHNESS,
    metadata={
        "dagster/table_name": "daily_revenue",
        "dagster/column_schema": COLUMNS,
        "dagster/column_lineage": COLUMN_LINEAGE,
    },
    check_specs=[
        dg.AssetCheckSpec(
            TOTALS_RECONCILE,
            asset="daily_revenue",
            blocking=True,
            description="Blocking: orders, units and revenue summed over daily_revenue equal "
            "the same sums over the orders table (paid, shipped and delivered orders).",
        )
    ],
)
def daily_revenue(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
) -> Iterator[dg.MaterializeResult[Any] | dg.AssetCheckResult]:
    """One row per order day and customer country: orders, units and revenue (EUR).

    Counts paid, shipped and delivered orders; rebuilt whole, in one transaction, after any
    load of orders or customers whose blocking checks passed.
    """
    rows = build_daily_revenue(warehouse.engine, context.run.run_id, FRESHNESS_HOURS)
    yield dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "dagster/column_schema": COLUMNS,
            "dagster/column_lineage": COLUMN_LINEAGE,
            "preview": table(revenue_preview(warehouse.reader)),
        }
    )
    totals = revenue_totals(warehouse.reader)
    source, summary = totals["orders"], totals["daily_revenue"]
    differ = [name for name in source if source[name] != summary[name]]
    yield dg.AssetCheckResult(
        check_name=TOTALS_RECONCILE,
        passed=not differ,
        description=f"{', '.join(differ)} differ from the orders table"
        if differ
        else f"{summary['orders']} orders, {summary['units']} units, "
        f"{summary['revenue']} EUR: as in the orders table",
        metadata={"totals": table([{"from": side, **sums} for side, sums in totals.items()])},
    )
