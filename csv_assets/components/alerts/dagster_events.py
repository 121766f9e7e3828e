"""Alerts from Dagster's event log: failed runs and failed blocking checks, read in order.

Each sensor keeps the storage id of the last record it read; on its first tick it starts at
the newest record, so turning alerts on does not replay the instance's history.
"""

from collections.abc import Iterable
from typing import Protocol

import dagster as dg

from csv_assets.alerts import Alert, AlertCursor, AlertSettings


class Execution(Protocol):
    """One execution of an asset check, as the instance records it."""

    @property
    def id(self) -> int: ...  # noqa: D102 (the record's)

    @property
    def run_id(self) -> str: ...  # noqa: D102

    @property
    def event(self) -> dg.EventLogEntry | None: ...  # noqa: D102


BATCH = 500
"""Run failures read a tick; the next tick goes on after them."""
PAGE = 20
"""Check executions read at once, newest first, until one the last tick saw."""
CHECK_FAILED = "DagsterAssetCheckFailedError"
"""A step failed by its blocking check: the blocked-check alert tells that, not a run alert."""
WILL_RETRY = "dagster/will_retry"
"""Set on a failed run that run_retries launches again: its last try is the one to tell."""
PARTITION, RANGE = (
    "dagster/partition",
    ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end"),
)


def failed_runs(
    context: dg.SensorEvaluationContext, cursor: AlertCursor, settings: AlertSettings
) -> list[Alert]:
    """One alert per run that failed since the last tick (and will not be retried)."""
    instance = context.instance
    if cursor.after is None:
        newest = instance.fetch_run_status_changes(dg.DagsterEventType.RUN_FAILURE, limit=1)
        cursor.after = newest.records[0].storage_id if newest.records else 0
        return []
    records = instance.fetch_run_status_changes(
        dg.RunStatusChangeRecordsFilter(
            dg.DagsterEventType.RUN_FAILURE, after_storage_id=cursor.after
        ),
        limit=BATCH,
        ascending=True,
    ).records
    alerts = []
    for record in records:
        cursor.after = record.storage_id
        run = instance.get_run_by_id(record.run_id)
        if run is None or run.tags.get(WILL_RETRY) == "true":
            continue
        errors = _step_errors(instance, run.run_id)
        if errors and all(kind == CHECK_FAILED for kind, _ in errors):
            continue
        owners = _owners(context, run.asset_selection or ())
        why = [line for _, line in errors] or [record.event_log_entry.message]
        alerts.append(
            Alert(
                kind="run_failed",
                key=run.run_id,
                subject=run.job_name,
                title=f"run {run.run_id[:8]} of {run.job_name} failed",
                details=(*[f"why: {line}" for line in why[:3]], *_partitions(run)),
                owners=owners,
                link=settings.link(f"/runs/{run.run_id}"),
            )
        )
    return alerts


def blocked_checks(
    context: dg.SensorEvaluationContext, cursor: AlertCursor, settings: AlertSettings
) -> list[Alert]:
    """One alert per failed blocking check since the last tick, naming what it holds back.

    Read per blocking check from the instance's check executions (every event log storage
    indexes them, the run-sharded SQLite one included), in the order they were recorded.
    """
    instance = context.instance
    keys = _blocking_checks(context)
    if cursor.after is None:
        newest = [e.id for key in keys for e in _history(instance, key, 1, None)]
        cursor.after = max(newest, default=0)
        return []
    after = cursor.after
    fresh = sorted((e for key in keys for e in _executions_after(instance, key, after)), key=_id)
    cursor.after = max([after, *(e.id for e in fresh)])
    alerts = []
    for execution in fresh:
        dagster_event = execution.event.dagster_event if execution.event else None
        evaluation = dagster_event.event_specific_data if dagster_event else None
        if not isinstance(evaluation, dg.AssetCheckEvaluation) or evaluation.passed:
            continue
        if evaluation.severity != dg.AssetCheckSeverity.ERROR:
            continue
        asset = evaluation.asset_key.to_user_string()
        held = _children(context, evaluation.asset_key)
        on = f" on {evaluation.partition}" if evaluation.partition else ""
        alerts.append(
            Alert(
                kind="check_blocked",
                key=str(execution.id),
                subject=asset,
                title=f"{asset}: blocking check {evaluation.check_name} failed{on}",
                details=(
                    f"why: {evaluation.description or 'see the check in the UI'}",
                    f"held back: {', '.join(held) or 'nothing downstream'}",
                ),
                owners=_owners(context, [evaluation.asset_key]),
                link=settings.link(f"/runs/{execution.run_id}"),
            )
        )
    return alerts


def _executions_after(
    instance: dg.DagsterInstance, key: dg.AssetCheckKey, after: int
) -> list[Execution]:
    """The check's executions recorded after ``after``, read newest first a page at a time."""
    found: list[Execution] = []
    before = None
    while True:
        page = _history(instance, key, PAGE, before)
        newer = [execution for execution in page if execution.id > after]
        found += newer
        if len(page) < PAGE or len(newer) < len(page):
            return found
        before = page[-1].id


def _history(
    instance: dg.DagsterInstance, key: dg.AssetCheckKey, limit: int, before: int | None
) -> list[Execution]:
    """Up to ``limit`` executions of the check, newest first, below id ``before`` if given."""
    storage = instance.event_log_storage
    return list(storage.get_asset_check_execution_history(key, limit=limit, cursor=before))


def _id(execution: Execution) -> int:
    return execution.id


def _blocking_checks(context: dg.SensorEvaluationContext) -> list[dg.AssetCheckKey]:
    """The code location's blocking checks."""
    repository = context.repository_def
    assets = set(repository.assets_defs_by_key.values()) if repository else set()
    return sorted(
        (spec.key for assets_def in assets for spec in assets_def.check_specs if spec.blocking),
        key=lambda key: key.to_user_string(),
    )


def _step_errors(instance: dg.DagsterInstance, run_id: str) -> list[tuple[str, str]]:
    """Each failed step's error: its class, and its step and first line."""
    lines = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        data = entry.dagster_event.step_failure_data if entry.dagster_event else None
        error = data.error if data else None
        while error is not None and error.cause is not None:  # Dagster's wrapper: the user's
            error = error.cause
        if error is not None:
            first = (error.message.strip().splitlines() or [""])[0]
            # "<module path>.Failure: why": the why is what a reader needs.
            kind, colon, why = first.partition(": ")
            if colon and kind.rpartition(".")[2] == error.cls_name:
                first = why
            lines.append((error.cls_name or "", f"{entry.step_key or 'a step'}: {first}"))
    return lines


def _partitions(run: dg.DagsterRun) -> list[str]:
    """The deliveries the run was loading, as its tags name them."""
    if PARTITION in run.tags:
        return [f"partition: {run.tags[PARTITION]}"]
    start, end = (run.tags.get(tag) for tag in RANGE)
    return [f"partitions: {start} .. {end}"] if start and end else []


def _owners(context: dg.SensorEvaluationContext, keys: Iterable[dg.AssetKey]) -> tuple[str, ...]:
    """The owners of the assets ``keys`` names, as their definitions declare them."""
    graph = context.repository_def.asset_graph if context.repository_def else None
    if graph is None:
        return ()
    owners = {owner for key in keys if graph.has(key) for owner in graph.get(key).owners}
    return tuple(sorted(owners))


def _children(context: dg.SensorEvaluationContext, key: dg.AssetKey) -> list[str]:
    """The assets right below ``key``: what its blocking checks hold back."""
    graph = context.repository_def.asset_graph if context.repository_def else None
    if graph is None or not graph.has(key):
        return []
    return sorted(child.to_user_string() for child in graph.get(key).child_keys)
