"""Header cells that read alike: the model's column is loaded from its own cell, and it is said."""

import pytest
import sqlalchemy as sa

from csv_assets.catalog import SchemaEvolution, load_catalog
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import BadFileError

HEADER = "order_id,customer_id,ordered_at,status,sku,quantity,unit_price"
ROW = "70001,1001,2026-11-01T08:00:00Z,paid,ABC-1001,1,10.00"


def _orders(tmp_path, header_end: str, row_end: str):
    path = tmp_path / "orders_alike.csv"
    path.write_text(f"{HEADER},{header_end}\n{ROW},{row_end}\n")
    return path


def test_a_memo_column_that_folds_to_a_models_name_never_takes_its_place(tmp_path, engine):
    source = load_catalog()["orders"].model_copy(
        update={"schema_evolution": SchemaEvolution(new_column="ignore")}
    )
    path = _orders(tmp_path, "Nöte,note", "internal memo,gift wrap please")

    report = Ingestor(engine, "r1").load_file(source, path, "alike")

    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT note FROM orders")).scalar_one() == "gift wrap please"
    assert report.ignored_columns == ("Nöte",)
    assert any("'Nöte' (column 8) is note_2" in note for note in report.dialect.notes)


def test_fail_blames_the_cell_the_model_does_not_know(tmp_path, engine):
    path = _orders(tmp_path, "Nöte,note", "internal memo,gift wrap please")

    with pytest.raises(BadFileError) as caught:
        Ingestor(engine, "r1").load_file(load_catalog()["orders"], path, "alike")

    assert (caught.value.rule, caught.value.column) == ("unexpected_column", "Nöte")
