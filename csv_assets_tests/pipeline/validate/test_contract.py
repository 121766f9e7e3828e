"""A chunk's rows against the whole contract: a cell that fails its cast hides no other rule."""

import sqlalchemy as sa

from csv_assets.catalog import load_catalog
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.load import quarantine

ORDERS = load_catalog()["orders"].model_copy(update={"max_rejected_fraction": 0.5})
HEADER = "order_id,customer_id,ordered_at,status,sku,quantity,unit_price,note\n"


def test_a_row_that_fails_a_cast_is_checked_against_its_other_rules(tmp_path, engine):
    path = tmp_path / "orders_mixed.csv"
    path.write_text(
        HEADER
        + "1,1001,2026-11-01T08:00:00Z,paid,ABC-1001,2,9.99,\n"
        + "2,1001,2026-11-01T08:05:00Z,lost,ABC-1002,many,9.99,\n"  # bad quantity, bad status
        + "3,1001,2026-11-31T08:10:00Z,paid,ABC-1003,1,9.99,\n"  # bad timestamp only
        + "4,1001,2026-11-01T08:15:00Z,paid,ABC-1004,1,9.99,\n"
    )

    report = Ingestor(engine, "run").load_file(ORDERS, path, "orders_mixed.csv@1")

    assert (report.rows_loaded, report.rows_rejected) == (2, 2)
    with engine.connect() as conn:
        held = dict(conn.execute(sa.select(quarantine.c.line, quarantine.c.failures)).all())
    assert sorted(f["rule"] for f in held[3]) == ["isin", "type:integer"]
    assert [f["rule"] for f in held[4]] == ["type:datetime"]
