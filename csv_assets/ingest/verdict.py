"""``Verdict``: what a dry run found: would the file load, what would be quarantined, and why."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.failures import RuleCount, broken_rules
from csv_assets.ingest.report import IngestReport
from csv_assets.ingest.service import dry_run
from csv_assets.pipeline.errors import BadFileError


@dataclass(frozen=True)
class Verdict:
    """A file checked against a source without writing anything.

    Attributes:
        outcome: ``load``, ``duplicate`` or ``reject``.
        reason: Why it would be rejected, or which delivery has its content already.
        budget: The rejected rows' share against the source's error budget, in words.
        blocking: Which blocking rules the file broke, or that it broke none.
        rules: The broken rules: how many rows, and the first few of each.
        report: What the load would report (``None`` for a file that would be rejected).
        rejection: Why it would be rejected (``None`` for a file that would load).
    """

    source: str
    file: str
    outcome: Literal["load", "duplicate", "reject"]
    reason: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    budget: str = ""
    blocking: str = ""
    rules: tuple[RuleCount, ...] = ()
    report: IngestReport | None = None
    rejection: BadFileError | None = None

    @property
    def would_load(self) -> bool:
        """Whether a load now would take the file (a copy already loaded counts: a no-op)."""
        return self.outcome != "reject"

    @property
    def headline(self) -> str:
        """The verdict in one line."""
        return {
            "load": f"would load {self.rows_loaded:,} of {self.rows_read:,} row(s)",
            "duplicate": f"already loaded: {self.reason}",
            "reject": f"would be REJECTED: {self.reason}",
        }[self.outcome]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the verdict, its counts, its rules with their lines, and the report."""
        values = {name: getattr(self, name) for name in PLAIN}
        values["quarantine"] = [
            {
                "rule": rule.rule,
                "rows": rule.count,
                "lines": [example.line for example in rule.examples],
                "more": rule.count > len(rule.examples),
                "message": rule.example.message,
            }
            for rule in self.rules
        ]
        values["report"] = (
            self.report.as_dict()
            if self.report is not None
            else self.rejection.as_report()
            if self.rejection is not None
            else {}
        )
        return values


PLAIN = (
    "source",
    "file",
    "outcome",
    "reason",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "budget",
    "blocking",
)
"""The verdict's plain fields, as ``as_dict`` gives them."""


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
            rules=broken_rules(details),
            rejection=error,
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
        rules=report.failures.top(),
        report=report,
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
