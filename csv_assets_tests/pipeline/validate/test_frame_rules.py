"""Dataframe-wide rules of a contract, on SQLite and PostgreSQL: by row, and for the whole file."""

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.load import quarantine

SOURCE = SourceSpec(
    name="shipments",
    schema_model="csv_assets_tests.models:Shipments",
    max_rejected_fraction=0.5,
)


def test_a_row_breaking_a_dataframe_rule_is_quarantined_under_that_rule(tmp_path, engine):
    path = tmp_path / "legs.csv"
    path.write_text(
        "leg_id,departed,arrived,kg\n"
        "1,2026-11-01T08:00:00Z,2026-11-01T12:00:00Z,120.5\n"
        "2,2026-11-01T09:00:00Z,2026-11-01T07:00:00Z,80\n"  # arrives before it leaves
        "3,2026-11-01T10:00:00Z,2026-11-01T18:30:00Z,40\n"
    )

    report = Ingestor(engine, "run").load_file(SOURCE, path, "legs.csv@1")

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    assert report.failures.by_rule == {"frame__arrives_after_departure": 1}
    with engine.connect() as conn:
        held = conn.execute(sa.select(quarantine.c.line, quarantine.c.rule)).all()
    assert [tuple(r) for r in held] == [(3, "arrives_after_departure")]


def test_a_whole_file_rule_that_fails_rejects_the_file_naming_the_rule(tmp_path, engine):
    path = tmp_path / "empty_legs.csv"
    path.write_text(
        "leg_id,departed,arrived,kg\n"
        "1,2026-11-01T08:00:00Z,2026-11-01T12:00:00Z,0\n"
        "2,2026-11-01T09:00:00Z,2026-11-01T10:00:00Z,0\n"
    )

    try:
        Ingestor(engine, "run").load_file(SOURCE, path, "empty_legs.csv@1")
        raise AssertionError("a failing whole-file rule must reject the file")
    except BadFileError as error:
        message = error.describe()

    assert "empty_legs.csv" in message and "carries_weight" in message
    with engine.connect() as conn:
        assert not sa.inspect(conn).has_table("shipments") or (
            conn.execute(sa.text("SELECT count(*) FROM shipments")).scalar_one() == 0
        )
