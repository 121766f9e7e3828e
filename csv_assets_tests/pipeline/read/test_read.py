"""Reading in chunks: both readers agree, line numbers hold, ragged rows are kept, gz/zip read."""

import gzip
import hashlib
import zipfile

import pytest

from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.read import IrregularRows, hash_drop, iter_chunks, iter_records
from csv_assets.pipeline.read.reader import iter_raw_rows
from csv_assets.pipeline.sniff import sniff_csv
from csv_assets_tests.conftest import CASES, SAMPLE_INBOX

EVERY_CASE = sorted(
    [p for p in (CASES / "sniff").glob("*.*") if p.name != "expected.json"]
    + [p for p in SAMPLE_INBOX.rglob("*") if p.is_file() and not p.name.startswith(".")]
)


def _read(path, **options):
    chunks = list(iter_chunks(path, sniff_csv(path), **options))
    rows = [row for c in chunks for row in zip(*c.cells.to_pydict().values(), strict=True)]
    lines = [int(n) for c in chunks for n in c.lines]
    ragged = [(r.line, r.reason) for c in chunks for r in c.ragged]
    return rows, lines, ragged


@pytest.mark.parametrize("path", EVERY_CASE, ids=lambda p: p.name)
def test_fast_and_exact_readers_give_the_same_rows_and_lines(path):
    exact = _read(path, exact=True)
    try:
        fast = _read(path)
    except IrregularRows:
        # The exact reader trims a stray trailing delimiter; the fast one hands over to it.
        dialect = sniff_csv(path)
        wider = any(len(cells) > len(dialect.columns) for _, cells in iter_records(path, dialect))
        assert exact[2] or wider, "the fast reader gave up on a file the exact one found regular"
        return
    assert fast == exact


def test_a_ragged_row_is_kept_with_its_line_and_the_rest_reads_on():
    path = CASES / "sniff" / "ragged.csv"

    rows, lines, ragged = _read(path, exact=True)

    assert rows == [("1", "alpha", "10"), ("2", "beta", "20"), ("4", "delta", "40")]
    assert lines == [2, 3, 5]
    assert ragged == [(4, "expected 3 fields, found 2")]


def test_the_fast_reader_hands_over_when_a_row_has_the_wrong_width():
    path = CASES / "sniff" / "ragged.csv"

    with pytest.raises(IrregularRows, match="wrong width"):
        _read(path)


def test_quoted_newlines_keep_line_numbers_exact():
    path = SAMPLE_INBOX / "orders" / "orders_2026-11-01.csv"

    rows, lines, _ = _read(path)

    by_id = {row[0]: line for row, line in zip(rows, lines, strict=True)}
    # 50004 spans lines 5-6, so 50005 starts on 7; 50011 spans 13-14, so 50012 is on 15.
    assert (by_id["50004"], by_id["50005"], by_id["50012"]) == (5, 7, 15)


def test_chunks_are_bounded_and_cover_every_row():
    path = SAMPLE_INBOX / "orders" / "orders_2026-11-02.csv"
    chunks = list(iter_chunks(path, sniff_csv(path), chunk_rows=7, exact=True))

    assert [c.rows_read for c in chunks] == [7, 7, 7, 7, 2]
    assert chunks[0].lines[0] == 2


def test_gzip_drops_read_like_plain_ones(tmp_path):
    source = SAMPLE_INBOX / "payments" / "payments_2026-11-01.psv"
    packed = tmp_path / "payments.psv.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))

    rows = list(iter_raw_rows(packed, sniff_csv(packed)))

    assert rows == list(iter_raw_rows(source, sniff_csv(source)))
    assert len(rows) == 13 and rows[0][0] == "payment_id"
    assert _read(packed) == _read(source)


@pytest.mark.parametrize("packing", ["plain", "gzip", "zip"])
def test_a_drop_hashes_to_its_content_as_read_and_its_bytes(tmp_path, packing):
    content = b"id,city\n" + b"1,Graz\n" * 200_000
    if packing == "plain":
        path = tmp_path / "cities.csv"
        path.write_bytes(content)
    elif packing == "gzip":
        path = tmp_path / "cities.csv.gz"
        path.write_bytes(gzip.compress(content))
    else:
        path = tmp_path / "cities.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("cities.csv", content)

    digest = hash_drop(path)

    assert digest.content_sha256 == hashlib.sha256(content).hexdigest()
    assert digest.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest.bytes == path.stat().st_size
    assert digest.tail == (None if packing == "plain" else content[-64 * 1024 :])


def test_a_packed_file_s_footer_is_found_from_the_tail_its_hash_read(tmp_path):
    rows = "".join(f"0{1 + i % 9}.11.2026;Mitte;{i},50\n" for i in range(30_000))
    content = f"date;store;sales\n{rows}Total;;4481,50\nRows: 30000\n".encode()
    path = tmp_path / "sales.csv.gz"
    path.write_bytes(gzip.compress(content))

    dialect = sniff_csv(path, whole_file=False, tail=hash_drop(path).tail)

    assert dialect.footer_rows == 2
    assert dialect == sniff_csv(path, whole_file=False)


def test_a_truncated_gzip_is_a_bad_file_that_says_so(tmp_path):
    whole = gzip.compress(b"id,city\n" + b"1,Graz\n" * 50_000)
    path = tmp_path / "cities.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])

    with pytest.raises(BadFileError) as caught:
        hash_drop(path)

    assert caught.value.rule == "truncated" and "cut short" in caught.value.describe()
