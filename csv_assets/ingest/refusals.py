"""The terminal errors of a load that must not commit: over budget, blocked, drifted, shrinking."""

from __future__ import annotations

from pathlib import Path

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.failures import FailureTally
from csv_assets.pipeline.errors import BadFileError, Refusal
from csv_assets.pipeline.sniff import Drift


def over_budget(
    source: SourceSpec,
    path: Path,
    tally: FailureTally,
    read: int,
    *,
    stopped_at: int | None = None,
    repeats: int = 0,
) -> BadFileError:
    """The terminal error of a file over its source's error budget, with the report's facts.

    ``stopped_at`` is the line where reading stopped once the budget was broken for good; the
    counts are then floors ("at least"), ``repeats`` (keys repeated within a chunk) included.
    """
    first = tally.samples[0] if tally.samples else None
    message = first.message if first else ""
    budget = {
        "max_rejected_rows": source.max_rejected_rows,
        "max_rejected_fraction": source.max_rejected_fraction,
    }
    counted, rejected, stopped = tally.rows, f"{tally.rows} of {read} rows break", ""
    if stopped_at is not None:
        counted = tally.rows + repeats
        rejected = f"at least {counted} rows break"
        stopped = f" (reading stopped at line {stopped_at})"
        if repeats and not first:
            message = f"key ({', '.join(source.key_columns)}) repeats within the file"
    return BadFileError(
        path.name,
        f"{rejected} the schema, over the error budget "
        f"{ {k: v for k, v in budget.items() if v is not None} or 'of zero rejected rows' }"
        f"{stopped}; nothing was loaded. First: {message}",
        line=first.line if first else None,
        column=first.column if first else None,
        rule=Refusal.ERROR_BUDGET,
        details={
            "rows_read": read,
            "rows_rejected": counted,
            "rows_rejected_is_floor": stopped_at is not None,
            "budget": budget,
            **tally.as_details(),
        },
    )


def check_shrink(source: SourceSpec, path: Path, replaced: int, loaded: int) -> None:
    """Hold back a ``replace`` delivery that would empty the table, or shrink it past a limit.

    Raises:
        BadFileError: The delivery has no rows (and the source does not ``allow_empty``), or
            fewer than ``max_shrink`` lets the table keep.
    """
    if loaded == 0 and not source.allow_empty:
        reason = f"has no rows, and loading it would empty table {source.table_name}"
        hint = "set the source's allow_empty: true"
    elif source.max_shrink is not None and loaded < replaced * (1 - source.max_shrink):
        reason = (
            f"has {loaded:,} rows where table {source.table_name} has {replaced:,}: it would "
            f"take away more than the source's max_shrink of {source.max_shrink:.0%}"
        )
        hint = "raise the source's max_shrink"
    else:
        return
    raise BadFileError(
        path.name,
        f"{reason} ({source.load_mode} mode); nothing was loaded and the table keeps its "
        f"{replaced:,} rows. If the sender meant it, {hint} and requeue the file",
        rule=Refusal.TABLE_SHRINK,
        details={"check": "not_empty", "table_rows": replaced, "rows_loaded": loaded},
    )


def blocked(path: Path, tally: FailureTally, rule: str) -> BadFileError:
    """The terminal error of a file that broke a rule its source declares blocking."""
    first = tally.examples[rule][0]
    return BadFileError(
        path.name,
        f"{tally.by_rule[rule]} row(s) break {rule}, which the source declares blocking; "
        f"nothing was loaded. First: {first.message}",
        line=first.line,
        column=first.column,
        rule=rule,
        details={
            "check": rule,
            "rows_rejected": tally.rows,
            **tally.as_details(),
        },
    )


def drifted(file: str, drift: Drift) -> BadFileError:
    """The terminal error of a drifted delivery whose source says ``on_drift: fail``."""
    changes = "; ".join(change.detail for change in drift.changes)
    return BadFileError(
        file,
        f"written differently from {drift.against} ({changes}); the source's on_drift: fail "
        "holds it back, nothing was loaded. If the new way is right, set on_drift: warn for "
        "one load (or pin the dialect) and requeue it",
        rule=Refusal.DIALECT_DRIFT,
        details={
            "check": "dialect_drift",
            "drift": [change.as_dict() for change in drift.changes],
            "drift_against": drift.against,
        },
    )


def seen_key(path: Path, lines: list[int], keys: str) -> BadFileError:
    """The terminal error of a delivery repeating keys earlier ones loaded (``on_seen_key``)."""
    shown = ", ".join(str(line) for line in lines[:5]) + (", ..." if len(lines) > 5 else "")
    return BadFileError(
        path.name,
        f"{len(lines)} row(s) carry a key ({keys}) an earlier delivery loaded (lines {shown}); "
        "the source's on_seen_key: reject holds the delivery back, nothing was loaded. Drop "
        "those rows, or set on_seen_key to warn, quarantine or skip",
        line=lines[0],
        rule=Refusal.SEEN_KEY,
        details={"check": "unique_keys", "rows_seen_before": len(lines), "lines": lines[:20]},
    )
