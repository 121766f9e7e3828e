"""A load step over one or many deliveries: each partition loaded, materialized and checked alone.

A run may cover a range of a source's partitions (the sensor batches settled files; a backfill
splits by the backfill policy). Each delivery in it is ingested on its own, gets its own
materialization and check evaluations, and a rejected one fails only itself: the step fails at
the end, naming it, while the others stay materialized.
"""

import time
from collections.abc import Iterator, Mapping, Sequence

import dagster as dg
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)

from csv_assets.components.csv_source.metadata import (
    check_results,
    materialization_metadata,
    rule_check_results,
)
from csv_assets.components.csv_source.resources import DropFolders, Warehouse
from csv_assets.ingest import Delivery, IngestReport, SourceSpec, ingest_file
from csv_assets.pipeline.errors import BadFileError, LoadError
from csv_assets.pipeline.validate import Rule

RETRY_DELAYS = (15.0, 30.0, 60.0)
"""Seconds before each new attempt at the deliveries a database error held back."""

StepEvent = dg.AssetMaterialization | dg.AssetCheckEvaluation


def load_deliveries(
    context: dg.AssetExecutionContext,
    source: SourceSpec,
    rules: Sequence[Rule],
    blocking: Mapping[str, bool],
    warehouse: Warehouse,
    drop_folders: DropFolders,
    reload: bool,
) -> Iterator[StepEvent]:
    """Load every delivery of the run's partitions, yielding each one's events as it commits.

    Raises:
        dg.Failure: A delivery was rejected (it sits in the rejected folder, with its report), or
            the database failed it on every attempt (it stays in the inbox for the sweep).
    """
    folders = drop_folders.folders(source)
    uri = warehouse.engine.url.render_as_string(hide_password=True)
    rejected: list[BadFileError] = []
    pending = list(context.partition_keys)
    errors: dict[str, LoadError] = {}
    for delay in (0.0, *RETRY_DELAYS):
        if not pending:
            break
        time.sleep(delay)
        held_back = []
        for key in pending:
            delivery = Delivery.from_key(key)
            try:
                report = ingest_file(
                    source, delivery, folders, warehouse.engine, context.run.run_id, reload=reload
                )
            except BadFileError as error:
                context.log.error(error.describe())
                rejected.append(error)
                continue
            except LoadError as error:
                context.log.warning(f"{error}; trying again in a while")
                errors[key] = error
                held_back.append(key)
                continue
            if report.status == "duplicate":
                context.log.info(f"{delivery.name}: same content as {report.duplicate_of}")
            yield dg.AssetMaterialization(
                asset_key=context.asset_key,
                partition=key,
                metadata=materialization_metadata(report, uri),
            )
            yield from evaluations(context, key, report, source, rules, blocking)
        pending = held_back
    if rejected or pending:
        raise failure(rejected, [errors[key] for key in pending])


def evaluations(
    context: dg.AssetExecutionContext,
    partition: str,
    report: IngestReport,
    source: SourceSpec,
    rules: Sequence[Rule],
    blocking: Mapping[str, bool],
) -> Iterator[dg.AssetCheckEvaluation]:
    """The delivery's check evaluations, each tied to its partition and its materialization."""
    (record,) = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=context.asset_key, asset_partitions=[partition]), limit=1
    ).records
    target = AssetCheckEvaluationTargetMaterializationData(
        storage_id=record.storage_id, run_id=record.run_id, timestamp=record.timestamp
    )
    results = [
        *check_results(report, source.on_drift),
        *rule_check_results(report, rules, source.blocking_rules),
    ]
    for result in results:
        name = result.check_name or ""
        yield dg.AssetCheckEvaluation(
            asset_key=context.asset_key,
            check_name=name,
            passed=result.passed,
            metadata=result.metadata,
            severity=result.severity,
            description=result.description,
            target_materialization_data=target,
            blocking=blocking.get(name, False),
            partition=partition,
        )


def failure(rejected: Sequence[BadFileError], failed: Sequence[LoadError]) -> dg.Failure:
    """The step's failure: one line per rejected delivery and per delivery the database failed."""
    lines = [error.describe() for error in rejected] + [str(error) for error in failed]
    return dg.Failure(
        description="\n".join(lines),
        metadata={
            "rejected": len(rejected),
            "database_errors": len(failed),
            "reports": dg.MetadataValue.json([error.as_report() for error in rejected]),
        },
        allow_retries=False,
    )
