"""Encodings of the exports people send: each script in each of its code pages, and doubt shown."""

import pytest

from csv_assets.pipeline.sniff import sniff_csv
from csv_assets.pipeline.sniff.calibration_steps import STEPS
from csv_assets.pipeline.sniff.encoding import LEGACY_SCALE, detect_encoding
from csv_assets_support.clean_tables import base_tables
from csv_assets_support.scripts import SCRIPTS

SCRIPT_CODECS = [(name, codec) for name, script in SCRIPTS.items() for codec in script.codecs]


def customers(script: str, rows: int = 12) -> str:
    """A customer list as a partner exports it: names and cities in ``script``."""
    table = base_tables(rows, seed=5, script=SCRIPTS[script])["orders"]
    return "".join(";".join(row[:3]) + "\r\n" for row in table if "\n" not in "".join(row))


@pytest.mark.parametrize(("script", "codec"), SCRIPT_CODECS)
def test_each_script_reads_back_exactly_from_each_of_its_code_pages(tmp_path, script, codec):
    text = customers(script)
    path = tmp_path / f"{script}.csv"
    path.write_bytes(text.encode(codec))

    dialect = sniff_csv(path)

    assert path.read_bytes().decode(dialect.encoding) == text, dialect.encoding
    assert dialect.encoding_errors == "strict"


def test_the_issue_s_chinese_name_is_not_read_as_big5_with_certainty():
    # Two hanzi in GB18030 also decode as Big5; the bytes alone barely decide.
    raw = "id;name\r\n1;王伟\r\n".encode("gb18030")

    found = detect_encoding(raw)

    assert found.confidence < LEGACY_SCALE
    assert found.codec == "gb18030" or found.runner_up == "gb18030"


def test_more_text_makes_a_code_page_surer():
    short = detect_encoding("name\r\nŁukasz\r\n".encode("cp1250"))
    long = detect_encoding(customers("central_european", rows=40).encode("cp1250"))

    assert long.codec == "cp1250"
    assert short.confidence < long.confidence < LEGACY_SCALE


def test_unicode_decides_above_any_code_page():
    assert detect_encoding("Zürich;Köln\r\n".encode()).confidence > LEGACY_SCALE
    assert detect_encoding("Zürich;Köln\r\n".encode("cp1252")).confidence < LEGACY_SCALE


def test_bytes_two_scripts_read_alike_are_stated_at_the_lowest_step(tmp_path):
    # 田中 in EUC-JP is also two common hangul in Korean's code page and two hanzi in GB18030.
    short, long = tmp_path / "short.csv", tmp_path / "long.csv"
    short.write_bytes("id;name\r\n1;田中\r\n".encode("euc-jp"))
    long.write_bytes(customers("japanese", rows=40).encode("euc-jp"))

    doubtful, clear = sniff_csv(short), sniff_csv(long)

    assert doubtful.confidence["encoding"] == STEPS["encoding"][0][1]
    assert doubtful.runner_up["encoding"]
    assert clear.encoding == "euc-jp"
    assert doubtful.confidence["encoding"] < clear.confidence["encoding"]
