"""``Verdict``: what a dry run found: would the file load, what would be quarantined, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.service import dry_run
from csv_assets.pipeline.errors import BadFileError


@dataclass(frozen=True)
class Verdict:
    """A file checked against a source without writing anything."""

    source: str
    file: str
    outcome: str
    """``load``, ``duplicate`` or ``reject``."""
    reason: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    budget: str = ""
    blocking: str = ""
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    """Per broken rule: how many rows, and the lines of the first few."""
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def would_load(self) -> bool:
        """Whether a load now would take the file (a copy already loaded counts: a no-op)."""
        return self.outcome != "reject"

    def summary(self) -> str:
        """Lines for a terminal: the verdict first, then counts, budget and rules with lines."""
        head = {
            "load": f"would load {self.rows_loaded:,} of {self.rows_read:,} row(s)",
            "duplicate": f"already loaded: {self.reason}",
            "reject": f"would be REJECTED: {self.reason}",
        }[self.outcome]
        lines = [
            f"{self.file} as source {self.source} (dry run: nothing was written)",
            f"  {head}",
        ]
        if self.rows_read and self.outcome == "reject":
            lines.append(f"  {self.rows_rejected:,} row(s) break the schema: {self.budget}")
        elif self.rows_read:
            lines.append(f"  would quarantine {self.rows_rejected:,} row(s): {self.budget}")
        if self.blocking:
            lines.append(f"  blocking rules: {self.blocking}")
        for rule in self.quarantine:
            where = ", ".join(str(line) for line in rule["lines"]) + (
                ", ..." if rule["more"] else ""
            )
            lines.append(
                f"  {rule['rows']:>7,} x {rule['rule']} (lines {where}): {rule['message']}"
            )
        return "\n".join(lines)


def validate_file(source: SourceSpec, path: Path, engine: sa.Engine) -> Verdict:
    """Sniff, type and check ``path`` as ``source``'s next delivery, writing nothing.

    Raises:
        LoadError: The database failed (the verdict needs the ledger and the table as they are).
    """
    try:
        report = dry_run(source, path, engine)
    except BadFileError as error:
        details = error.details
        read, rejected = details.get("rows_read", 0), details.get("rows_rejected", 0)
        return Verdict(
            source=source.name,
            file=str(path),
            outcome="reject",
            reason=error.describe(),
            rows_read=read,
            rows_rejected=rejected,
            budget=_budget(source, rejected, read) if read else "",
            blocking=_blocking(source, details.get("check")),
            quarantine=_rules(details.get("top_rules", [])),
            report=error.as_report(),
        )
    return Verdict(
        source=source.name,
        file=str(path),
        outcome="duplicate" if report.status == "duplicate" else "load",
        reason=f"same content as {report.duplicate_of}" if report.duplicate_of else "",
        rows_read=report.rows_read,
        rows_loaded=report.rows_loaded,
        rows_rejected=report.rows_rejected,
        budget=_budget(source, report.rows_rejected, report.rows_read),
        blocking=_blocking(source, None),
        quarantine=_rules(report.top_rules),
        report=report.as_dict(),
    )


def _budget(source: SourceSpec, rejected: int, read: int) -> str:
    limits = []
    if source.max_rejected_rows is not None:
        limits.append(f"at most {source.max_rejected_rows:,} row(s)")
    if source.max_rejected_fraction is not None:
        limits.append(f"at most {source.max_rejected_fraction:.0%} of the rows")
    share = f"{rejected / read:.0%}" if read else "0%"
    verdict = "over" if source.budget_exceeded(rejected, read) else "within"
    return f"{share} of the rows, {verdict} the error budget ({' and '.join(limits) or 'none'})"


def _blocking(source: SourceSpec, broken: str | None) -> str:
    if not source.blocking_rules and source.on_drift != "fail":
        return ""
    named = [*source.blocking_rules, *(["dialect_drift"] if source.on_drift == "fail" else [])]
    return f"{broken} broken" if broken else f"none broken ({', '.join(named)})"


def _rules(top_rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "rule": rule["rule"],
            "rows": rule["count"],
            "lines": [example["line"] for example in rule["examples"]],
            "more": rule["count"] > len(rule["examples"]),
            "message": rule["example"]["message"],
        }
        for rule in top_rules
    ]
