"""``draft_source``: a model drafted from a sample file loads that file without a rejected row."""

import importlib.util
import sys
from pathlib import Path

import pytest

from csv_assets.ingest import SourceSpec, create_warehouse_engine, draft_source, load_path
from csv_assets.pipeline.sniff import sniff_csv
from csv_assets_tests.conftest import CASES, SAMPLE_INBOX

SAMPLES = [
    SAMPLE_INBOX / "customers" / "kunden_eu_2026-11-02.csv",
    SAMPLE_INBOX / "payments" / "payments_2026-11-01.psv",
    CASES / "sniff" / "dates_many_formats.csv",
    CASES / "sniff" / "null_tokens.csv",
    CASES / "sniff" / "decimal_comma_thousands.csv",
    CASES / "sniff" / "footer_totals.csv",
    CASES / "sniff" / "leading_zeros.csv",
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

    report = load_path(source, path, f"{path.name}@draft", engine, "test")

    assert report.rows_rejected == 0, report.failure_samples
    assert report.rows_loaded == report.rows_read > 0
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
