"""A delivery's materialization metadata: the few keys a user reads first, then proper tables.

Numbers Dagster plots across materializations are only the per-delivery series (rows, seconds);
facts of one file (its size, hash, dialect) are text or tables. A key with nothing to say (no
drift, no quarantined rows, no added columns) is left out rather than shown empty.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import dagster as dg

from csv_assets.ingest import IngestReport, RuleCount
from csv_assets.pipeline.dialect import unsure_note
from csv_assets.pipeline.validate import ColumnSpec

SNIFFED = (
    ("encoding", "encoding"),
    ("delimiter", "dialect"),
    ("quotechar", "dialect"),
    ("escapechar", "dialect"),
    ("has_header", "header"),
    ("header_rows", "header"),
    ("preamble_lines", "preamble"),
    ("footer_rows", "footer"),
    ("table_end_line", None),
    ("decimal", None),
    ("null_tokens", None),
)
"""The sniffer's decisions shown in the UI, each with the confidence that covers it."""
NULL = "NULL"
"""How a missing value reads in a table cell (never Python's ``None``)."""
TABLE_ROWS = 20
CELL_CHARS = 40
"""Longer text is cut (with an ellipsis) so a table fits beside its key in the UI."""
CONFIDENCE = "How sure the sniffer is: the share of the evidence for this value over the others."


def column_schema(columns: Iterable[ColumnSpec]) -> dg.TableSchema:
    """The table's columns as the UI shows them, lineage columns included."""
    return dg.TableSchema(
        columns=[
            *(
                dg.TableColumn(
                    c.name,
                    c.sql_type,
                    description=c.description,
                    constraints=dg.TableColumnConstraints(nullable=c.nullable),
                )
                for c in columns
            ),
            dg.TableColumn(
                "_delivery_id",
                "BIGINT",
                description="Lineage: the delivery the row came from; csv_assets_ledger's "
                "delivery_id (its file_name, sha256 and partition_key).",
            ),
            dg.TableColumn("_source_line", "BIGINT", description="Lineage: the row's line."),
        ]
    )


def materialization_metadata(report: IngestReport, database_uri: str) -> dict[str, Any]:
    """A delivery's metadata: counts, file and timings first, then the tables behind them."""
    dialect = report.dialect.describe()
    metadata: dict[str, Any] = {
        "dagster/row_count": report.table_rows,
        "dagster/partition_row_count": report.rows_loaded,
        "dagster/table_name": report.table,
        "dagster/uri": f"{database_uri}#{report.table}",
        "dagster/column_schema": column_schema(report.columns),
        "rows_loaded": report.rows_loaded,
        "rows_rejected": report.rows_rejected,
        "rows_read": report.rows_read,
        "status": f"same content as {report.duplicate_of}: nothing loaded again"
        if report.status == "duplicate"
        else f"loaded ({report.load_mode})",
        "file": dg.MetadataValue.path(report.file),
        "sha256": report.sha256,
        "size": human_bytes(report.bytes),
        "seconds": round(report.seconds, 3),
        "timings": ", ".join(f"{stage} {s:.3f} s" for stage, s in report.timings.items()),
        "preview": table(report.preview),
        "dialect": table(sniffed_rows(dialect), {"confidence": CONFIDENCE}),
        "column_types": table(type_rows(dialect), {"confidence": CONFIDENCE}, limit=200),
    }
    if report.rows_rejected:
        metadata["quarantined_by_rule"] = table(top_rule_rows(report.failures.top()))
    if report.drift.against:
        metadata["drift_against"] = report.drift.against
    if report.drift.changes:
        metadata["drift"] = table([change.as_dict() for change in report.drift.changes])
    if report.rows_replaced:
        metadata["rows_replaced"] = report.rows_replaced
    if report.added_columns:
        metadata["added_columns"] = ", ".join(report.added_columns)
    if report.added_columns or report.widened:
        metadata["schema_changes"] = table(schema_change_rows(report))
    if report.rescued:
        rescued = [{"column": name, "cells": n} for name, n in report.rescued.items()]
        metadata["rescued_cells"] = table(rescued)
    if report.ignored_columns:
        metadata["ignored_columns"] = ", ".join(report.ignored_columns)
    if report.set_aside:
        metadata["set_aside"] = dg.MetadataValue.path(report.set_aside)
    if report.pending:
        metadata["pending"] = report.pending
    return metadata


def table(
    rows: Sequence[Mapping[str, Any]],
    descriptions: Mapping[str, str] | None = None,
    limit: int = TABLE_ROWS,
) -> dg.TableMetadataValue:
    """Dict rows as a table the UI renders as one (cells as text, nulls as ``NULL``).

    ``descriptions`` explain columns; the UI shows them under "Show schema".
    """
    headers = list(rows[0]) if rows else ["none"]
    about = descriptions or {}
    schema = dg.TableSchema(
        columns=[dg.TableColumn(h, "text", description=about.get(h)) for h in headers]
    )
    records = [dg.TableRecord({h: cell(row.get(h)) for h in headers}) for row in rows[:limit]]
    return dg.MetadataValue.table(records, schema=schema)


def cell(value: Any) -> str | int | float | bool:
    """A table cell: numbers and booleans as they are, missing values as ``NULL``, else text."""
    if value is None:
        return NULL
    if isinstance(value, bool | int | float):
        return value
    text = str(value).replace("\r", " ").replace("\n", " ")
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def human_bytes(size: int) -> str:
    """``1730`` as ``1.7 kB (1,730 bytes)``."""
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= factor:
            return f"{size / factor:.1f} {unit} ({size:,} bytes)"
    return f"{size:,} bytes"


def sniffed_rows(dialect: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What the sniffer decided, and how sure it was of each (0-100 %), or that it was pinned."""
    confidence = dialect.get("confidence", {})
    pinned = set(dialect.get("pinned", []))
    unsure = dialect.get("unsure", {})
    rows = []
    for field, decision in SNIFFED:
        if field in pinned:
            sure, note = "pinned", "set in the source's dialect"
        else:
            score = confidence.get(decision)
            sure = f"{score:.0%}" if isinstance(score, int | float) else ""
            note = unsure_note(unsure[decision]) if decision in unsure else ""
        value = dialect.get(field)
        rows.append(
            {
                "decision": field,
                "value": "none" if value is None else repr(value),
                "confidence": sure,
                "note": note,
            }
        )
    return rows


def type_rows(dialect: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each column's sniffed kind and format, how sure (share of values that fit), its nulls."""
    return [
        {
            "column": name,
            "kind": guess["kind"],
            "format": guess["format"] or "",
            "confidence": f"{guess['confidence']:.0%}",
            "nulls": guess.get("nulls", 0),
        }
        for name, guess in dialect.get("column_types", {}).items()
    ]


def top_rule_rows(top_rules: Sequence[RuleCount]) -> list[dict[str, Any]]:
    """The rules rows broke: how many, and the first row of each."""
    return [
        {
            "rule": rule.rule,
            "rows": rule.count,
            "line": rule.example.line,
            "column": rule.example.column,
            "message": rule.example.message,
        }
        for rule in top_rules
    ]


def schema_change_rows(report: IngestReport) -> list[dict[str, Any]]:
    """What a delivery did to its table's columns: each added or widened, old type to new."""
    types = {c.name: c.sql_type for c in report.columns}
    return [
        *(
            {
                "column": c.column,
                "change": "widened",
                "before": c.before.sql_type,
                "after": c.after.sql_type,
            }
            for c in report.widened
        ),
        *(
            {"column": name, "change": "added", "before": "", "after": types.get(name, "")}
            for name in report.added_columns
        ),
    ]
