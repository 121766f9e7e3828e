"""The alert sensors: one per kind, each visible and switchable in the UI's Automation tab.

Every tick finds what there is to tell, queues what is new in each channel's outbox (kept in
the sensor's cursor, so a restart sends nothing twice), and sends a channel's outbox once no
alert has joined it for ``group_seconds``: many at once are one summary per kind.
"""

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from csv_assets.alerts import (
    Alert,
    AlertCursor,
    AlertSettings,
    ChannelError,
    rejected_files,
    stale_sources,
)
from csv_assets.catalog import load_catalog
from csv_assets.components.alerts.dagster_events import blocked_checks, failed_runs
from csv_assets.components.alerts.resource import Alerts
from csv_assets.components.csv_source.resources import DropFolders, Warehouse
from csv_assets.pipeline.errors import one_line
from csv_assets.storage import RemoteSettings

INTERVAL_ENV, INTERVAL_SECONDS = "CSV_ASSETS_ALERT_INTERVAL_SECONDS", 15
"""How often each alert sensor looks (seconds, 1 to 3600), read when the definitions load."""
NO_CHANNEL = (
    "no alert channel is set: CSV_ASSETS_ALERT_WEBHOOK_URL and/or CSV_ASSETS_ALERT_SMTP_URL "
    "(docs/alerts.md)"
)
Find = Callable[
    [dg.SensorEvaluationContext, AlertCursor, AlertSettings, DropFolders, Warehouse],
    tuple[list[Alert], set[str] | None],
]
"""What a sensor has to tell now, and for states, the keys of all that holds (``Outbox.offer``)."""


def build_alert_sensors() -> list[dg.SensorDefinition]:
    """The four alert sensors, running by default (they skip until a channel is set).

    Raises:
        ValueError: CSV_ASSETS_ALERT_INTERVAL_SECONDS is not a number of seconds, 1 to 3600.
    """
    interval = os.environ.get(INTERVAL_ENV) or str(INTERVAL_SECONDS)
    if not interval.isdigit() or not 1 <= int(interval) <= 3600:
        raise ValueError(f"{INTERVAL_ENV} is a whole number of seconds, 1 to 3600")
    return [
        _sensor(
            "alert_rejected_deliveries",
            "Tells the owners of each delivery rejected (why, where, the requeue command), once.",
            _rejected,
            int(interval),
            state=True,
        ),
        _sensor(
            "alert_stale_sources",
            "Tells when a source (or daily_revenue) has loaded nothing within its freshness.",
            _stale,
            int(interval),
            state=True,
        ),
        _sensor(
            "alert_failed_runs",
            "Tells of each run that failed for good (a rejection does not fail a run).",
            lambda context, cursor, settings, *_: (failed_runs(context, cursor, settings), None),
            int(interval),
            state=False,
        ),
        _sensor(
            "alert_blocked_checks",
            "Tells of each blocking check that failed, and what it holds back downstream.",
            lambda context, cursor, settings, *_: (
                blocked_checks(context, cursor, settings),
                None,
            ),
            int(interval),
            state=False,
        ),
    ]


def _sensor(
    name: str,
    description: str,
    find: Find,
    interval: int,
    *,
    state: bool,
) -> dg.SensorDefinition:
    @dg.sensor(
        name=name,
        minimum_interval_seconds=interval,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=description,
    )
    def _tell(
        context: dg.SensorEvaluationContext,
        alerts: Alerts,
        drop_folders: DropFolders,
        warehouse: Warehouse,
    ) -> dg.SensorResult | dg.SkipReason:
        settings = alerts.settings()
        channels = settings.channels()
        if not channels:
            return dg.SkipReason(NO_CHANNEL)
        cursor = AlertCursor.decode(context.cursor)
        cursor.outboxes = {channel.name: cursor.outbox(channel.name) for channel in channels}
        try:
            found, holding = find(context, cursor, settings, drop_folders, warehouse)
        except Exception as error:  # a database or store down: one line, the next tick retries
            why = one_line(error)
            context.log.warning(f"{name}: could not look ({why}); the next tick tries again")
            return dg.SkipReason(f"could not look: {why}")
        now, said = time.time(), []
        for channel in channels:
            box = cursor.outbox(channel.name)
            box.offer(found, now, holding)
            if not box.due(now, settings.group_seconds):
                if box.pending:
                    said.append(f"{len(box.pending)} gathering for {channel.describe()}")
                continue
            waiting = box.waiting()
            try:
                channel.send(waiting)
            except ChannelError as error:
                context.log.warning(f"{error}; {len(waiting)} alert(s) wait for the next tick")
                said.append(str(error))
                continue
            box.sent_all(remember=state)
            said.append(f"sent {len(waiting)} alert(s) by {channel.describe()}")
        return dg.SensorResult(cursor=cursor.encode(), skip_reason="; ".join(said) or "all told")

    return _tell


def _rejected(
    context: dg.SensorEvaluationContext,
    cursor: AlertCursor,
    settings: AlertSettings,
    drop_folders: DropFolders,
    warehouse: Warehouse,
) -> tuple[list[Alert], set[str] | None]:
    """Every rejected file not requeued, its report read only when no channel knows it yet.

    A folder that could not be listed leaves the state unknown (None): nothing is forgotten.
    """
    # Known to every channel set (the tick gave each one its outbox): a new channel needs all.
    known = set.intersection(*(box.known() for box in cursor.outboxes.values()))
    found, holding, unlisted = rejected_files(
        list(load_catalog().values()), *_folders(drop_folders), settings, known
    )
    for problem in unlisted:
        context.log.warning(f"rejected folder of {problem}: not listed; the next tick retries")
    return found, None if unlisted else holding


def _stale(
    context: dg.SensorEvaluationContext,
    cursor: AlertCursor,
    settings: AlertSettings,
    drop_folders: DropFolders,
    warehouse: Warehouse,
) -> tuple[list[Alert], set[str] | None]:
    """Every source past its freshness (by the ledger), and every other asset (by Dagster)."""
    sources = list(load_catalog().values())
    found = stale_sources(sources, warehouse.reader, *_folders(drop_folders), settings)
    found += stale_assets(context, settings, {s.name for s in sources})
    return found, {alert.key for alert in found}


def _folders(drop_folders: DropFolders) -> tuple[Path, RemoteSettings]:
    """The data folder and the remote settings the sources' folders are found with."""
    return Path(drop_folders.data_dir), drop_folders.settings()


def stale_assets(
    context: dg.SensorEvaluationContext, settings: AlertSettings, sources: set[str]
) -> list[Alert]:
    """Assets other than sources (daily_revenue) not materialized within their freshness."""
    graph = context.repository_def.asset_graph if context.repository_def else None
    alerts: list[Alert] = []
    now = time.time()
    for node in graph.asset_nodes if graph else []:
        window = getattr(node.freshness_policy, "fail_window", None)
        asset = node.key.to_user_string()
        if window is None or asset in sources:
            continue
        latest = context.instance.get_latest_materialization_event(node.key)
        hours = window.to_timedelta().total_seconds() / 3600
        if latest is None or (now - latest.timestamp) / 3600 <= hours:
            continue
        built = datetime.fromtimestamp(latest.timestamp, UTC)
        alerts.append(
            Alert(
                kind="stale",
                key=f"{asset}:{latest.run_id}",
                subject=asset,
                title=f"{asset} is stale: not rebuilt for {(now - latest.timestamp) / 3600:.1f} h "
                f"(freshness {hours:g} h)",
                details=(
                    f"last built {built:%Y-%m-%d %H:%M:%S} UTC by run {latest.run_id[:8]}",
                    "are its inputs loading, and do their blocking checks pass?",
                ),
                owners=tuple(sorted(node.owners)),
                link=settings.link(f"/assets/{asset}"),
            )
        )
    return alerts
