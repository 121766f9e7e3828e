"""What one ingest did: the ``IngestReport`` and the running tally of rejected rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from csv_assets.pipeline.validate import ColumnSpec, RejectedRow, rule_key

SAMPLE_LIMIT = 20
RULE_SAMPLE_LIMIT = 5


@dataclass
class FailureTally:
    """Counts of rejected rows and broken rules, with the first examples of each, across chunks.

    Attributes:
        rows: Rejected rows.
        by_rule: Failures per rule key (``<column>__<check>``); a row may break several rules.
        samples: The first failures overall, for the report's headline table.
        samples_by_rule: The first few failures of each rule, for that rule's check.
    """

    rows: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    samples: list[dict[str, Any]] = field(default_factory=list)
    samples_by_rule: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, rejected: list[RejectedRow], file: str = "") -> None:
        """Count a chunk's rejected rows and keep examples until the samples are full."""
        self.rows += len(rejected)
        for row in rejected:
            for failure in row.failures:
                key = rule_key(failure.column, failure.rule)
                self.by_rule[key] += 1
                sample = {
                    "file": file,
                    "line": failure.line,
                    "column": failure.column,
                    "rule": key,
                    "value": None if failure.value is None else str(failure.value),
                    "message": failure.message,
                }
                if len(self.samples) < SAMPLE_LIMIT:
                    self.samples.append(sample)
                kept = self.samples_by_rule.setdefault(key, [])
                if len(kept) < RULE_SAMPLE_LIMIT:
                    kept.append(sample)

    def top_rules(self, limit: int = 10) -> list[dict[str, Any]]:
        """The most broken rules, each with its count and first examples."""
        return [
            {
                "rule": rule,
                "count": count,
                "example": self.samples_by_rule[rule][0],
                "examples": self.samples_by_rule[rule],
            }
            for rule, count in self.by_rule.most_common(limit)
        ]


@dataclass(frozen=True)
class IngestReport:
    """The outcome of loading one delivery, as every surface (UI, CLI, JSON) shows it."""

    source: str
    table: str
    database: str
    partition_key: str
    file: str
    sha256: str
    bytes: int
    status: Literal["loaded", "duplicate"]
    file_sha256: str = ""
    load_mode: str = "append"
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_replaced: int = 0
    table_rows: int = 0
    duplicate_of: str | None = None
    dialect: dict[str, Any] = field(default_factory=dict)
    columns: tuple[ColumnSpec, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    added_columns: tuple[str, ...] = ()
    rejects_by_rule: dict[str, int] = field(default_factory=dict)
    samples_by_rule: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    top_rules: list[dict[str, Any]] = field(default_factory=list)
    failure_samples: list[dict[str, Any]] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    drift: list[dict[str, Any]] = field(default_factory=list)
    drift_against: str | None = None
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
        """Every field as JSON-ready values (columns as name, SQL type and nullability)."""
        values = asdict(self)
        values["columns"] = [
            {"name": c.name, "type": c.sql_type, "nullable": c.nullable} for c in self.columns
        ]
        values["seconds"] = round(self.seconds, 3)
        return values

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

    def summary(self) -> str:
        """A few lines for a terminal: what happened, counts, and the top failing rules."""
        if self.status == "duplicate":
            done = f"{self.file}: already loaded as {self.duplicate_of} (same content)"
            return f"{done}; {self.pending}" if self.pending else f"{done}; nothing to do"
        lines = [
            f"{self.file} -> {self.database} table {self.table} ({self.load_mode})",
            f"  read {self.rows_read:,}  loaded {self.rows_loaded:,}  "
            f"quarantined {self.rows_rejected:,}  replaced {self.rows_replaced:,}  "
            f"table now {self.table_rows:,} rows  in {self.seconds:.2f}s",
        ]
        lines.extend(
            f"  {rule['count']:>7,} x {rule['rule']}: {(rule['example'] or {}).get('message', '')}"
            for rule in self.top_rules
        )
        if self.added_columns:
            lines.append(f"  added column(s): {', '.join(self.added_columns)}")
        if self.drift:
            changes = "; ".join(change["detail"] for change in self.drift)
            lines.append(f"  drift since {self.drift_against}: {changes}")
        lines.extend(f"  note: {note}" for note in self.dialect.get("notes", ()))
        if self.set_aside:
            lines.append(f"  set aside, not loaded: {self.set_aside}")
        if self.pending:
            lines.append(f"  pending: {self.pending}")
        return "\n".join(lines)
