"""What an operator scrapes: each source's outcomes, load latencies and waiting files.

In Prometheus' text exposition format (``csv-assets metrics``, ``--serve`` for a scrape target
or ``--textfile`` for node_exporter), because that is what monitoring stacks read (Prometheus,
Grafana Agent, Datadog's and New Relic's OpenMetrics checks), from the same warehouse and folders
as ``csv-assets status``: nothing new to keep, and the numbers agree with the ledger.
Counters come from the ledger, so they only grow while the warehouse does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.overview import source_status
from csv_assets.pipeline.errors import one_line
from csv_assets.pipeline.load import ledger, quarantine
from csv_assets.storage import RemoteSettings

BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
"""Upper bounds of the load-duration histogram, in seconds."""

Labels = tuple[tuple[str, str], ...]


@dataclass
class Family:
    """One metric: its name, type, help and samples (suffix, labels, value)."""

    name: str
    kind: str
    help: str
    samples: list[tuple[str, Labels, float]] = field(default_factory=list)

    def add(self, value: float, suffix: str = "", **labels: str) -> None:
        """One sample: ``value`` of ``name + suffix`` with ``labels``."""
        self.samples.append((suffix, tuple(labels.items()), value))


def gather(
    sources: Iterable[SourceSpec],
    engine: sa.Engine,
    data_dir: Path,
    settings: RemoteSettings,
    now: datetime | None = None,
) -> list[Family]:
    """Every metric, read now. A warehouse or folder that cannot be read is reported as down."""
    now = now or datetime.now(UTC)
    sources = list(sources)
    families = {f.name: f for f in _families()}
    try:
        _from_ledger(engine, families)
        families["csv_assets_warehouse_up"].add(1)
    except sa.exc.SQLAlchemyError as error:
        families["csv_assets_warehouse_up"].add(0)
        families["csv_assets_warehouse_up"].help += f" Last error: {one_line(error)}"
    try:
        statuses = source_status(sources, engine, data_dir, settings, now)
    except sa.exc.SQLAlchemyError:
        statuses = []  # the warehouse is down: said above
    for status in statuses:
        up = status.folder_error is None
        families["csv_assets_drop_folder_up"].add(int(up), source=status.source)
        if up:
            families["csv_assets_inbox_files"].add(status.waiting or 0, source=status.source)
            families["csv_assets_rejected_files"].add(status.rejected or 0, source=status.source)
            oldest = (status.oldest_waiting_hours or 0.0) * 3600
            families["csv_assets_inbox_oldest_seconds"].add(oldest, source=status.source)
        if status.fresh in ("ok", "stale", "never"):
            families["csv_assets_stale"].add(int(status.fresh != "ok"), source=status.source)
    return [f for f in families.values() if f.samples]


def exposition(families: Iterable[Family]) -> str:
    """The families in Prometheus' text format (version 0.0.4)."""
    lines = []
    for family in families:
        lines.append(f"# HELP {family.name} {_escape(family.help)}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        for suffix, labels, value in family.samples:
            inner = ",".join(f'{k}="{_escape(v, quote=True)}"' for k, v in labels)
            selector = f"{{{inner}}}" if inner else ""
            lines.append(f"{family.name}{suffix}{selector} {_number(value)}")
    return "\n".join(lines) + "\n"


def _families() -> list[Family]:
    return [
        Family("csv_assets_deliveries_loaded_total", "counter", "Deliveries loaded, by source."),
        Family("csv_assets_rows_total", "counter", "Rows of loaded deliveries, by outcome."),
        Family("csv_assets_bytes_loaded_total", "counter", "Bytes of loaded deliveries."),
        Family(
            "csv_assets_load_seconds",
            "histogram",
            "How long each load took, sniff to commit (loads recorded since layout 4).",
        ),
        Family("csv_assets_last_load_timestamp_seconds", "gauge", "When the last delivery loaded."),
        Family("csv_assets_quarantined_rows", "gauge", "Rows held in the quarantine now."),
        Family("csv_assets_inbox_files", "gauge", "Files waiting in the drop folder."),
        Family(
            "csv_assets_inbox_oldest_seconds",
            "gauge",
            "Age of the oldest file waiting in the drop folder (0 when none waits).",
        ),
        Family("csv_assets_rejected_files", "gauge", "Rejected files not yet requeued."),
        Family("csv_assets_stale", "gauge", "1 when the source is older than its freshness."),
        Family("csv_assets_drop_folder_up", "gauge", "1 when the drop folder could be listed."),
        Family("csv_assets_warehouse_up", "gauge", "1 when the warehouse could be read."),
    ]


def _from_ledger(engine: sa.Engine, families: dict[str, Family]) -> None:
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        if not inspector.has_table(ledger.name):
            return
        timed = any(c["name"] == "load_seconds" for c in inspector.get_columns(ledger.name))
        seconds = ledger.c.load_seconds
        columns: list[Any] = [
            ledger.c.source,
            sa.func.count(),
            sa.func.sum(ledger.c.rows_loaded),
            sa.func.sum(ledger.c.rows_rejected),
            sa.func.sum(ledger.c.bytes),
            sa.func.max(ledger.c.loaded_at),
        ]
        if timed:
            columns += [sa.func.sum(seconds), sa.func.count(seconds)]
            columns += [sa.func.sum(sa.case((seconds <= bound, 1), else_=0)) for bound in BUCKETS]
        rows: list[Any] = list(conn.execute(sa.select(*columns).group_by(ledger.c.source)))
        held: list[Any] = list(
            conn.execute(
                sa.select(quarantine.c.source, sa.func.count()).group_by(quarantine.c.source)
            )
        )
    for source, count, loaded, rejected, size, last, *times in rows:
        families["csv_assets_deliveries_loaded_total"].add(count, source=source)
        families["csv_assets_rows_total"].add(loaded or 0, source=source, outcome="loaded")
        families["csv_assets_rows_total"].add(rejected or 0, source=source, outcome="quarantined")
        families["csv_assets_bytes_loaded_total"].add(size or 0, source=source)
        stamp = last if last.tzinfo else last.replace(tzinfo=UTC)  # SQLite keeps no zone
        families["csv_assets_last_load_timestamp_seconds"].add(stamp.timestamp(), source=source)
        if timed:
            histogram = families["csv_assets_load_seconds"]
            total, timed_count, *buckets = times
            for bound, within in zip(BUCKETS, buckets, strict=True):
                histogram.add(within or 0, "_bucket", source=source, le=_number(bound))
            histogram.add(timed_count, "_bucket", source=source, le="+Inf")
            histogram.add(total or 0.0, "_sum", source=source)
            histogram.add(timed_count, "_count", source=source)
    for source, count in held:
        families["csv_assets_quarantined_rows"].add(count, source=source)


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _escape(text: str, *, quote: bool = False) -> str:
    text = text.replace("\\", "\\\\").replace("\n", "\\n")
    return text.replace('"', '\\"') if quote else text
