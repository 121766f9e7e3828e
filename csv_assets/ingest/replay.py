"""Replay quarantined rows: re-validate them under today's contract and load those that pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.service import plan_file
from csv_assets.pipeline.dialect import dialect_from_description
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.load import (
    Lineage,
    delivery_rows,
    ledger,
    merge_staged,
    prepare_table,
    quarantine,
    staging_table,
    target_table,
    write_quarantine,
    write_rows,
)
from csv_assets.pipeline.read import RawChunk
from csv_assets.pipeline.validate import Contract, import_model, validate_chunk


@dataclass
class ReplayReport:
    """What a replay did, per file and in total."""

    source: str
    replayed: int = 0
    still_failing: int = 0
    files: dict[str, dict[str, int | str]] = field(default_factory=dict)


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
    entry = conn.execute(
        sa.select(ledger).where(ledger.c.source == source.name, ledger.c.sha256 == sha256)
    ).one()
    outcome: dict[str, int | str] = {"replayed": 0, "still_failing": len(held), "note": ""}
    dialect = dialect_from_description(entry.dialect, entry.header)
    try:
        plan = plan_file(conn, source, dialect, contract, entry.file_name)
    except BadFileError as error:
        outcome["note"] = error.describe()
        return outcome
    table = prepare_table(conn, target_table(source.table_name, plan.columns), plan.added)
    lineage = Lineage(
        source.name, entry.file_name, sha256, entry.partition_key, run_id, entry.delivery_id
    )
    if source.load_mode == "replace" and _superseded(conn, table, lineage):
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
        staged = staging_table(table)
        staged.create(conn)
        write_rows(conn, staged, result.table, lineage)
        merge_staged(conn, staged, table, source.key_columns)
        staged.drop(conn)
    else:
        write_rows(conn, table, result.table, lineage)
    passed = set(result.table.column("_source_line").to_pylist())
    ids = [r.id for r in held if r.line in passed]
    conn.execute(sa.delete(quarantine).where(quarantine.c.id.in_(ids)))
    _refresh_reasons(conn, held, result.rejected, lineage)
    conn.execute(
        sa.update(ledger)
        .where(ledger.c.source == source.name, ledger.c.sha256 == sha256)
        .values(
            rows_loaded=ledger.c.rows_loaded + len(ids),
            rows_rejected=ledger.c.rows_rejected - len(ids),
        )
    )
    outcome.update(replayed=len(ids), still_failing=len(held) - len(ids))
    return outcome


def _superseded(conn: sa.Connection, table: sa.Table, lineage: Lineage) -> bool:
    """Whether the table holds another delivery's rows (a replace load came since)."""
    others = sa.not_(delivery_rows(table, lineage.delivery_id))
    return conn.execute(sa.select(sa.literal(1)).where(others).limit(1)).first() is not None


def _refresh_reasons(
    conn: sa.Connection, held: list[sa.Row[Any]], rejected: list[Any], lineage: Lineage
) -> None:
    """Rows that still fail keep their place, with the reasons today's contract gives."""
    lines = {r.line for r in rejected}
    stale = [r.id for r in held if r.line in lines]
    if stale:
        conn.execute(sa.delete(quarantine).where(quarantine.c.id.in_(stale)))
        write_quarantine(conn, rejected, lineage)
