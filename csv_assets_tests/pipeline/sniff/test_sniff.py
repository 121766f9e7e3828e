"""The sniffer on a corpus of small real-looking files, each with its expected dialect."""

import json
import time
from pathlib import Path

import pytest

from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.read import IrregularRows, iter_chunks
from csv_assets.pipeline.sniff import sniff_csv
from csv_assets_support.pollute import cases
from csv_assets_tests.conftest import CASES, SAMPLE_INBOX

SNIFF = CASES / "sniff"
EXPECTED = json.loads((SNIFF / "expected.json").read_text())
TRAILING_EMPTY = {"orders_23_broken_rows.csv", "orders_26_mixed.csv"}
DIALECT_FIELDS = (
    "encoding",
    "bom",
    "delimiter",
    "quotechar",
    "escapechar",
    "doublequote",
    "skip_initial_space",
    "has_header",
    "header_rows",
    "preamble_lines",
    "footer_rows",
    "table_end_line",
    "comment_prefixes",
    "encoding_errors",
    "line_terminator",
)
LISTED = {"comment_prefixes"}
"""Fields whose expected value is a list (elsewhere a list names the values allowed)."""


def read_rows(path: Path, dialect: Dialect) -> tuple[list[tuple[str, ...]], int]:
    """The rows a load would take, and how many it would set aside as ragged."""
    try:
        chunks = list(iter_chunks(path, dialect))
    except IrregularRows:
        chunks = list(iter_chunks(path, dialect, exact=True))
    rows = [r for c in chunks for r in zip(*c.cells.to_pydict().values(), strict=True)]
    return rows, sum(len(c.ragged) for c in chunks)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_is_sniffed_as_expected(name: str):
    expected = EXPECTED[name]
    dialect = sniff_csv(SNIFF / name)

    for field in DIALECT_FIELDS:
        if field in expected:
            value = getattr(dialect, field)
            if field in LISTED:
                assert list(value) == expected[field], field
                continue
            allowed = expected[field] if isinstance(expected[field], list) else [expected[field]]
            assert value in allowed, field
    style = dialect.number_style
    assert (style.decimal, style.thousands) == (
        expected.get("decimal", "."),
        expected.get("thousands", style.thousands),
    )
    if "columns" in expected:
        assert list(dialect.columns) == expected["columns"]
    if "width" in expected:
        assert len(dialect.columns) == expected["width"]
    for column, kind in expected.get("types", {}).items():
        guess = dialect.column_types[column]
        assert f"{guess.kind}:{guess.format}".startswith(kind), column
    if "null_tokens" in expected:
        assert set(expected["null_tokens"]) <= set(dialect.null_tokens)
    rows, ragged = read_rows(SNIFF / name, dialect)
    assert (len(rows), ragged) == (expected["rows"], expected.get("ragged", 0))


def test_every_corpus_file_is_listed_with_its_expectations():
    files = {p.name for p in SNIFF.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("case", list(cases(rows=12)), ids=lambda c: c.name)
def test_polluted_variant_reads_back_as_the_clean_table(case, tmp_path):
    if case.name in TRAILING_EMPTY:
        pytest.xfail(
            "a broken row whose extra field lands before an empty last cell reads as a "
            "row with a stray trailing delimiter, which the reader trims (by design)"
        )
    path = tmp_path / case.name
    path.write_bytes(case.data)
    dialect = sniff_csv(path)

    rows, _ = read_rows(path, dialect)
    assert [list(dialect.raw_header), *map(list, rows)] == case.table
    assert dialect.has_header == case.expected["has_header"]


def test_excel_export_in_cp1252_with_semicolons_and_decimal_commas():
    dialect = sniff_csv(SAMPLE_INBOX / "customers" / "kunden_eu_2026-11-02.csv")

    assert (dialect.encoding, dialect.delimiter, dialect.line_terminator) == ("cp1252", ";", "\r\n")
    assert dialect.number_style.decimal == ","
    assert dialect.column_types["signup_date"].format == "%d.%m.%Y"
    assert dialect.columns[0] == "customer_id" and dialect.has_header


def test_types_are_inferred_over_the_whole_file_not_its_head(tmp_path):
    # 30,000 integers, then one decimal far beyond the 256 KiB head.
    lines = ["n"] + [str(i) for i in range(60_000)] + ["0.5"]
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n")

    whole = sniff_csv(path)
    head = sniff_csv(path, whole_file=False)

    assert whole.column_types["n"].kind == "decimal"
    assert head.column_types["n"].kind == "integer"


def test_a_day_month_ambiguity_lowers_the_confidence(tmp_path):
    path = tmp_path / "ambiguous.csv"
    path.write_text("day,v\n01/02/2026,1\n03/04/2026,2\n05/06/2026,3\n")

    guess = sniff_csv(path).column_types["day"]

    assert guess.kind == "date" and guess.confidence == 0.5


def test_pins_override_the_sniffer(tmp_path):
    path = tmp_path / "pinned.csv"
    path.write_text("a;b\n1;2\n3;4\n")

    dialect = sniff_csv(path, {"delimiter": ",", "has_header": False, "null_tokens": ["x"]})

    assert dialect.delimiter == "," and not dialect.has_header
    assert dialect.missing == frozenset({"x"})
    assert dialect.confidence["dialect"] == 1.0 and "delimiter" in dialect.pinned


def test_a_few_kb_file_sniffs_in_milliseconds():
    path = SAMPLE_INBOX / "orders" / "orders_2026-11-02.csv"
    sniff_csv(path)
    started = time.perf_counter()
    for _ in range(5):
        sniff_csv(path)
    # Not a benchmark (see benchmarks/sniff_accuracy.py): a guard against a 100x regression.
    assert (time.perf_counter() - started) / 5 < 1.0


@pytest.mark.parametrize("content", [b"\n\n", b"\xff\xfe", b"\xef\xbb\xbf \r\n"])
def test_an_empty_file_is_an_error(tmp_path, content):
    (tmp_path / "empty.csv").write_bytes(content)
    with pytest.raises(ValueError, match="empty"):
        sniff_csv(tmp_path / "empty.csv")


def test_a_binary_file_is_not_taken_for_text(tmp_path):
    (tmp_path / "export.csv").write_bytes(b"id,name\n1,ok\n" + bytes(range(256)) * 8)
    with pytest.raises(ValueError, match=r"not text .* NUL byte on line 3"):
        sniff_csv(tmp_path / "export.csv")


def test_a_last_row_that_merely_starts_with_total_is_data(tmp_path):
    path = tmp_path / "products.csv"
    path.write_text("name,units,price\nBox,1,2.00\nCrate,2,3.00\nTotal Package,5,12.00\n")

    dialect = sniff_csv(path)
    rows, _ = read_rows(path, dialect)

    assert dialect.footer_rows == 0 and rows[-1] == ("Total Package", "5", "12.00")


@pytest.mark.parametrize(
    ("codec", "text"),
    [
        ("gb18030", "编号,名称,城市\n" + "".join(f"{i},张伟,北京市朝阳区\n" for i in range(30))),
        (
            "shift_jis",
            "番号,名前,都市\n" + "".join(f"{i},山田太郎,東京都新宿区\n" for i in range(30)),
        ),
        ("euc_kr", "번호,이름,도시\n" + "".join(f"{i},김철수,서울특별시\n" for i in range(30))),
    ],
)
def test_a_multi_byte_script_is_still_read_as_one(tmp_path, codec, text):
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(codec))

    dialect = sniff_csv(path)
    rows, _ = read_rows(path, dialect)

    assert path.read_bytes().decode(dialect.encoding) == text
    assert len(rows) == 30 and dialect.has_header
