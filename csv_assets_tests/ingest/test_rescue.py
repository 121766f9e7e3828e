"""Rescued data: cells a row loads without, kept as text, then moved home by a replay."""

import json
from pathlib import Path

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest import Ingestor
from csv_assets_support.warehouse_sql import as_text

HEADER = "line_id,count,price,shipped,note"


def counts(**evolution: object) -> SourceSpec:
    values = {"name": "counts", "schema_model": "csv_assets_tests.models:Counts"}
    return SourceSpec.model_validate({**values, "schema_evolution": evolution})


def deliver(engine, source, tmp_path: Path, name: str, header: str, *rows: str):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n")
    return Ingestor(engine, name).load_file(source, path, name)


def rescued_rows(engine: sa.Engine) -> list[tuple]:
    """Each row's line id, price and rescued cells (as a dict), by line id."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT line_id, price, _rescued_data FROM counts ORDER BY line_id")
        )
        return [(i, p, json.loads(r) if isinstance(r, str) else r) for i, p, r in rows]


def has_rescue_column(engine: sa.Engine) -> bool:
    return "_rescued_data" in {c["name"] for c in sa.inspect(engine).get_columns("counts")}


def test_a_misfit_cell_of_a_nullable_column_is_rescued_and_its_row_loads(tmp_path, engine):
    source = counts(data_type="rescue")
    clean = deliver(engine, source, tmp_path, "a.csv", HEADER, "1,3,1.50,,")
    assert clean.rescued == {} and not has_rescue_column(engine)

    report = deliver(engine, source, tmp_path, "b.csv", HEADER, "2,4,lots,,", "3,5,2.00,,")

    assert (report.rows_loaded, report.rows_rejected, dict(report.rescued)) == (2, 0, {"price": 1})
    prices = [(i, None if p is None else str(p), r) for i, p, r in rescued_rows(engine)]
    assert prices == [(1, "1.50", None), (2, None, {"price": "lots"}), (3, "2.00", None)]


def test_a_misfit_cell_of_a_column_that_may_not_be_null_still_quarantines_its_row(tmp_path, engine):
    source = counts(data_type="rescue").model_copy(update={"max_rejected_rows": 1})

    report = deliver(engine, source, tmp_path, "a.csv", HEADER, "1,many,,,", "2,4,,,")

    assert (report.rows_loaded, report.rows_rejected, dict(report.rescued)) == (1, 1, {})
    assert report.failures.by_rule == {"count__type": 1}


def test_a_new_columns_cells_are_rescued_under_new_column_rescue(tmp_path, engine):
    source = counts(new_column="rescue")
    header = HEADER + ",Meter No"

    report = deliver(engine, source, tmp_path, "a.csv", header, "1,3,,,,M-7", "2,4,,,,")

    assert dict(report.rescued) == {"meter_no": 1} and report.added_columns == ()
    assert [r for _, _, r in rescued_rows(engine)] == [{"meter_no": "M-7"}, None]
    assert "meter_no" not in {c["name"] for c in sa.inspect(engine).get_columns("counts")}


def test_a_replay_moves_rescued_cells_home_once_the_table_takes_them(tmp_path, engine):
    header = HEADER + ",Meter No"
    rescuing = counts(data_type="rescue", new_column="rescue")
    deliver(engine, rescuing, tmp_path, "a.csv", header, "1,3,123456789.5,,,M-7")
    learned = rescuing.model_copy(
        update={"schema_model": "csv_assets_tests.models:CountsWithMeter"}
    )

    first = Ingestor(engine, "replay-1").replay(learned)
    widening = SourceSpec.model_validate(
        {**learned.model_dump(), "schema_evolution": {"data_type": "widen"}}
    )
    deliver(engine, widening, tmp_path, "b.csv", HEADER + ",meter_no", "2,4,987654321.25,,,M-8")
    second = Ingestor(engine, "replay-2").replay(learned)
    third = Ingestor(engine, "replay-3").replay(learned)

    assert (first.rescued_moved, first.rescued_left) == (1, 1)  # meter_no; the price waits
    assert (second.rescued_moved, second.rescued_left) == (1, 0)  # price, once it widened
    assert (third.rescued_moved, third.rescued_left) == (0, 0)
    with engine.connect() as conn:
        columns = (sa.column("line_id"), as_text("price"), sa.column("meter_no"))
        query = sa.select(*columns, sa.column("_rescued_data")).select_from(sa.table("counts"))
        rows = conn.execute(query.order_by(sa.column("line_id")))
        assert [tuple(r) for r in rows] == [
            (1, "123456789.50", "M-7", None),
            (2, "987654321.25", "M-8", None),
        ]
