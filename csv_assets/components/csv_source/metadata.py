"""Turn an ``IngestReport`` into the materialization's metadata and embedded check results."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import dagster as dg

from csv_assets.ingest import IngestReport
from csv_assets.pipeline.dialect import unsure_note
from csv_assets.pipeline.validate import ColumnSpec, Rule

SCHEMA_VALID = "schema_valid"
NOT_EMPTY = "not_empty"
ROWS_RECONCILE = "rows_reconcile"
DIALECT_DRIFT = "dialect_drift"
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
    """Every materialization's metadata: the same keys whatever happened."""
    dialect = report.dialect
    return {
        "dagster/row_count": report.table_rows,
        "dagster/partition_row_count": report.rows_loaded,
        "dagster/table_name": report.table,
        "dagster/uri": f"{database_uri}#{report.table}",
        "dagster/column_schema": column_schema(report.columns),
        "status": report.status,
        "duplicate_of": report.duplicate_of or "",
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "rows_rejected": report.rows_rejected,
        "rows_replaced": report.rows_replaced,
        "file": dg.MetadataValue.path(report.file),
        "sha256": report.sha256,
        "bytes": report.bytes,
        "database": report.database,
        "encoding": dialect.get("encoding", ""),
        "delimiter": dialect.get("delimiter", ""),
        "dialect": dg.MetadataValue.json(dialect),
        "sniffed": dg.MetadataValue.md(_sniffed_table(dialect)),
        "column_types": dg.MetadataValue.md(_types_table(dialect)),
        "drift": dg.MetadataValue.md(markdown_table(report.drift)),
        "drift_against": report.drift_against or "",
        "ignored_columns": ", ".join(report.ignored_columns),
        "seconds": round(report.seconds, 3),
        "rows_per_second": round(report.rows_per_second, 1),
        "timings": dg.MetadataValue.json({k: round(v, 4) for k, v in report.timings.items()}),
        "rejects_by_rule": dg.MetadataValue.json(report.rejects_by_rule),
        "top_failing_rules": dg.MetadataValue.md(_top_rules_table(report)),
        "failure_samples": dg.MetadataValue.md(markdown_table(report.failure_samples)),
        "added_columns": ", ".join(report.added_columns),
        "load_mode": report.load_mode,
        "preview": dg.MetadataValue.md(markdown_table(report.preview)),
    }


def rule_check_specs(
    key: dg.AssetKey,
    rules: Sequence[Rule],
    blocking: Collection[str] = (),
    partitions: dg.PartitionsDefinition | None = None,
) -> list[dg.AssetCheckSpec]:
    """One check per contract rule, named ``<column>__<check>``; blocking where the source says."""
    return [
        dg.AssetCheckSpec(
            rule.key,
            asset=key,
            partitions_def=partitions,
            blocking=rule.key in blocking,
            description=(
                f"Blocking: every row {rule.description}; one row that does not rejects the "
                "delivery."
                if rule.key in blocking
                else f"Warns when rows break it (they go to quarantine): {rule.description}."
            ),
        )
        for rule in rules
    ]


def rule_check_results(
    report: IngestReport, rules: Sequence[Rule], blocking: Collection[str] = ()
) -> list[dg.AssetCheckResult]:
    """Each rule's result: how many rows of this delivery broke it, with examples."""
    return [
        dg.AssetCheckResult(
            check_name=rule.key,
            passed=report.rejects_by_rule.get(rule.key, 0) == 0,
            severity=dg.AssetCheckSeverity.ERROR
            if rule.key in blocking
            else dg.AssetCheckSeverity.WARN,
            description=f"{report.rejects_by_rule.get(rule.key, 0)} row(s) quarantined",
            metadata={
                "failures": report.rejects_by_rule.get(rule.key, 0),
                "file": report.partition_key,
                "examples": dg.MetadataValue.md(
                    markdown_table(report.samples_by_rule.get(rule.key, []))
                ),
            },
        )
        for rule in rules
    ]


def check_results(report: IngestReport, on_drift: str = "warn") -> list[dg.AssetCheckResult]:
    """The checks embedded in every materialization: validity, non-emptiness, counts, drift."""
    rejected = report.rows_rejected
    return [
        dg.AssetCheckResult(
            check_name=DIALECT_DRIFT,
            passed=not report.drift,
            severity=dg.AssetCheckSeverity.ERROR
            if on_drift == "fail"
            else dg.AssetCheckSeverity.WARN,
            description="; ".join(change["detail"] for change in report.drift)
            if report.drift
            else (
                f"written like {report.drift_against}"
                if report.drift_against
                else "the first delivery: nothing to compare with"
            ),
            metadata={
                "changes": dg.MetadataValue.md(markdown_table(report.drift)),
                "previous_delivery": report.drift_against or "",
            },
        ),
        dg.AssetCheckResult(
            check_name=SCHEMA_VALID,
            passed=rejected == 0,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{rejected} row(s) quarantined, within the error budget"
            if rejected
            else "every row met the schema",
            metadata={
                "rows_rejected": rejected,
                "rejects_by_rule": dg.MetadataValue.json(report.rejects_by_rule),
                "failure_samples": dg.MetadataValue.md(markdown_table(report.failure_samples)),
            },
        ),
        dg.AssetCheckResult(
            check_name=NOT_EMPTY,
            passed=report.table_rows > 0,
            metadata={"table_rows": report.table_rows},
        ),
        dg.AssetCheckResult(
            check_name=ROWS_RECONCILE,
            passed=report.rows_read == report.rows_loaded + report.rows_rejected,
            metadata={
                "rows_read": report.rows_read,
                "rows_loaded": report.rows_loaded,
                "rows_rejected": report.rows_rejected,
            },
        ),
    ]


def _sniffed_table(dialect: Mapping[str, Any]) -> str:
    confidence = dialect.get("confidence", {})
    pinned = set(dialect.get("pinned", []))
    unsure = dialect.get("unsure", {})
    return markdown_table(
        [
            {
                "decision": field,
                "value": repr(dialect.get(field)),
                "confidence": "pinned" if field in pinned else confidence.get(decision, ""),
                "note": _unsure(unsure, decision) if field not in pinned else "",
            }
            for field, decision in SNIFFED
        ]
    )


def _unsure(unsure: Mapping[str, str], decision: str | None) -> str:
    """The note on a decision stated below the threshold: unsure, and its runner-up."""
    return unsure_note(unsure[decision]) if decision in unsure else ""


def _types_table(dialect: Mapping[str, Any]) -> str:
    return markdown_table(
        [
            {
                "column": name,
                "kind": guess["kind"],
                "format": guess["format"] or "",
                "confidence": guess["confidence"],
                "nulls": guess.get("nulls", 0),
            }
            for name, guess in dialect.get("column_types", {}).items()
        ],
        limit=200,
    )


def _top_rules_table(report: IngestReport) -> str:
    rows = [
        {
            "rule": rule["rule"],
            "rows": rule["count"],
            "line": rule["example"]["line"],
            "column": rule["example"]["column"],
            "value": rule["example"]["value"],
            "message": rule["example"]["message"],
        }
        for rule in report.top_rules
    ]
    return markdown_table(rows)


def markdown_table(rows: Sequence[Mapping[str, Any]], limit: int = 20) -> str:
    """Render dict rows as a markdown table (pipes and newlines in cells escaped)."""
    if not rows:
        return "_none_"
    headers = list(rows[0])

    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\r", " ").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += [
        "| " + " | ".join(cell(row.get(h, "")) for h in headers) + " |" for row in rows[:limit]
    ]
    return "\n".join(lines)
