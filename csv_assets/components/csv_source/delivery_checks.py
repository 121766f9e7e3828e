"""The checks every delivery gets, as specs and as one delivery's results, tied to its partition.

What each label means is what the load does:

- ``delivery_accepted`` (ERROR, not blocking): fails when the delivery was rejected. Nothing of
  it loaded; it says why, where the file and its report are, and how to requeue it. The other
  checks of a rejected delivery are not evaluated, and have no result on its partition.
- Blocking checks hold back what depends on the table (``daily_revenue`` waits for them to
  pass). A blocking contract rule (``blocking_rules``) or ``dialect_drift`` with
  ``on_drift: fail`` rejects a delivery that breaks it before anything loads: it never fails on
  a loaded delivery, and the rejection's ``delivery_accepted`` names it as its ``rule``.
- Warnings (yellow "Failed" in the UI) report rows that went to quarantine while the delivery
  loaded within its error budget.
"""

import shlex
from collections.abc import Collection, Sequence
from typing import Any

import dagster as dg

from csv_assets.catalog import SourceSpec
from csv_assets.components.csv_source.evolution_checks import evolution_results, evolution_specs
from csv_assets.components.csv_source.key_checks import (
    UNIQUE_KEYS,
    keys_description,
    keys_result,
)
from csv_assets.components.csv_source.metadata import table, top_rule_rows
from csv_assets.ingest import IngestReport, broken_rules
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.validate import Rule

DELIVERY_ACCEPTED = "delivery_accepted"
SCHEMA_VALID = "schema_valid"
NOT_EMPTY = "not_empty"
ROWS_RECONCILE = "rows_reconcile"
DIALECT_DRIFT = "dialect_drift"
ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN


def check_specs(
    key: dg.AssetKey,
    source: SourceSpec,
    rules: Sequence[Rule],
    partitions: dg.PartitionsDefinition,
) -> list[dg.AssetCheckSpec]:
    """The checks every delivery gets, each evaluated per partition (the delivery's own)."""

    def spec(name: str, description: str, blocking: bool = False) -> dg.AssetCheckSpec:
        return dg.AssetCheckSpec(
            name, asset=key, partitions_def=partitions, blocking=blocking, description=description
        )

    drift_fails = source.on_drift == "fail"
    return [
        spec(
            DELIVERY_ACCEPTED,
            "Fails (error) when the delivery was rejected: nothing of it loaded, and the file "
            "waits in the rejected folder beside a report. The result says why, where, and the "
            "command that requeues it.",
        ),
        spec(
            SCHEMA_VALID,
            "Warns when rows of the delivery went to quarantine within the error budget (they "
            "are held back, the rest loaded). Over the budget the delivery is rejected instead.",
        ),
        spec(NOT_EMPTY, "Blocking: the table holds rows after the load.", blocking=True),
        spec(
            ROWS_RECONCILE,
            "Blocking: rows read = rows loaded + rows quarantined (+ rows skipped for a key an "
            "earlier delivery loaded, with on_seen_key: skip).",
            blocking=True,
        ),
        spec(
            DIALECT_DRIFT,
            "Blocking: a delivery written differently from the previous one (encoding, "
            "delimiter, header, columns) is rejected before it loads (on_drift: fail)."
            if drift_fails
            else "Warns when the delivery is written differently from the previous one "
            "(encoding, delimiter, header, columns); it still loads (on_drift: warn).",
            blocking=drift_fails,
        ),
        *([spec(UNIQUE_KEYS, keys_description(source))] if source.key_columns else []),
        *(spec(name, description) for name, description in evolution_specs(source)),
        *(
            spec(
                rule.key,
                f"Blocking: every row {rule.description}; a row that does not rejects the "
                "whole delivery before it loads."
                if rule.key in source.blocking_rules
                else f"Warns when rows break it (they go to quarantine): {rule.description}.",
                blocking=rule.key in source.blocking_rules,
            )
            for rule in rules
        ),
    ]


def accepted_result(report: IngestReport) -> dg.AssetCheckResult:
    """``delivery_accepted`` of a delivery that loaded (or was a copy of one that had)."""
    return dg.AssetCheckResult(
        check_name=DELIVERY_ACCEPTED,
        passed=True,
        severity=ERROR,
        description=f"same content as {report.duplicate_of}: nothing loaded again"
        if report.status == "duplicate"
        else f"{report.rows_loaded} row(s) loaded, {report.rows_rejected} quarantined",
        metadata={"file": dg.MetadataValue.path(report.file), "sha256": report.sha256},
    )


def rejected_result(source: SourceSpec, error: BadFileError) -> dg.AssetCheckResult:
    """``delivery_accepted`` of a rejected delivery: why, where it is now, how to requeue it."""
    report = error.report_location or ""
    metadata: dict[str, Any] = {
        "reason": error.reason,
        "rule": error.rule,
        "line": str(error.line) if error.line is not None else "",  # text: not a series to plot
        "column": error.column or "",
        "rejected_file": dg.MetadataValue.path(report.removesuffix(".report.json")),
        "report": dg.MetadataValue.path(report),
        # Quoted: the name is the sender's, and the line is made to be pasted into a shell.
        "requeue": f"csv-assets requeue {source.name} {shlex.quote(error.file.rpartition('/')[2])}",
    }
    if error.details.get("top_rules"):
        metadata["rows_by_rule"] = table(top_rule_rows(broken_rules(error.details)))
    return dg.AssetCheckResult(
        check_name=DELIVERY_ACCEPTED,
        passed=False,
        severity=ERROR,
        description=f"rejected: {error.describe()}. Fix the file, then requeue it: "
        f"{metadata['requeue']}",
        metadata={k: v for k, v in metadata.items() if v != ""},
    )


def loaded_results(
    report: IngestReport, rules: Sequence[Rule], source: SourceSpec
) -> list[dg.AssetCheckResult]:
    """Every check of a delivery that loaded: acceptance, validity, counts, drift, each rule."""
    return [
        accepted_result(report),
        *_frame_results(report, source.on_drift),
        *([keys_result(report, source)] if source.key_columns else []),
        *evolution_results(report, source),
        *_rule_results(report, rules, source.blocking_rules),
    ]


def _rule_results(
    report: IngestReport, rules: Sequence[Rule], blocking: Collection[str]
) -> list[dg.AssetCheckResult]:
    """Each rule's result: how many rows of this delivery broke it, with examples."""
    results = []
    for rule in rules:
        failures = report.failures.by_rule.get(rule.key, 0)
        metadata: dict[str, Any] = {"failures": failures}
        if failures:
            metadata["examples"] = table(
                [
                    {
                        "line": sample.line,
                        "column": sample.column,
                        "value": sample.value,
                        "message": sample.message,
                    }
                    for sample in report.failures.examples.get(rule.key, ())
                ]
            )
        results.append(
            dg.AssetCheckResult(
                check_name=rule.key,
                passed=failures == 0,
                severity=ERROR if rule.key in blocking else WARN,
                description=(
                    f"blocking: {failures} row(s) broke it"
                    if rule.key in blocking
                    else f"warning: {failures} row(s) quarantined; the delivery loaded"
                )
                if failures
                else "every row meets it",
                metadata=metadata,
            )
        )
    return results


def _frame_results(report: IngestReport, on_drift: str) -> list[dg.AssetCheckResult]:
    rejected = report.rows_rejected
    schema_metadata: dict[str, Any] = {"rows_rejected": rejected}
    if rejected:
        schema_metadata["quarantined_by_rule"] = table(top_rule_rows(report.failures.top()))
        samples = [sample.as_dict() for sample in report.failures.samples]
        schema_metadata["failure_samples"] = table(samples)
    drift = report.drift
    drift_metadata: dict[str, Any] = {"previous_delivery": drift.against or "none"}
    if drift.changes:
        drift_metadata["changes"] = table([change.as_dict() for change in drift.changes])
    reconciled = report.rows_read == report.rows_loaded + report.rows_rejected + report.rows_skipped
    return [
        dg.AssetCheckResult(
            check_name=DIALECT_DRIFT,
            passed=not drift.changes,
            severity=ERROR if on_drift == "fail" else WARN,
            description="warning: " + "; ".join(change.detail for change in drift.changes)
            if drift.changes
            else (
                f"written like {drift.against}"
                if drift.against
                else "the first delivery: nothing to compare with"
            ),
            metadata=drift_metadata,
        ),
        dg.AssetCheckResult(
            check_name=SCHEMA_VALID,
            passed=rejected == 0,
            severity=WARN,
            description=f"warning: {rejected} row(s) quarantined, within the error budget; "
            "the delivery loaded"
            if rejected
            else "every row met the schema",
            metadata=schema_metadata,
        ),
        dg.AssetCheckResult(
            check_name=NOT_EMPTY,
            passed=report.table_rows > 0,
            description=f"{report.table_rows} row(s) in {report.table}",
            metadata={"table_rows": report.table_rows},
        ),
        dg.AssetCheckResult(
            check_name=ROWS_RECONCILE,
            passed=reconciled,
            description=f"{report.rows_read} read {'=' if reconciled else '≠'} "
            f"{report.rows_loaded} loaded + "
            f"{report.rows_rejected} quarantined"
            + (f" + {report.rows_skipped} skipped" if report.rows_skipped else ""),
            metadata={
                "rows_read": report.rows_read,
                "rows_loaded": report.rows_loaded,
                "rows_rejected": report.rows_rejected,
            },
        ),
    ]
