"""Replay quarantined rows: re-validate them under today's contract and load those that pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.column_plans import plan_file
from csv_assets.ingest.rescue_replay import replay_rescued
from csv_assets.pipeline.dialect import dialect_from_description
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.load import DeliveryTable, Ledger, Lineage, quarantine
from csv_assets.pipeline.read import RawChunk
from csv_assets.pipeline.validate import Contract, import_model, validate_chunk


@dataclass
class ReplayReport:
    """What a replay did, per file and in total."""

    source: str
    replayed: int = 0
    still_failing: int = 0
    files: dict[str, dict[str, int | str]] = field(default_factory=dict)
    rescued_moved: int = 0
    """Rescued cells moved into their typed columns (``_rescued_data``)."""
    rescued_left: int = 0
    """Rescued cells the model does not take yet: they stay where they are."""


def replay_quarantine(
    source: SourceSpec, engine: sa.Engine, run_id: str, file_name: str | None = None
) -> ReplayReport:
    """Re-validate a source's quarantined rows; load and un-quarantine those that now pass.

    One transaction: rows move from quarantine to the table (and the ledger's counts follow)
    all together or not at all. Rows that still fail stay, with today's reasons. In ``replace``
    mode only rows of the file the table now holds are replayed: older files were superseded.
    """
    contract = Contract.from_model(import_model(source.schema_model), source.key_columns)
    report = ReplayReport(source.name)
    with engine.begin() as conn:
        Ledger(conn).claim(source.table_name)  # one writer of the table, as a load is
        if not file_name:
            report.rescued_moved, report.rescued_left = replay_rescued(conn, source, contract)
        held = sa.select(quarantine).where(quarantine.c.source == source.name)
        if file_name:
            held = held.where(quarantine.c.file_name == file_name)
        rows = conn.execute(held.order_by(quarantine.c.sha256, quarantine.c.line)).all()
        by_file: dict[str, list[sa.Row[Any]]] = {}
        for row in rows:
            by_file.setdefault(row.sha256, []).append(row)
        for sha256, group in by_file.items():
            report.files[group[0].file_name] = _replay_file(
                conn, source, contract, sha256, group, run_id
            )
    report.replayed = sum(int(f["replayed"]) for f in report.files.values())
    report.still_failing = sum(int(f["still_failing"]) for f in report.files.values())
    return report


def _replay_file(
    conn: sa.Connection,
    source: SourceSpec,
    contract: Contract,
    sha256: str,
    held: list[sa.Row[Any]],
    run_id: str,
) -> dict[str, int | str]:
    deliveries = Ledger(conn)
    entry = deliveries.entry(source.name, sha256)
    outcome: dict[str, int | str] = {"replayed": 0, "still_failing": len(held), "note": ""}
    dialect = dialect_from_description(entry.dialect, entry.header)
    try:
        plan = plan_file(conn, source, dialect, contract, entry.file_name)
    except BadFileError as error:
        outcome["note"] = error.describe()
        return outcome
    lineage = Lineage(
        source.name, entry.file_name, sha256, entry.partition_key, run_id, entry.delivery_id
    )
    table = DeliveryTable.prepare(conn, source.table_name, plan.columns, lineage, plan.added)
    if source.load_mode == "replace" and table.holds_others():
        outcome["note"] = "superseded: the table now holds a newer file (load mode replace)"
        return outcome
    width = len(dialect.columns)
    regular = [r for r in held if len(r.raw_cells) == width]
    cells = pa.table(
        {
            name: pa.array([r.raw_cells[i] for r in regular], pa.string())
            for i, name in enumerate(dialect.columns)
        }
    )
    chunk = RawChunk(cells, pa.array([r.line for r in regular]).to_numpy(), [])
    result = validate_chunk(chunk, contract, plan, dialect, entry.file_name)
    if source.load_mode == "upsert":
        staged = table.staged()
        staged.write(result.table)
        staged.merge_into(table, source.key_columns)
    else:
        table.write(result.table)
    passed = set(result.table.column("_source_line").to_pylist())
    ids = [r.id for r in held if r.line in passed]
    conn.execute(sa.delete(quarantine).where(quarantine.c.id.in_(ids)))
    _refresh_reasons(table, held, result.rejected)
    deliveries.count_replayed(source.name, sha256, len(ids))
    outcome.update(replayed=len(ids), still_failing=len(held) - len(ids))
    return outcome


def _refresh_reasons(table: DeliveryTable, held: list[sa.Row[Any]], rejected: list[Any]) -> None:
    """Rows that still fail keep their place, with the reasons today's contract gives."""
    lines = {r.line for r in rejected}
    stale = [r.id for r in held if r.line in lines]
    if stale:
        table.conn.execute(sa.delete(quarantine).where(quarantine.c.id.in_(stale)))
        table.quarantine(rejected)
