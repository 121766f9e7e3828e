"""A key an earlier delivery loaded, under the source's ``on_seen_key``, on both databases."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import BadFileError

HEADER = "line_id,count,price,shipped,note"


def counts(**settings: object) -> SourceSpec:
    values = {"name": "counts", "schema_model": "csv_assets_tests.models:Counts"}
    return SourceSpec.model_validate({**values, "key_columns": ["line_id"], **settings})


def deliver(engine: sa.Engine, source: SourceSpec, tmp_path: Path, name: str, *ids: int):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *(f"{i},{i * 10},,,{name}" for i in ids)]) + "\n")
    return Ingestor(engine, name).load_file(source, path, name)


def table(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as conn:
        query = sa.text("SELECT line_id, note FROM counts ORDER BY line_id, note")
        return [tuple(row) for row in conn.execute(query)]


def quarantined(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as conn:
        query = sa.text("SELECT file_name, line, rule FROM csv_assets_quarantine ORDER BY line")
        return [tuple(row) for row in conn.execute(query)]


def test_a_seen_key_loads_and_is_counted_by_default(tmp_path, engine):
    source = counts()
    deliver(engine, source, tmp_path, "a.csv", 1, 2)

    report = deliver(engine, source, tmp_path, "b.csv", 2, 3)

    assert (report.rows_loaded, report.keys_seen_before, report.rows_skipped) == (2, 1, 0)
    assert table(engine) == [(1, "a.csv"), (2, "a.csv"), (2, "b.csv"), (3, "b.csv")]


def test_a_seen_key_goes_to_quarantine_when_the_source_says_so(tmp_path, engine):
    source = counts(on_seen_key="quarantine", max_rejected_rows=5)
    deliver(engine, source, tmp_path, "a.csv", 1, 2)

    report = deliver(engine, source, tmp_path, "b.csv", 2, 3)

    assert (report.rows_loaded, report.rows_rejected, report.keys_seen_before) == (1, 1, 1)
    assert report.failures.by_rule == {"frame__seen_key": 1}
    assert table(engine) == [(1, "a.csv"), (2, "a.csv"), (3, "b.csv")]
    assert quarantined(engine) == [("b.csv", 2, "seen_key")]


def test_a_seen_key_is_skipped_and_counted_when_the_source_says_so(tmp_path, engine):
    source = counts(on_seen_key="skip")
    deliver(engine, source, tmp_path, "a.csv", 1, 2)

    report = deliver(engine, source, tmp_path, "b.csv", 2, 3)
    again = deliver(engine, source, tmp_path, "b.csv", 2, 3)  # the same content: a no-op

    assert (report.rows_read, report.rows_loaded, report.rows_skipped) == (2, 1, 1)
    assert again.status == "duplicate"
    assert table(engine) == [(1, "a.csv"), (2, "a.csv"), (3, "b.csv")]
    assert quarantined(engine) == []


def test_a_seen_key_rejects_the_delivery_when_the_source_says_so(tmp_path, engine):
    source = counts(on_seen_key="reject")
    deliver(engine, source, tmp_path, "a.csv", 1, 2)

    with pytest.raises(BadFileError) as caught:
        deliver(engine, source, tmp_path, "b.csv", 3, 2)

    assert (caught.value.rule, caught.value.line) == ("seen_key", 3)
    assert table(engine) == [(1, "a.csv"), (2, "a.csv")]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM csv_assets_ledger")).scalar() == 1


def test_a_reload_does_not_see_its_own_earlier_rows(tmp_path, engine):
    source = counts(on_seen_key="reject")
    deliver(engine, source, tmp_path, "a.csv", 1, 2)
    path = tmp_path / "a.csv"

    report = Ingestor(engine, "again").load_file(source, path, "a.csv", reload=True)

    assert (report.rows_loaded, report.keys_seen_before) == (2, 0)


def test_a_policy_without_keys_or_in_another_mode_is_refused():
    with pytest.raises(ValueError, match="on_seen_key: skip needs key_columns"):
        SourceSpec.model_validate(
            {"name": "c", "schema_model": "csv_assets_tests.models:Counts", "on_seen_key": "skip"}
        )
    with pytest.raises(ValueError, match="load_mode append"):
        counts(on_seen_key="quarantine", load_mode="upsert")
