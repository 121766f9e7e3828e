"""Replay after a schema change, and requeue of a rejected file, on SQLite and PostgreSQL."""

from decimal import Decimal

import dagster as dg
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.components.csv_source.jobs import replay_quarantine_job
from csv_assets.components.csv_source.resources import Warehouse
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.load import decimal_type, ledger, quarantine

CSV = (
    "reading_id,site,value,taken_at\n"
    "1,north,1.50,2026-11-01T10:00:00Z\n"
    "2,west,2.50,2026-11-01T11:00:00Z\n"  # west: not an allowed site today
    "3,south,oops,2026-11-01T12:00:00Z\n"  # never a decimal
)


def spec(model: str) -> SourceSpec:
    return SourceSpec(
        name="readings", schema_model=f"csv_assets_tests.models:{model}", max_rejected_rows=5
    )


def state(engine: sa.Engine) -> tuple:
    with engine.connect() as conn:
        readings = sa.text("SELECT reading_id, value FROM readings ORDER BY 1")
        table = conn.execute(readings.columns(value=decimal_type(8, 2))).all()
        held = conn.execute(sa.select(quarantine.c.line, quarantine.c.rule)).all()
        counts = conn.execute(sa.select(ledger.c.rows_loaded, ledger.c.rows_rejected)).one()
    return [tuple(r) for r in table], sorted(tuple(r) for r in held), tuple(counts)


def test_replay_after_a_schema_fix_loads_what_now_passes_and_keeps_the_rest(tmp_path, engine):
    path = tmp_path / "r.csv"
    path.write_text(CSV)
    Ingestor(engine, "run-1").load_file(spec("Readings"), path, "r.csv@1")
    assert state(engine)[2] == (1, 2)

    report = Ingestor(engine, "replay-1").replay(spec("ReadingsWithWest"))

    assert (report.replayed, report.still_failing) == (1, 1)
    table, held, counts = state(engine)
    assert table == [(1, Decimal("1.50")), (2, Decimal("2.50"))]
    assert held == [(4, "type:decimal")]
    assert counts == (2, 1)


def test_replay_changes_nothing_while_the_rows_still_fail(tmp_path, engine):
    path = tmp_path / "r.csv"
    path.write_text(CSV)
    Ingestor(engine, "run-1").load_file(spec("Readings"), path, "r.csv@1")
    before = state(engine)

    report = Ingestor(engine, "replay-1").replay(spec("Readings"))

    assert (report.replayed, report.still_failing) == (0, 2)
    assert state(engine) == before


def test_the_replay_job_runs_from_dagster(tmp_path, database_url, engine, monkeypatch):
    path = tmp_path / "orders.csv"
    source = SourceSpec(
        name="orders", schema_model="csv_assets.schemas.orders:Orders", max_rejected_rows=5
    )
    path.write_text(
        "order_id,customer_id,ordered_at,status,sku,quantity,unit_price,note\n"
        "1,1,2026-11-01T10:00:00Z,lost,ABC-1234,1,1.00,\n"
    )
    Ingestor(engine, "run-1").load_file(source, path, "orders.csv@1")

    result = replay_quarantine_job.execute_in_process(
        run_config={"ops": {"replay_quarantined_rows": {"config": {"source": "orders"}}}},
        resources={"warehouse": Warehouse(database_url=database_url)},
    )

    assert result.success
    output = result.output_for_node("replay_quarantined_rows")
    assert output == 0
    assert isinstance(result.dagster_run, dg.DagsterRun)
