"""The checks of a changing feed, per delivery: the table's columns changed, cells rescued."""

import dagster as dg

from csv_assets.catalog import SourceSpec
from csv_assets.components.csv_source.metadata import schema_change_rows, table
from csv_assets.ingest import IngestReport

SCHEMA_CHANGES = "schema_changes"
RESCUED_DATA = "rescued_data"
WARN = dg.AssetCheckSeverity.WARN


def evolution_specs(source: SourceSpec) -> list[tuple[str, str]]:
    """The names and descriptions of the source's evolution checks."""
    specs = [
        (
            SCHEMA_CHANGES,
            "Warns when the delivery changed the table's columns under the source's "
            "schema_evolution: a column added, or one widened to a type that holds its new "
            "values (which, from what to what). Later deliveries keep the wider type.",
        )
    ]
    if rescues(source):
        specs.append(
            (
                RESCUED_DATA,
                "Warns when cells of the delivery were kept in _rescued_data instead of their "
                "column (a value that did not fit it, or a column the model does not know); "
                "their rows loaded. Fix the model, then replay to move them home.",
            )
        )
    return specs


def evolution_results(report: IngestReport, source: SourceSpec) -> list[dg.AssetCheckResult]:
    """What the delivery did to the table's columns, and the cells it rescued."""
    changes = schema_change_rows(report)
    results = [
        dg.AssetCheckResult(
            check_name=SCHEMA_CHANGES,
            passed=not changes,
            severity=WARN,
            description="warning: "
            + "; ".join(f"{c['column']} {c['change']} ({c['after']})" for c in changes)
            if changes
            else "no column of the table changed",
            metadata={"changes": table(changes)} if changes else {},
        )
    ]
    if rescues(source):
        rescued = dict(report.rescued)
        results.append(
            dg.AssetCheckResult(
                check_name=RESCUED_DATA,
                passed=not rescued,
                severity=WARN,
                description="warning: "
                + ", ".join(f"{count} cell(s) of {name}" for name, count in rescued.items())
                + " kept in _rescued_data; their rows loaded"
                if rescued
                else "no cell was rescued",
                metadata={"rescued_cells": sum(rescued.values())},
            )
        )
    return results


def rescues(source: SourceSpec) -> bool:
    """Whether the source keeps any cells in ``_rescued_data``."""
    evolution = source.schema_evolution
    return evolution.new_column == "rescue" or evolution.data_type == "rescue"
