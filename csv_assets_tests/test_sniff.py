"""The sniffer on small real-looking files with known dialects."""

from pathlib import Path

import pytest

from csv_assets.pipeline.sniff import sniff_csv
from csv_assets_tests.conftest import CASES, SAMPLE_INBOX

SNIFF = CASES / "sniff"


def test_excel_export_in_cp1252_with_semicolons_and_decimal_commas():
    dialect = sniff_csv(SAMPLE_INBOX / "customers" / "kunden_eu_2026-11-02.csv")

    assert (dialect.encoding, dialect.delimiter, dialect.line_terminator) == ("cp1252", ";", "\r\n")
    assert dialect.number_style.decimal == ","
    assert dialect.column_types["signup_date"].format == "%d.%m.%Y"
    assert dialect.columns[0] == "customer_id" and dialect.has_header


def test_title_block_above_a_tab_separated_header_is_skipped():
    dialect = sniff_csv(SNIFF / "preamble_tab_crlf.tsv")

    assert (dialect.delimiter, dialect.preamble_lines) == ("\t", 3)
    assert dialect.raw_header == ("region", "units", "price")


def test_a_file_without_header_gets_generated_column_names():
    dialect = sniff_csv(SNIFF / "no_header_semicolon.csv")

    assert not dialect.has_header and dialect.delimiter == ";"
    assert dialect.columns == ("column_1", "column_2", "column_3")


def test_utf16_with_bom():
    dialect = sniff_csv(SNIFF / "utf16_bom.csv")

    assert dialect.encoding == "utf-16" and dialect.bom
    assert dialect.columns == ("id", "city")


def test_single_quote_character_is_detected():
    assert sniff_csv(SNIFF / "single_quotes.csv").quotechar == "'"


@pytest.mark.parametrize(
    ("path", "delimiter"),
    [
        (SAMPLE_INBOX / "payments" / "payments_2026-11-01.psv", "|"),
        (SAMPLE_INBOX / "orders" / "orders_2026-11-01.csv", ","),
    ],
)
def test_sample_delimiters(path: Path, delimiter: str):
    assert sniff_csv(path).delimiter == delimiter


def test_an_empty_file_is_an_error(tmp_path):
    (tmp_path / "empty.csv").write_text("\n\n")
    with pytest.raises(ValueError, match="empty"):
        sniff_csv(tmp_path / "empty.csv")
