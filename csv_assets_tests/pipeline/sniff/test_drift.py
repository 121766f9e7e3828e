"""Drift: a delivery compared with the source's previous one, in the pipeline and the ledger."""

from pathlib import Path

from csv_assets.catalog import load_catalog
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.sniff import compare_dialects, sniff_csv
from csv_assets.storage import Delivery, SourceFolders
from csv_assets_tests.conftest import drop


def sniffed(tmp_path: Path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return sniff_csv(path)


def aspects(changes) -> dict[str, tuple]:
    return {c.aspect: (c.before, c.after) for c in changes}


def test_renamed_removed_added_and_retyped_columns_are_told_apart(tmp_path):
    before = sniffed(tmp_path, "a.csv", "id,name,qty,note\n1,Ann,2,x\n2,Bo,3,y\n")
    after = sniffed(tmp_path, "b.csv", "id,full_name,qty,extra\n1,Ann,2.5,7\n2,Bo,3.0,8\n")

    changes = aspects(compare_dialects(before.describe(), after))

    assert changes["column_renamed"] == ("name", "full_name")
    assert changes["column_removed"] == ("note", None)
    assert changes["column_added"] == (None, "extra")
    assert changes["column_retyped"] == ("integer", "decimal")


def test_names_spelled_anew_by_this_release_are_not_drift(tmp_path):
    # Older releases named these cells strae and column_2; the ledger keeps those names.
    after = sniffed(tmp_path, "b.csv", "Straße;Сумма\nHauptstr. 1;12,50\nRing 2;3,99\n")
    before = {**after.describe(), "columns": ["strae", "column_2"]}
    types = before["column_types"].values()
    before["column_types"] = dict(zip(before["columns"], types, strict=True))

    assert after.columns == ("strasse", "summa")
    assert compare_dialects(before, after) == ()


def test_a_change_of_encoding_and_delimiter_is_drift_but_a_new_line_ending_is_not(tmp_path):
    before = sniffed(tmp_path, "a.csv", "id,city\n1,Köln\n2,Wien\n")
    same = sniffed(tmp_path, "b.csv", "id,city\r\n3,Graz\r\n4,Linz\r\n")
    other = sniffed(tmp_path, "c.csv", "id;city\n1;Köln\n2;Zürich\n", encoding="cp1252")

    assert compare_dialects(before.describe(), same) == ()
    changes = aspects(compare_dialects(before.describe(), other))
    assert changes["encoding"] == ("utf-8", "cp1252")
    assert changes["delimiter"] == (",", ";")


def test_the_ledger_gives_each_load_the_previous_delivery_to_compare_with(engine, data_dir):
    source = load_catalog()["customers"]
    inbox = data_dir / "inbox" / "customers"

    first = Ingestor(engine, "r1").load_file(source, inbox / "customers_2026-11-01.csv", "first@1")
    second = Ingestor(engine, "r2").load_file(
        source, inbox / "kunden_eu_2026-11-02.csv", "second@2"
    )

    assert first.drift.changes == () and first.drift.against is None
    assert second.drift.against == "first@1"
    assert {c.aspect for c in second.drift.changes} >= {"encoding", "delimiter", "decimal"}


def test_a_rejected_files_report_says_what_drifted(engine, data_dir):
    source = load_catalog()["payments"]
    folders = SourceFolders.under(data_dir, "payments", source.inbox)
    Ingestor(engine, "r1").load_file(source, folders.inbox / "payments_2026-11-01.psv", "first@1")
    renamed = (folders.inbox / "payments_2026-11-01.psv").read_text().replace("paid_at", "paid_on")
    path = drop(data_dir, "payments", "renamed.psv", renamed)
    delivery = Delivery.of(path.name, path.stat().st_mtime_ns)

    try:
        Ingestor(engine, "r2").load(source, delivery, folders)
        raise AssertionError("a missing required column must reject the file")
    except BadFileError as error:
        report = error.as_report()

    assert report["column"] == "paid_at"
    assert {"aspect": "column_renamed", "before": "paid_at", "after": "paid_on"}.items() <= (
        report["drift"][0].items()
    )
