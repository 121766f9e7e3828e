"""Shapes real exports have, loaded end to end: header only, a second table, padded fields,
legacy bytes. Every outcome is read back by SQL or from the folders, on SQLite and PostgreSQL.
"""

import json

import pytest
import sqlalchemy as sa

from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.load import ledger
from csv_assets_tests.conftest import drop
from csv_assets_tests.ingest.test_ingest import CATALOG, ORDERS_HEADER, ingest, scalar

ROWS = [
    "61001,1001,2026-11-03T10:00:00Z,paid,ABC-1001,2,4.99,",
    "61002,1002,2026-11-03T10:05:00Z,placed,LMN-0007,1,12.50,gift",
    "61003,1003,2026-11-03T10:09:00Z,shipped,ABC-1001,3,4.99,",
]
SECOND_TABLE = "\nsku,description\nABC-1001,Widget\nLMN-0007,Gadget\n"


def test_a_header_only_file_is_an_empty_delivery_without_drift(data_dir, engine, monkeypatch):
    monkeypatch.setitem(
        CATALOG, "orders", CATALOG["orders"].model_copy(update={"on_drift": "fail"})
    )
    ingest(data_dir, engine, "orders", "orders_2026-11-02.csv")
    drop(data_dir, "orders", "orders_none.csv", ORDERS_HEADER)

    report, _, _ = ingest(data_dir, engine, "orders", "orders_none.csv")

    assert (report.status, report.rows_read, report.rows_loaded, report.drift.changes) == (
        "loaded",
        0,
        0,
        (),
    )
    with engine.connect() as conn:
        entry = conn.execute(
            sa.select(ledger.c.rows_loaded).where(ledger.c.file_name == "orders_none.csv")
        ).one()
    assert entry.rows_loaded == 0


def test_a_header_only_file_with_a_missing_column_is_still_rejected(data_dir, engine):
    drop(data_dir, "orders", "orders_short.csv", "order_id,customer_id\n")

    with pytest.raises(BadFileError) as caught:
        ingest(data_dir, engine, "orders", "orders_short.csv")

    assert caught.value.rule == "missing_column"


def test_a_second_table_is_set_aside_with_a_report_and_the_first_loads(data_dir, engine):
    drop(
        data_dir, "orders", "orders_two.csv", ORDERS_HEADER + "\n".join(ROWS) + "\n" + SECOND_TABLE
    )

    report, delivery, folders = ingest(data_dir, engine, "orders", "orders_two.csv")

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 3, 0)
    assert scalar(engine, sa.text("SELECT count(*) FROM orders")) == 3
    set_aside = folders.rejected / delivery.stamp / "orders_two.from-line-6.csv"
    assert report.set_aside == str(set_aside)
    assert set_aside.read_text() == SECOND_TABLE.lstrip("\n")
    note = json.loads(set_aside.with_name(set_aside.name + ".report.json").read_text())
    assert note["line"] == 6 and "second table starts on line 6" in note["message"]
    assert (folders.archive / delivery.stamp / "orders_two.csv").is_file()


def test_a_second_table_rejects_the_file_when_the_source_says_fail(data_dir, engine, monkeypatch):
    strict = CATALOG["orders"].model_copy(update={"on_extra_table": "fail"})
    monkeypatch.setitem(CATALOG, "orders", strict)
    drop(
        data_dir, "orders", "orders_two.csv", ORDERS_HEADER + "\n".join(ROWS) + "\n" + SECOND_TABLE
    )

    with pytest.raises(BadFileError) as caught:
        ingest(data_dir, engine, "orders", "orders_two.csv")

    assert (caught.value.rule, caught.value.line) == ("extra_table", 6)
    assert "second table starts on line 6" in str(caught.value)
    assert not sa.inspect(engine).has_table("orders")
    assert next((data_dir / "rejected" / "orders").rglob("orders_two.csv.report.json"))


def test_fields_padded_after_the_comma_load_without_the_padding(data_dir, engine):
    padded = [", ".join(f'"{c}"' if c == "gift" else c for c in row.split(",")) for row in ROWS]
    drop(
        data_dir,
        "orders",
        "orders_padded.csv",
        ORDERS_HEADER.replace(",", ", ") + "\n".join(padded) + "\n",
    )

    report, _, _ = ingest(data_dir, engine, "orders", "orders_padded.csv")

    assert report.dialect.skip_initial_space and report.rows_loaded == 3
    with engine.connect() as conn:
        notes = conn.execute(sa.text("SELECT status, note FROM orders ORDER BY order_id")).all()
    assert [tuple(n) for n in notes] == [("paid", None), ("placed", "gift"), ("shipped", None)]


def test_broken_utf8_bytes_load_as_replacement_characters_and_say_so(data_dir, engine):
    rows = [
        f"{62000 + i},1001,2026-11-03T10:00:00Z,paid,ABC-1001,1,4.99,Café crème" for i in range(12)
    ]
    content = (ORDERS_HEADER + "\n".join(rows) + "\n").encode()
    content = content.replace("crème".encode(), b"cr\xe8me", 1)  # one cp1252 byte in UTF-8
    drop(data_dir, "orders", "orders_broken.csv", content)

    report, _, _ = ingest(data_dir, engine, "orders", "orders_broken.csv")

    assert report.dialect.encoding == "utf-8"
    assert report.dialect.encoding_errors == "replace"
    assert any("U+FFFD" in note for note in report.dialect.notes)
    with engine.connect() as conn:
        notes = conn.execute(sa.text("SELECT note, count(*) FROM orders GROUP BY note")).all()
    assert sorted(map(tuple, notes)) == [("Café crème", 11), ("Café cr\ufffdme", 1)]
