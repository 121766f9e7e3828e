"""What one ingest did: the ``IngestReport``, a frozen record made of typed parts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from csv_assets.ingest.failures import Failures
from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.sniff import Drift
from csv_assets.pipeline.validate import ColumnSpec, TypeChange


@dataclass(frozen=True)
class IngestReport:
    """The outcome of loading one delivery, as every surface (UI, CLI, JSON) shows it.

    Attributes:
        dialect: How the file is written, every decision with its confidence.
        columns: The table's columns as the delivery loaded them.
        failures: What the quarantined rows broke, per rule, with the first examples.
        added_columns: The columns this delivery added to the table (``new_column: add``).
        widened: The columns whose type this delivery widened (``data_type: widen``).
        rescued: Cells kept in ``_rescued_data`` instead of their column, by column.
        drift: How the file is written differently from the source's previous delivery.
        preview: The first rows loaded, as the table holds them.
        timings: Seconds per stage (sniff, hash, read, validate, rules, load).
    """

    source: str
    table: str
    database: str
    partition_key: str
    file: str
    sha256: str
    bytes: int
    status: Literal["loaded", "duplicate"]
    dialect: Dialect
    file_sha256: str = ""
    load_mode: str = "append"
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_replaced: int = 0
    rows_skipped: int = 0
    """Rows not loaded because an earlier delivery loaded their key (``on_seen_key: skip``)."""
    keys_seen_before: int = 0
    """Rows whose key an earlier delivery loaded, whatever ``on_seen_key`` did with them."""
    table_rows: int = 0
    duplicate_of: str | None = None
    columns: tuple[ColumnSpec, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    added_columns: tuple[str, ...] = ()
    widened: tuple[TypeChange, ...] = ()
    rescued: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    failures: Failures = field(default_factory=Failures)
    drift: Drift = field(default_factory=lambda: Drift(against=None))
    preview: tuple[Mapping[str, Any], ...] = ()
    timings: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    set_aside: str | None = None
    """Where the lines of a second table in the file were copied, not loaded."""
    pending: str | None = None
    """What is left to do after the commit (a move to the archive, a set-aside) and why; the
    next load, sweep or sensor tick of the delivery finishes it."""

    @property
    def seconds(self) -> float:
        """Wall time of the whole ingest."""
        return sum(self.timings.values())

    @property
    def rows_per_second(self) -> float:
        """Rows read per second of wall time."""
        return self.rows_read / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready values, in the shape ``--json`` has always printed."""
        return {
            **{name: getattr(self, name) for name in SCALARS},
            "dialect": self.dialect.describe(),
            "columns": [
                {"name": c.name, "type": c.sql_type, "nullable": c.nullable} for c in self.columns
            ],
            "ignored_columns": list(self.ignored_columns),
            "added_columns": list(self.added_columns),
            "widened": [
                {"column": c.column, "before": c.before.sql_type, "after": c.after.sql_type}
                for c in self.widened
            ],
            "rejects_by_rule": dict(self.failures.by_rule),
            "samples_by_rule": {
                rule: [sample.as_dict() for sample in samples]
                for rule, samples in self.failures.examples.items()
            },
            "top_rules": [rule.as_dict() for rule in self.failures.top()],
            "failure_samples": [sample.as_dict() for sample in self.failures.samples],
            "preview": [dict(row) for row in self.preview],
            "timings": dict(self.timings),
            "rescued": dict(self.rescued),
            "drift": [change.as_dict() for change in self.drift.changes],
            "drift_against": self.drift.against,
            "seconds": round(self.seconds, 3),
        }

    def log_fields(self) -> dict[str, Any]:
        """What a structured log line says of the delivery: file, content, counts, timings."""
        return {
            "table": self.table,
            "file": self.file,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "rows_replaced": self.rows_replaced,
            "duplicate_of": self.duplicate_of,
            "seconds": round(self.seconds, 3),
            "timings": {stage: round(t, 3) for stage, t in self.timings.items()},
        }


SCALARS = (
    "source",
    "table",
    "database",
    "partition_key",
    "file",
    "sha256",
    "file_sha256",
    "bytes",
    "status",
    "load_mode",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "rows_replaced",
    "rows_skipped",
    "keys_seen_before",
    "table_rows",
    "duplicate_of",
    "set_aside",
    "pending",
)
"""The report's plain fields, as ``as_dict`` gives them."""
