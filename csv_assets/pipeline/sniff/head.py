"""The head of a file (256 KiB): its encoding, delimiter, quote and escape, preamble and header.

Enough to tell whether a file can match its source's columns before it is streamed whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from csv_assets.pipeline.cells import NumberStyle, guess_number_style, safe_names
from csv_assets.pipeline.dialect import PINNED, Dialect
from csv_assets.pipeline.read import open_bytes
from csv_assets.pipeline.sniff.encoding import decode_sample, detect_encoding
from csv_assets.pipeline.sniff.infer import Inference, infer_types
from csv_assets.pipeline.sniff.search import search_dialect
from csv_assets.pipeline.sniff.shape import Record, comment_prefix, count_preamble, detect_header

HEAD_BYTES = 256 * 1024


def sniff_header(path: Path, pins: Mapping[str, Any] | None = None) -> Dialect:
    """How a file's head is written: encoding, dialect, preamble, header, and types of its rows.

    Reads only the head (256 KiB), however large the file: a quick gate before a load streams
    it. The footer is not looked for (``footer_rows`` 0) and the column types are those of the
    head's records.

    Raises:
        ValueError: The file is empty, or not text (it holds NUL bytes).
        BadFileError: The file stops decoding in the detected encoding part way.
    """
    head = sniff_head(path, dict(pins or {}))
    data = head.rest if head.dialect.has_header else [head.first, *head.rest]
    inference = infer_types([sample_table(head.dialect.columns, data)], head.style)
    return replace(head.dialect, column_types=inference.column_types)


@dataclass(frozen=True)
class Head:
    """What the head of a file decided, and the records the rest of the sniff reads on from."""

    dialect: Dialect
    body: list[tuple[int, list[str]]]
    first: list[str]
    rest: list[list[str]]
    style: NumberStyle
    below: Inference
    truncated: bool
    records: int
    confidence: dict[str, float]


def sniff_head(path: Path, pins: dict[str, Any]) -> Head:
    """Decide everything the head decides; the sniff of the whole file goes on from here."""
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
    scan = blank_comments(text, comment)
    found = search_dialect(scan, pins)
    body, preamble_lines, preamble_confidence = _body(found.records, found.width, pins)
    first = body[0][1] if body else []
    rest = [cells for _, cells in body[1:]]
    style = pinned_style(pins) or guess_number_style(
        (c for row in rest[:200] for c in row), found.delimiter
    )
    names = tuple(f"column_{i + 1}" for i in range(len(first)))
    below = infer_types([sample_table(names, rest)], style)
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
    return Head(
        dialect=dialect,
        body=body,
        first=first,
        rest=rest,
        style=style,
        below=below,
        truncated=truncated,
        records=len(found.records),
        confidence={
            "encoding": encoding_confidence,
            "dialect": PINNED if "delimiter" in pins else _margin(found.score, found.runner_up),
            "header": header_confidence,
            "preamble": preamble_confidence,
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


def sample_table(names: tuple[str, ...], rows: list[list[str]]) -> pa.Table:
    """Sampled records of the table's width as string columns, for typing."""
    width = len(names)
    regular = [row for row in rows if len(row) == width]
    return pa.table(
        {name: pa.array([row[i] for row in regular], pa.string()) for i, name in enumerate(names)}
    )


def blank_comments(text: str, prefix: str | None) -> str:
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


def pinned_style(pins: Mapping[str, Any]) -> NumberStyle | None:
    """The number style the source pins, if it pins the decimal or thousands separator."""
    if "decimal" not in pins and "thousands" not in pins:
        return None
    return NumberStyle(decimal=pins.get("decimal", "."), thousands=pins.get("thousands"))
