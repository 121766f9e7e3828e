"""Operator jobs in the UI: check a file before it drops (a dry run); replay a quarantine."""

from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from csv_assets.catalog import SourceSpec, load_catalog
from csv_assets.components.csv_source.metadata import table
from csv_assets.components.csv_source.resources import Warehouse
from csv_assets.ingest import Ingestor


class ValidateConfig(dg.Config):
    """The file to check and the source to check it against (Launchpad config)."""

    source: str = Field(description="The catalog source, e.g. orders.")
    file: str = Field(description="Path of the CSV file, as the run's worker sees it.")


@dg.op(description="Dry run: sniff, type and check a file as a source's next delivery.")
def validate_file_op(
    context: dg.OpExecutionContext, config: ValidateConfig, warehouse: Warehouse
) -> dg.Output[bool]:
    """What a load of the file would do, with nothing written; fails if it would be rejected."""
    path = Path(config.file)
    if not path.is_file():
        raise dg.Failure(f"{path} is not a file on this worker", allow_retries=False)
    verdict = Ingestor(warehouse.engine, context.run.run_id).dry_run(_source(config.source), path)
    context.log.info(f"{path.name}: {verdict.headline}")
    metadata: dict[str, Any] = {
        "verdict": verdict.outcome,
        "rows_read": verdict.rows_read,
        "rows_would_load": verdict.rows_loaded,
        "rows_would_quarantine": verdict.rows_rejected,
        "budget": verdict.budget or "nothing read",
        "quarantine": table(
            [
                {
                    "rule": rule.rule,
                    "rows": rule.count,
                    "lines": ", ".join(str(example.line) for example in rule.examples)
                    + (", ..." if rule.count > len(rule.examples) else ""),
                    "message": rule.example.message,
                }
                for rule in verdict.rules
            ]
        ),
        "preview": table(verdict.report.preview if verdict.report else ()),
    }
    if not verdict.would_load:
        raise dg.Failure(f"{path.name}: {verdict.headline}", metadata=metadata, allow_retries=False)
    return dg.Output(True, metadata=metadata)


@dg.job(
    description="Check a file against a source before it drops: what would load, what would "
    "be quarantined (by rule, with lines), and whether it would be rejected. Writes nothing.",
    config={"ops": {"validate_file_op": {"config": {"source": "orders", "file": ""}}}},
)
def validate_file_job() -> None:
    """The dry run alone."""
    validate_file_op()


def _source(name: str) -> SourceSpec:
    catalog = load_catalog()
    if name not in catalog:
        raise dg.Failure(f"no source {name!r}; known: {', '.join(sorted(catalog))}")
    return catalog[name]


class ReplayConfig(dg.Config):
    """Which quarantine to replay."""

    source: str
    file: str | None = None


@dg.op(
    description="Re-validate quarantined rows under today's schema and load those that pass; "
    "move rescued cells the table now takes into their columns."
)
def replay_quarantined_rows(
    context: dg.OpExecutionContext, config: ReplayConfig, warehouse: Warehouse
) -> dg.Output[int]:
    """Replay one source's quarantine atomically and report per file."""
    report = Ingestor(warehouse.engine, context.run.run_id).replay(
        _source(config.source), config.file
    )
    return dg.Output(
        report.replayed,
        metadata={
            "replayed": report.replayed,
            "still_failing": report.still_failing,
            "rescued_moved": report.rescued_moved,
            "rescued_left": report.rescued_left,
            "files": dg.MetadataValue.json(report.files),
        },
    )


@dg.job(description="Replay a source's quarantined rows (set source, and optionally file).")
def replay_quarantine_job() -> None:
    """The replay op alone."""
    replay_quarantined_rows()
