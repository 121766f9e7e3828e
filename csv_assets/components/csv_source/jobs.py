"""Operator jobs in the UI: replay a source's quarantine after a schema or data fix."""

import dagster as dg

from csv_assets.components.csv_source.resources import Warehouse
from csv_assets.ingest import load_catalog, replay_quarantine


class ReplayConfig(dg.Config):
    """Which quarantine to replay."""

    source: str
    file: str | None = None


@dg.op(description="Re-validate quarantined rows under today's schema; load those that pass.")
def replay_quarantined_rows(
    context: dg.OpExecutionContext, config: ReplayConfig, warehouse: Warehouse
) -> dg.Output[int]:
    """Replay one source's quarantine atomically and report per file."""
    catalog = load_catalog()
    if config.source not in catalog:
        raise dg.Failure(f"no source {config.source!r}; known: {', '.join(sorted(catalog))}")
    report = replay_quarantine(
        catalog[config.source], warehouse.engine, context.run.run_id, config.file
    )
    return dg.Output(
        report.replayed,
        metadata={
            "replayed": report.replayed,
            "still_failing": report.still_failing,
            "files": dg.MetadataValue.json(report.files),
        },
    )


@dg.job(description="Replay a source's quarantined rows (set source, and optionally file).")
def replay_quarantine_job() -> None:
    """The replay op alone."""
    replay_quarantined_rows()
