"""Sniff a CSV file: encoding, dialect, shape, null tokens and column types, with confidences.

The head of the file (256 KiB) decides the encoding, the delimiter, quote and escape, the
preamble and the header; its tail decides the footer; then every record of the whole file is
streamed once to type the columns. Any decision a source pins in its YAML is taken as given.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from csv_assets.pipeline.cells import ColumnGuess, NumberStyle, guess_number_style, safe_names
from csv_assets.pipeline.dialect import PINNED, Dialect
from csv_assets.pipeline.read import (
    IrregularRows,
    arrow_readable,
    iter_arrow_batches,
    iter_chunks,
    open_bytes,
)
from csv_assets.pipeline.sniff.encoding import decode_sample, detect_encoding
from csv_assets.pipeline.sniff.infer import Inference, infer_types
from csv_assets.pipeline.sniff.search import SAMPLE_RECORDS, parse_records, search_dialect
from csv_assets.pipeline.sniff.shape import (
    Record,
    comment_prefix,
    count_footer,
    count_preamble,
    detect_header,
)

HEAD_BYTES = 256 * 1024
TAIL_BYTES = 64 * 1024
TYPE_CHUNK_ROWS = 100_000
TYPE_BATCH_ROWS = 1 << 17
"""Arrow's batches (about 1 MiB of text each) are typed this many rows at a time: big
batches mean few calls per column, while small blocks keep the parser's memory flat."""
_TAIL_CODECS = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}


def sniff_csv(
    path: Path, pins: Mapping[str, Any] | None = None, *, whole_file: bool = True
) -> Dialect:
    """Detect how ``path`` is written.

    Args:
        path: A CSV file, optionally ``.gz`` or single-member ``.zip``.
        pins: Dialect fields the source fixes, overriding what is sniffed (see
            ``catalog.DIALECT_PINS``).
        whole_file: Type the columns over every record (the default); ``False`` types them
            over the head only, for a quick look.

    Returns:
        The dialect, with per-decision confidences.

    Raises:
        ValueError: The file is empty, or not text (it holds NUL bytes).
        BadFileError: The file stops decoding in the detected encoding part way.
    """
    pins = dict(pins or {})
    with open_bytes(path) as stream:
        head = stream.read(HEAD_BYTES)
        truncated = bool(stream.read(1))
    if not head.strip():
        raise ValueError("the file is empty")
    if "encoding" in pins:
        encoding, bom, encoding_confidence = pins["encoding"], False, PINNED
    else:
        encoding, bom, encoding_confidence = detect_encoding(head)
    text = decode_sample(head, encoding, truncated)
    if not text.strip():
        raise ValueError("the file is empty")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValueError(f"the file is not text in {encoding}: a NUL byte on line {line}")
    lines = text.splitlines()
    comment = pins.get("comment_prefix", comment_prefix(lines[:50]))
    scan = _blank_comments(text, comment)
    found = search_dialect(scan, pins)
    body, preamble_lines, preamble_confidence = _body(found.records, found.width, pins)
    first = body[0][1] if body else []
    rest = [cells for _, cells in body[1:]]
    style = _pinned_style(pins) or guess_number_style(
        (c for row in rest[:200] for c in row), found.delimiter
    )
    names = tuple(f"column_{i + 1}" for i in range(len(first)))
    below = infer_types([_sample_table(names, rest)], style)
    has_header, header_confidence = pins.get("has_header"), PINNED
    if has_header is None:
        kinds = [below.column_types[name].kind for name in names]
        has_header, header_confidence = detect_header(first, rest, kinds, style)
    raw_header = tuple(first) if has_header else names
    dialect = Dialect(
        encoding=encoding,
        bom=bom,
        line_terminator=_line_terminator(text),
        delimiter=found.delimiter,
        quotechar=found.quotechar,
        escapechar=found.escapechar,
        doublequote=pins.get("doublequote", found.escapechar is None),
        has_header=has_header,
        preamble_lines=preamble_lines,
        comment_prefix=comment,
        raw_header=raw_header,
        columns=safe_names(raw_header),
        number_style=style,
        pinned=tuple(sorted(pins)),
    )
    # The head may hold the whole file; then it is the whole file's sample and tail.
    whole = not truncated and len(found.records) < SAMPLE_RECORDS
    if "footer_rows" in pins:
        footer = pins["footer_rows"]
    else:
        footer = count_footer(body if whole else _tail(path, dialect), len(first), style)
    dialect = replace(dialect, footer_rows=footer)
    if whole_file and not whole:
        inference = _infer_whole_file(path, dialect)
    elif has_header and not footer:
        inference = replace(
            below, column_types=dict(zip(dialect.columns, below.column_types.values(), strict=True))
        )
    else:
        data = rest if has_header else [first, *rest]
        inference = infer_types([_sample_table(dialect.columns, data[: len(data) - footer])], style)
    return replace(
        dialect,
        null_tokens=tuple(pins.get("null_tokens", inference.null_tokens or ("",))),
        column_types=_pinned_formats(inference.column_types, pins),
        confidence={
            "encoding": encoding_confidence,
            "dialect": PINNED if "delimiter" in pins else _margin(found.score, found.runner_up),
            "header": header_confidence,
            "preamble": preamble_confidence,
            "footer": PINNED if "footer_rows" in pins else (0.9 if footer else 1.0),
            "types": _mean(g.confidence for g in inference.column_types.values()),
        },
    )


def _body(
    records: list[Record], width: int, pins: Mapping[str, Any]
) -> tuple[list[Record], int, float]:
    """The records from the header on, the physical lines above them, and the confidence."""
    if "preamble_lines" in pins:
        skip = int(pins["preamble_lines"])
        return [r for r in records if r[0] > skip], skip, PINNED
    count = count_preamble(records, width)
    body = records[count:]
    lines = body[0][0] - 1 if body and count else 0
    return body, lines, 1.0 if count == 0 else 0.85


def _infer_whole_file(path: Path, dialect: Dialect) -> Inference:
    """Type every record, from Arrow's batches as parsed.

    A record of the wrong width (or a dialect beyond Arrow) means the exact reader's chunks.
    """
    if arrow_readable(dialect):
        with closing(iter_arrow_batches(path, dialect, skip_blank=True)) as batches:
            try:
                return infer_types(_grouped(batches), dialect.number_style)
            except IrregularRows:
                pass
    chunks = iter_chunks(path, dialect, TYPE_CHUNK_ROWS, exact=True)
    return infer_types((chunk.cells for chunk in chunks), dialect.number_style)


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


def _sample_table(names: tuple[str, ...], rows: list[list[str]]) -> pa.Table:
    width = len(names)
    regular = [row for row in rows if len(row) == width]
    return pa.table(
        {name: pa.array([row[i] for row in regular], pa.string()) for i, name in enumerate(names)}
    )


def _tail(path: Path, dialect: Dialect) -> list[Record]:
    """The records of the file's last 64 KiB (from its first whole line)."""
    raw = _tail_bytes(path)
    codec = _TAIL_CODECS.get(dialect.encoding, dialect.encoding)
    if codec.startswith("utf-16") and len(raw) % 2:
        raw = raw[1:]
    text = raw.decode(codec, errors="replace")
    start = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=-1)
    text = _blank_comments(text[start + 1 :], dialect.comment_prefix)
    return parse_records(text, dialect.delimiter, dialect.quotechar, dialect.escapechar, 10**6)


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


def _blank_comments(text: str, prefix: str | None) -> str:
    """Empty every comment line, keeping line numbers, so quotes in comments cannot mislead."""
    if not prefix:
        return text
    return re.sub(rf"(?m)^{re.escape(prefix)}[^\r\n]*", "", text)


def _line_terminator(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    return max((crlf, "\r\n"), (lf, "\n"), (cr, "\r"))[1]


def _margin(best: float, runner_up: float) -> float:
    """How far the winning delimiter is ahead of the best other one: 0.5 tied, 1.0 alone."""
    return 1.0 if best <= 0 or runner_up <= 0 else best / (best + runner_up)


def _mean(values: Any) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def _pinned_style(pins: Mapping[str, Any]) -> NumberStyle | None:
    if "decimal" not in pins and "thousands" not in pins:
        return None
    return NumberStyle(decimal=pins.get("decimal", "."), thousands=pins.get("thousands"))


def _pinned_formats(
    types: Mapping[str, ColumnGuess], pins: Mapping[str, Any]
) -> dict[str, ColumnGuess]:
    """Column types with any ``date_formats`` the source pinned (``{column: format}``)."""
    pinned = pins.get("date_formats", {})
    return {
        name: replace(guess, format=pinned[name], confidence=PINNED) if name in pinned else guess
        for name, guess in types.items()
    }
