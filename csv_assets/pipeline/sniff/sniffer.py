"""Sniff a CSV file: encoding, dialect, shape, null tokens and column types, with confidences.

The head of the file (256 KiB) decides the encoding, the delimiter, quote and escape, the
preamble and the header; its tail decides the footer; then every record of the whole file is
streamed once to type the columns. Any decision a source pins in its YAML is taken as given.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from csv_assets.pipeline.cells import ColumnGuess
from csv_assets.pipeline.dialect import PINNED, Dialect
from csv_assets.pipeline.read import (
    TAIL_BYTES,
    IrregularRows,
    arrow_readable,
    iter_arrow_batches,
    iter_chunks,
    open_bytes,
)
from csv_assets.pipeline.sniff.calibration import calibrated
from csv_assets.pipeline.sniff.head import blank_comments, sample_table, sniff_head
from csv_assets.pipeline.sniff.infer import Inference, infer_sample, infer_types
from csv_assets.pipeline.sniff.search import SAMPLE_RECORDS, parse_records
from csv_assets.pipeline.sniff.shape import (
    Record,
    count_footer,
    footer_evidence,
)

TYPE_CHUNK_ROWS = 100_000
TYPE_BATCH_ROWS = 1 << 15
"""Arrow's batches (about 1 MiB of text each) are typed this many rows at a time: big
batches mean few calls per column, while small blocks keep the parser's memory flat."""
_TAIL_CODECS = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}


def sniff_csv(
    path: Path,
    pins: Mapping[str, Any] | None = None,
    *,
    whole_file: bool = True,
    tail: bytes | None = None,
    calibrate: bool = True,
) -> Dialect:
    """Detect how ``path`` is written.

    Args:
        path: A CSV file, optionally ``.gz`` or single-member ``.zip``.
        pins: Dialect fields the source fixes, overriding what is sniffed (see
            ``catalog.DIALECT_PINS``).
        whole_file: Type the columns over every record (the default); ``False`` types them
            over the head only, for a quick look.
        tail: The content's last ``TAIL_BYTES`` if the caller has them (``hash_drop`` of a
            packed drop), so the footer is found without decompressing the file again.
        calibrate: State each decision's calibrated confidence (the default), or its raw
            score (to fit the calibration).

    Returns:
        The dialect, with per-decision confidences.

    Raises:
        ValueError: The file is empty, or not text (it holds NUL bytes).
        BadFileError: The file stops decoding in the detected encoding part way.
    """
    pins = dict(pins or {})
    head = sniff_head(path, pins)
    dialect, body, first, rest, style = head.dialect, head.body, head.first, head.rest, head.style
    # The head may hold the whole file; then it is the whole file's sample and tail.
    whole = not head.truncated and head.records < SAMPLE_RECORDS
    if "footer_rows" in pins:
        footer, footer_score = pins["footer_rows"], PINNED
    else:
        # A second table ends this one inside the head: its last records are the head's.
        records = body if whole or dialect.table_end_line else _tail(path, dialect, tail)
        footer = count_footer(records, len(first), style)
        footer_score = footer_evidence(records, len(first), footer)
    dialect = replace(dialect, footer_rows=footer)
    if whole_file and not whole:
        expected = dict(zip(dialect.columns, head.below.column_types.values(), strict=True))
        inference = _infer_whole_file(path, dialect, expected)
    elif dialect.has_header and not footer:
        inference = replace(
            head.below,
            column_types=dict(zip(dialect.columns, head.below.column_types.values(), strict=True)),
        )
    else:
        data = rest if dialect.has_header else [first, *rest]
        inference = infer_sample(sample_table(dialect.columns, data[: len(data) - footer]), style)
    return replace(
        dialect,
        null_tokens=tuple(pins.get("null_tokens", inference.null_tokens or ("",))),
        column_types=_pinned_formats(inference.column_types, pins),
        confidence=_stated(
            {
                **head.confidence,
                "footer": footer_score,
                "types": _mean(g.confidence for g in inference.column_types.values()),
            },
            dialect.pinned,
            calibrate,
        ),
    )


def _stated(raw: dict[str, float], pinned: tuple[str, ...], calibrate: bool) -> dict[str, float]:
    return calibrated(raw, pinned) if calibrate else raw


def _infer_whole_file(path: Path, dialect: Dialect, expected: dict[str, ColumnGuess]) -> Inference:
    """Type every record, from Arrow's batches as parsed.

    Each column is expected to be of the kind the head showed. A record of the wrong width
    (or a dialect beyond Arrow) means the exact reader's chunks.
    """
    style = dialect.number_style
    if arrow_readable(dialect):
        with closing(iter_arrow_batches(path, dialect, skip_blank=True)) as batches:
            try:
                return infer_types(_grouped(batches), style, expected)
            except IrregularRows:
                pass
    chunks = iter_chunks(path, dialect, TYPE_CHUNK_ROWS, exact=True)
    return infer_types((chunk.cells for chunk in chunks), style, expected)


def _grouped(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.Table]:
    """Arrow's batches gathered into tables of at least ``TYPE_BATCH_ROWS`` rows."""
    group: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        group.append(batch)
        rows += batch.num_rows
        if rows >= TYPE_BATCH_ROWS:
            yield pa.Table.from_batches(group)
            group, rows = [], 0
    if group:
        yield pa.Table.from_batches(group)


def _tail(path: Path, dialect: Dialect, raw: bytes | None = None) -> list[Record]:
    """The records of the file's last 64 KiB (from its first whole line)."""
    raw = _tail_bytes(path) if raw is None else raw
    codec = _TAIL_CODECS.get(dialect.encoding, dialect.encoding)
    if codec.startswith("utf-16") and len(raw) % 2:
        raw = raw[1:]
    text = raw.decode(codec, errors="replace")
    start = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=-1)
    text = blank_comments(text[start + 1 :], dialect.comment_prefixes)
    return parse_records(
        text,
        dialect.delimiter,
        dialect.quotechar,
        dialect.escapechar,
        10**6,
        skip_space=dialect.skip_initial_space,
    )


def _tail_bytes(path: Path) -> bytes:
    """The last 64 KiB of the CSV content: a seek for a plain file, a stream for a packed one."""
    if path.suffix.lower() not in (".gz", ".zip"):
        with path.open("rb") as stream:
            stream.seek(max(0, path.stat().st_size - TAIL_BYTES))
            return stream.read()
    window: deque[bytes] = deque()
    size = 0
    with open_bytes(path) as stream:
        while block := stream.read(TAIL_BYTES):
            window.append(block)
            size += len(block)
            while size - len(window[0]) >= TAIL_BYTES:
                size -= len(window.popleft())
    return b"".join(window)[-TAIL_BYTES:]


def _mean(values: Any) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def _pinned_formats(
    types: Mapping[str, ColumnGuess], pins: Mapping[str, Any]
) -> dict[str, ColumnGuess]:
    """Column types with any ``date_formats`` the source pinned (``{column: format}``)."""
    pinned = pins.get("date_formats", {})
    return {
        name: replace(guess, format=pinned[name], confidence=PINNED) if name in pinned else guess
        for name, guess in types.items()
    }
