"""Reading in chunks: line numbers, ragged rows kept, compressed drops, raw rows for tools."""

import gzip

from csv_assets.pipeline.read import iter_chunks, iter_raw_rows
from csv_assets.pipeline.sniff import sniff_csv
from csv_assets_tests.conftest import CASES, SAMPLE_INBOX


def test_a_ragged_row_is_kept_with_its_line_and_the_rest_reads_on():
    path = CASES / "sniff" / "ragged.csv"
    (chunk,) = iter_chunks(path, sniff_csv(path))

    assert chunk.rows == [["1", "alpha", "10"], ["2", "beta", "20"], ["4", "delta", "40"]]
    assert chunk.lines == [2, 3, 5]
    (ragged,) = chunk.ragged
    assert (ragged.line, ragged.reason) == (4, "expected 3 fields, found 2")


def test_chunks_are_bounded_and_cover_every_row():
    path = SAMPLE_INBOX / "orders" / "orders_2026-11-02.csv"
    chunks = list(iter_chunks(path, sniff_csv(path), chunk_rows=7))

    assert [c.rows_read for c in chunks] == [7, 7, 7, 7, 2]
    assert chunks[0].lines[0] == 2


def test_gzip_drops_read_like_plain_ones(tmp_path):
    source = SAMPLE_INBOX / "payments" / "payments_2026-11-01.psv"
    packed = tmp_path / "payments.psv.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))

    rows = list(iter_raw_rows(packed, sniff_csv(packed)))

    assert rows == list(iter_raw_rows(source, sniff_csv(source)))
    assert len(rows) == 13 and rows[0][0] == "payment_id"
