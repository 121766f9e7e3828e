"""What is wrong now, from the folders and the ledger: files rejected, sources gone quiet.

These alerts are states: they hold until someone acts (requeues the file, a delivery loads),
and each is told once while it holds. Run failures and blocked checks are events, which the
Dagster wing reads from its event log.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from csv_assets.alerts.alert import Alert
from csv_assets.alerts.settings import AlertSettings
from csv_assets.catalog import SourceSpec, folders_for
from csv_assets.ingest import source_status
from csv_assets.storage import RemoteSettings


def rejected_files(
    sources: list[SourceSpec],
    data_dir: Path,
    remote: RemoteSettings,
    settings: AlertSettings,
    known: Collection[str] = (),
) -> tuple[list[Alert], set[str], list[str]]:
    """The rejected files not requeued yet: alerts, the keys of all, the folders not listed.

    An alert (its report read) is made for each file not ``known`` only: a report is read
    once per rejection, not on every look, however many files wait.
    """
    alerts: list[Alert] = []
    holding: set[str] = set()
    unlisted: list[str] = []
    for source in sources:
        folders = folders_for(source, data_dir, remote)
        try:
            for entry in folders.list_rejected():
                key = rejection_key(source, entry)
                holding.add(key)
                if key not in known:
                    report = folders.read_report(entry) or {}
                    alerts.append(
                        _rejection(source, str(folders.rejected), entry, report, settings)
                    )
        except OSError as failure:
            unlisted.append(f"{source.name}: {str(failure).splitlines()[0]}")
        finally:
            folders.close()
    return alerts, holding, unlisted


def rejection_key(source: SourceSpec, entry: str) -> str:
    """The key of a rejected file's alert: its source and ``stamp/name``."""
    return f"{source.name}:{entry}"


def _rejection(
    source: SourceSpec,
    rejected: str,
    entry: str,
    report: dict[str, Any],
    settings: AlertSettings,
) -> Alert:
    name = entry.partition("/")[2]
    where = ", ".join(
        f"{label} {report[field]!r}" if field == "column" else f"{label} {report[field]}"
        for label, field in (("line", "line"), ("column", "column"))
        if report.get(field) is not None
    )
    reason = str(report.get("reason") or "no report beside it")
    rule = f" [{report['rule']}]" if report.get("rule") else ""
    folder = rejected.rstrip("/")
    return Alert(
        kind="rejected",
        key=rejection_key(source, entry),
        subject=source.name,
        title=f"{source.name}: {name} was rejected",
        details=(
            f"why: {where + ': ' if where else ''}{reason}{rule}",
            f"file: {folder}/{entry}",
            f"report: {folder}/{entry}.report.json",
            f"once fixed: csv-assets requeue {source.name} {name}",
        ),
        owners=tuple(source.owners),
        link=settings.link(f"/assets/{source.name}?view=partitions"),
    )


def stale_sources(
    sources: list[SourceSpec],
    engine: sa.Engine,
    data_dir: Path,
    remote: RemoteSettings,
    settings: AlertSettings,
    now: datetime | None = None,
) -> list[Alert]:
    """One alert per source with no delivery loaded within its freshness window.

    A source that never loaded anything is not stale: it has not started. The alert's key is
    the source's last delivery, so the same quiet spell is told once, and the next one again.
    """
    alerts = []
    by_name = {source.name: source for source in sources}
    for status in source_status(sources, engine, data_dir, remote, now):
        if status.fresh != "stale" or status.age_hours is None:
            continue
        source = by_name[status.source]
        waiting = "unknown" if status.waiting is None else str(status.waiting)
        alerts.append(
            Alert(
                kind="stale",
                key=f"{source.name}:{status.last_delivery}",
                subject=source.name,
                title=f"{source.name} is stale: nothing loaded for {status.age_hours:.1f} h "
                f"(freshness {status.freshness_hours:g} h)",
                details=(
                    f"last delivery: {status.last_delivery}, loaded {status.last_loaded_at}",
                    f"waiting in {source.inbox}: {waiting}; rejected, not requeued: "
                    f"{'unknown' if status.rejected is None else status.rejected}",
                    "where it stands: csv-assets status",
                ),
                owners=tuple(source.owners),
                link=settings.link(f"/assets/{source.name}"),
            )
        )
    return alerts
