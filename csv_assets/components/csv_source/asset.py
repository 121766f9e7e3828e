"""``build_csv_asset``: one partitioned asset per source, a thin shell around the load step."""

from collections.abc import Iterator
from datetime import timedelta

import dagster as dg
from pydantic import Field

from csv_assets.catalog import SourceSpec
from csv_assets.components.csv_source.deliveries_step import StepEvent, load_deliveries
from csv_assets.components.csv_source.delivery_checks import check_specs
from csv_assets.components.csv_source.metadata import column_schema
from csv_assets.components.csv_source.recovery import run_lock
from csv_assets.components.csv_source.resources import (
    DropFolders,
    Warehouse,
    drop_folders_from_env,
)
from csv_assets.pipeline.validate import columns_of, contract_rules, import_model


class LoadConfig(dg.Config):
    """How a run loads its delivery (Launchpad config of a materialization)."""

    reload: bool = Field(
        default=False,
        description="If this delivery was loaded before, replace exactly its rows (e.g. after "
        "the table was changed by hand). Off: a delivery already in the ledger is a no-op.",
    )


def build_csv_asset(
    source: SourceSpec, partitions: dg.DynamicPartitionsDefinition
) -> dg.AssetsDefinition:
    """Build the asset that loads the deliveries (partitions) of a run into ``source``'s table."""
    key = dg.AssetKey(source.name)
    schema = import_model(source.schema_model).to_schema()
    columns = columns_of(schema)
    rules = contract_rules(schema, columns, source.key_columns)
    unknown = set(source.blocking_rules) - {rule.key for rule in rules}
    if unknown:
        raise ValueError(
            f"source {source.name}: blocking_rules {sorted(unknown)} name no rule of "
            f"{source.schema_model}; its rules: {', '.join(rule.key for rule in rules)}"
        )
    freshness = (
        dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=window))
        if (window := source.freshness_window_hours)
        else None
    )
    specs = check_specs(key, source, rules, partitions)

    spec = dg.AssetSpec(
        key,
        description=_describe(source),
        group_name=source.group,
        owners=source.owners or None,
        kinds={"csv", "pandera", "sqlalchemy"},
        partitions_def=partitions,
        freshness_policy=freshness,
        metadata={
            "dagster/table_name": source.table_name,
            "dagster/column_schema": column_schema(columns),
            "load_mode": source.load_mode,
            "drop_folder": drop_location(source),
            "key_columns": ", ".join(source.key_columns),
            "deliveries_per_run": source.deliveries_per_run,
        },
    )

    # A run may load many deliveries; each one's materialization and check evaluations are
    # yielded per partition as it commits, never as the op's outputs (so none is required:
    # can_subset), and a backfill runs up to deliveries_per_run partitions a run.
    @dg.multi_asset(
        name=source.name,
        specs=[spec],
        check_specs=specs,
        pool=pool_of(source),
        can_subset=True,
        backfill_policy=dg.BackfillPolicy.multi_run(source.deliveries_per_run),
    )
    def _load(
        context: dg.AssetExecutionContext,
        config: LoadConfig,
        warehouse: Warehouse,
        drop_folders: DropFolders,
    ) -> Iterator[StepEvent]:
        if context.asset_key not in context.selected_asset_keys:
            raise dg.Failure(
                f"{source.name}'s checks are evaluated by each load: materialize the "
                "partition (with reload: true for a loaded delivery) to evaluate them again",
                allow_retries=False,
            )
        blocking = {spec.name: spec.blocking for spec in specs}
        # The lock says the run's worker lives: the sensor fails runs whose lock is free.
        with run_lock(drop_folders.run_locks(), context.run.run_id):
            yield from load_deliveries(
                context, source, rules, blocking, warehouse, drop_folders, config.reload
            )

    return _load


def pool_of(source: SourceSpec) -> str:
    """The Dagster pool a source's loads queue in: one per target table."""
    return f"csv_assets_{source.table_name}"


def pool_limit(source: SourceSpec) -> int:
    """How many runs of the source's table may load at once.

    Two for ``append``: the warehouse's claim orders their writes delivery by delivery, and
    the rest of each run (sniffing, typing, Dagster's events) overlaps. One for ``replace`` and
    ``upsert``, where the last delivery loaded wins, so the queue's order holds.
    """
    return 2 if source.load_mode == "append" else 1


def ensure_pool(instance: dg.DagsterInstance, source: SourceSpec) -> None:
    """Give the source's pool its limit now, before any run of it is queued.

    The run queue gives a pool it has never seen the default limit only after it has taken
    its first decision, so on a fresh instance the first queued runs of one pool all start
    at once. The sensors call this on every tick, so the limit holds from the first run; a
    limit an operator set (``dagster instance concurrency set``) is left as it is.
    """
    storage = instance.event_log_storage
    pool = pool_of(source)
    if storage.supports_global_concurrency_limits and pool not in storage.get_concurrency_keys():
        storage.set_concurrency_slots(pool, pool_limit(source))


def drop_location(source: SourceSpec) -> str:
    """The source's drop folder as the ``drop_folders`` resource will give it to the runs."""
    return drop_folders_from_env().location(source)


def _describe(source: SourceSpec) -> str:
    """Plain prose (the catalog shows descriptions unrendered): the table, folder and mode."""
    mode = {
        "append": "each delivery appends its rows; re-materializing one replaces exactly its rows",
        "replace": "the newest delivery is the whole table, swapped in atomically",
        "upsert": "a delivery's rows replace the rows with the same key_columns",
    }[source.load_mode]
    return (
        f"{source.description or 'Rows of the ' + source.name + ' CSV deliveries.'} "
        f"Files dropped into {drop_location(source)} load into table {source.table_name}, "
        f"one partition per delivery (its time, then its file name). Load mode "
        f"{source.load_mode}: {mode}. Each row keeps its lineage: _delivery_id (its delivery in "
        "csv_assets_ledger) and _source_line."
    )
