"""``draft_source``: a model drafted from a sample file loads that file without a rejected row."""

import importlib.util
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.commands.draft import draft_source
from csv_assets.ingest import Ingestor, create_warehouse_engine
from csv_assets.pipeline.sniff import sniff_csv
from csv_assets_support.warehouse_sql import as_text
from csv_assets_tests.conftest import CASES, SAMPLE_INBOX

SAMPLES = [
    SAMPLE_INBOX / "customers" / "kunden_eu_2026-11-02.csv",
    SAMPLE_INBOX / "payments" / "payments_2026-11-01.psv",
    CASES / "sniff" / "dates_many_formats.csv",
    CASES / "sniff" / "null_tokens.csv",
    CASES / "sniff" / "decimal_comma_thousands.csv",
    CASES / "sniff" / "footer_totals.csv",
    CASES / "sniff" / "leading_zeros.csv",
    CASES / "sniff" / "pandas_index.csv",
    CASES / "sniff" / "r_write_csv.csv",
    CASES / "sniff" / "sheet_row_labels.csv",
    *sorted((CASES / "sniff").glob("export_*")),  # one file per exporter's defaults
]


def import_draft(tmp_path: Path, name: str, source: str) -> str:
    module = tmp_path / f"{name}.py"
    module.write_text(source)
    spec = importlib.util.spec_from_file_location(name, module)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[name] = loaded
    spec.loader.exec_module(loaded)
    return name


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_a_drafted_model_loads_its_own_sample_whole(path: Path, tmp_path: Path):
    name = f"drafted_{path.stem.replace('-', '_')}"
    draft = draft_source(name, path, sniff_csv(path))
    module = import_draft(tmp_path, name, draft.model_source)
    source = SourceSpec(name=name, schema_model=f"{module}:{draft.class_name}")
    engine = create_warehouse_engine(f"sqlite:///{tmp_path / 'w.db'}")

    report = Ingestor(engine, "test").load_file(source, path, f"{path.name}@draft")

    assert report.rows_rejected == 0, report.failures.samples
    assert report.rows_loaded == report.rows_read > 0
    engine.dispose()


def test_times_of_day_are_drafted_as_times_and_load_as_time(tmp_path: Path, database_url: str):
    path = CASES / "sniff" / "times_of_day.csv"
    draft = draft_source("shifts", path, sniff_csv(path))
    module = import_draft(tmp_path, "drafted_shifts", draft.model_source)
    source = SourceSpec(name="shifts", schema_model=f"{module}:{draft.class_name}")
    engine = create_warehouse_engine(database_url)

    report = Ingestor(engine, "test").load_file(source, path, "shifts@draft")

    assert 'starts: Series[pd.ArrowDtype(pyarrow.time64("us"))]' in draft.model_source
    assert (report.rows_loaded, report.rows_rejected) == (3, 0)
    assert [c.sql_type for c in report.columns if c.name in ("starts", "ends")] == ["TIME"] * 2
    with engine.connect() as conn:
        query = sa.select(as_text("ends")).select_from(sa.table("shifts"))
        values = conn.execute(query.order_by(sa.column("shift_id")))
        assert [v[:8] for (v,) in values] == ["16:30:00", "23:15:00", "07:45:00"]
    engine.dispose()


def test_the_draft_names_a_unique_id_column_as_the_key():
    path = CASES / "sniff" / "comma_basic.csv"

    draft = draft_source("basic", path, sniff_csv(path))

    assert draft.key_columns == ("id",)
    assert "key_columns: [id]" in draft.defs_yaml


def test_the_draft_keeps_codes_with_leading_zeros_as_text():
    path = CASES / "sniff" / "leading_zeros.csv"

    draft = draft_source("zips", path, sniff_csv(path))

    assert "zip: Series[str]" in draft.model_source
    assert "code: Series[int]" in draft.model_source


KIND_VALUES = {
    "integer": lambda i: str(i * 7),
    "decimal": lambda i: f"{i}.{i % 100:02d}",
    "float": lambda i: f"{i / 7:.6e}",
    "boolean": lambda i: "true" if i % 3 else "false",
    "date": lambda i: f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
    "datetime": lambda i: f"2026-11-01 {i % 24:02d}:{i % 60:02d}:{i % 59:02d}",
    "time": lambda i: f"{i % 24:02d}:{i % 60:02d}:00",
    "string": lambda i: f"item {i}",
}
NULL_CELLS = ("", "NULL", "", "N/A")


@pytest.mark.parametrize("nullable", [False, True], ids=["required", "nullable"])
@pytest.mark.parametrize("kind", list(KIND_VALUES))
def test_a_drafted_source_of_every_kind_loads_its_own_sample(
    kind: str, nullable: bool, engine, tmp_path: Path
):
    rows = []
    for i in range(1, 301):
        value = KIND_VALUES[kind](i)
        if nullable and i % 50 == 7:  # 2% missing, written as empties and null tokens
            value = NULL_CELLS[i // 50 % len(NULL_CELLS)]
        rows.append(f"{i},{value},item {i}")
    path = tmp_path / f"sample_{kind}.csv"
    path.write_text("row_id,value,label\n" + "\n".join(rows) + "\n")
    name = f"drafted_{kind}_{'nullable' if nullable else 'required'}"

    draft = draft_source(name, path, sniff_csv(path))
    module = import_draft(tmp_path, name, draft.model_source)
    report = Ingestor(engine, "test").load_file(
        SourceSpec(name=name, schema_model=f"{module}:{draft.class_name}"),
        path,
        f"{path.name}@draft",
    )

    assert "nullable=True" in draft.model_source if nullable else True
    assert report.rows_rejected == 0, report.failures.samples
    with engine.connect() as conn:
        loaded, missing = conn.execute(
            sa.text(f"SELECT count(*), count(*) - count(value) FROM {name}")
        ).one()
    assert (loaded, missing) == (300, 6 if nullable else 0)
