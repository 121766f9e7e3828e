"""A load step over one or many deliveries: each partition loaded, materialized and checked alone.

A run may cover a range of a source's partitions (the sensor batches settled files; a backfill
splits by the backfill policy). Each delivery in it is ingested on its own and gets its own
materialization and check evaluations. A rejected one is the outcome the load exists for, not a
failure of the step: it gets one failed ``delivery_accepted`` evaluation saying why and how to
requeue it, no materialization, and no result for its other checks. A database error that may
pass (a server restarting) asks Dagster to retry the step later (``RetryRequested``: nothing is
held while it waits), and the retry loads only what its run has not finished. A failure no retry
helps, or one nobody foresaw, fails the step after every other delivery was tried; the step's
failure names the deliveries it did not load (their files stay in the inbox for the sweep).
"""

from collections.abc import Iterator, Mapping, Sequence

import dagster as dg
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData as TargetMaterialization,
)

from csv_assets.catalog import SourceSpec
from csv_assets.components.csv_source.delivery_checks import loaded_results, rejected_result
from csv_assets.components.csv_source.metadata import materialization_metadata
from csv_assets.components.csv_source.resources import DropFolders, Warehouse
from csv_assets.ingest import Ingestor, redacted_url
from csv_assets.pipeline.errors import BadFileError, LoadError, Refusal
from csv_assets.pipeline.validate import Rule
from csv_assets.storage import Delivery

RETRY_AFTER_SECONDS = 15.0
"""The wait before the step's first retry after a database error; doubled at each retry."""
MAX_RETRIES = 3

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
        dg.RetryRequested: A database error that may pass held deliveries back.
        dg.Failure: A delivery failed on every attempt, or unexpectedly; it stays in the inbox.
    """
    folders = drop_folders.folders(source)
    uri = redacted_url(warehouse.engine.url)
    done = finished_in_run(context) if context.retry_number else set()
    errors: dict[str, Exception] = {}
    may_pass = False
    for key in [k for k in context.partition_keys if k not in done]:
        try:
            delivery = Delivery.from_key(key)
        except ValueError as error:
            refused = BadFileError(key, f"{error}; nothing was read", rule=Refusal.NOT_A_DELIVERY)
            context.log.error(f"refused partition {key!r}: {error}")
            result = rejected_result(source, refused)
            yield _evaluation(context.asset_key, key, result, blocking)
            continue
        try:
            report = Ingestor(warehouse.engine, context.run.run_id).load(
                source, delivery, folders, reload=reload
            )
        except BadFileError as error:
            context.log.error(f"rejected {error.describe()}; report: {error.report_location}")
            yield _evaluation(context.asset_key, key, rejected_result(source, error), blocking)
            continue
        except LoadError as error:
            errors[key] = error
            if error.permanent:  # no retry gets past a wrong URL, database or role
                context.log.error(str(error))
                continue
            context.log.warning(f"{error}; the step tries again later")
            may_pass = True
            continue
        except Exception as error:
            # One file's surprise must not take the run's other deliveries with it: they
            # load, and the step fails at the end naming this one (its file stays put).
            context.log.exception(f"{delivery.name}: failed unexpectedly")
            errors[key] = error
            continue
        if report.status == "duplicate":
            context.log.info(f"{delivery.name}: same content as {report.duplicate_of}")
        if report.pending:
            context.log.warning(f"{delivery.name}: loaded, but {report.pending}")
        yield dg.AssetMaterialization(
            asset_key=context.asset_key,
            partition=key,
            metadata=materialization_metadata(report, uri),
        )
        target = materialized(context, key)
        for result in loaded_results(report, rules, source):
            yield _evaluation(context.asset_key, key, result, blocking, target)
    if errors and may_pass and context.retry_number < MAX_RETRIES:
        wait = RETRY_AFTER_SECONDS * 2**context.retry_number
        raise dg.RetryRequested(max_retries=MAX_RETRIES, seconds_to_wait=wait) from failure(errors)
    if errors:
        raise failure(errors)


def finished_in_run(context: dg.AssetExecutionContext) -> set[str]:
    """The partitions an earlier attempt of this run materialized or rejected."""
    events = context.instance.all_logs(
        context.run.run_id,
        of_type={
            dg.DagsterEventType.ASSET_MATERIALIZATION,
            dg.DagsterEventType.ASSET_CHECK_EVALUATION,
        },
    )
    done = set()
    for entry in events:
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            done.add(event.partition)
        else:
            done.add(event.asset_check_evaluation_data.partition)
    return {key for key in done if key is not None}


def materialized(context: dg.AssetExecutionContext, partition: str) -> TargetMaterialization:
    """The partition's materialization this run just stored: what its checks evaluated.

    Dagster links a check's partition status, and ``all_deps_blocking_checks_passed``, to the
    materialization an evaluation names. ``AssetCheckResult`` names it for a step of one
    partition only; a step over a range must say it itself, with a type Dagster 1.13 does not
    export (the package's one private Dagster import, kept in this module).
    """
    (record,) = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=context.asset_key, asset_partitions=[partition]), limit=1
    ).records
    return TargetMaterialization(
        storage_id=record.storage_id, run_id=record.run_id, timestamp=record.timestamp
    )


def _evaluation(
    asset_key: dg.AssetKey,
    partition: str,
    result: dg.AssetCheckResult,
    blocking: Mapping[str, bool],
    target: TargetMaterialization | None = None,
) -> dg.AssetCheckEvaluation:
    """``result`` as the evaluation of its check for the delivery's partition."""
    name = result.check_name or ""
    return dg.AssetCheckEvaluation(
        asset_key=asset_key,
        check_name=name,
        passed=result.passed,
        metadata=result.metadata,
        severity=result.severity,
        description=result.description,
        target_materialization_data=target,
        blocking=blocking.get(name, False),
        partition=partition,
    )


def failure(failed: Mapping[str, Exception]) -> dg.Failure:
    """The step's failure: one line per delivery not loaded, after every other one was tried."""
    return dg.Failure(
        description="\n".join(
            f"{key}: {error}" if isinstance(error, LoadError) else f"{key}: {error!r}"
            for key, error in failed.items()
        ),
        metadata={"deliveries_not_loaded": len(failed)},
        allow_retries=False,
    )
