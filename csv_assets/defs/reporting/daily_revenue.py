"""``daily_revenue``: revenue per day and customer country, rebuilt after each load."""

import dagster as dg

from csv_assets.components.csv_source.resources import Warehouse
from csv_assets.defs.reporting.revenue_sql import build_daily_revenue

AFTER_ANY_LOAD = (
    (
        dg.AutomationCondition.newly_missing() | dg.AutomationCondition.any_deps_updated()
    ).since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
    & dg.AutomationCondition.all_deps_blocking_checks_passed()
).with_label("after any upstream load whose blocking checks passed")


@dg.asset(
    deps=["orders", "customers"],
    group_name="reporting",
    kinds={"sql"},
    automation_condition=AFTER_ANY_LOAD,
    metadata={"dagster/table_name": "daily_revenue"},
)
def daily_revenue(warehouse: Warehouse) -> dg.MaterializeResult:
    """Table `daily_revenue`: one row per order day and customer country.

    Holds orders, units and revenue (EUR) of paid, shipped and delivered orders; rebuilt whole,
    in one transaction, after any load of orders or customers.
    """
    rows = build_daily_revenue(warehouse.engine)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})
