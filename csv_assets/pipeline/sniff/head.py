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

from csv_assets.pipeline.cells import NumberStyle, guess_number_style
from csv_assets.pipeline.dialect import PINNED, Dialect, comment_prefixes
from csv_assets.pipeline.names import collisions, safe_names
from csv_assets.pipeline.read import fit_record, open_bytes
from csv_assets.pipeline.sniff.calibration import PINS, calibrated
from csv_assets.pipeline.sniff.encoding import Encoding, decode_sample, detect_encoding
from csv_assets.pipeline.sniff.header import detect_header
from csv_assets.pipeline.sniff.infer import Inference, infer_sample
from csv_assets.pipeline.sniff.search import Found, scored_rows, search_dialect
from csv_assets.pipeline.sniff.shape import (
    Record,
    count_preamble,
    group_names,
    second_table,
)
from csv_assets.pipeline.sniff.shape import comment_prefixes as find_comment_prefixes

HEAD_BYTES = 256 * 1024
EVIDENCE_RECORDS = 5
"""Raw scores (see ``calibration.py``) of decisions from this many records are halved."""


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
    inference = infer_sample(sample_table(head.dialect.columns, data), head.style)
    return replace(
        head.dialect,
        column_types=inference.column_types,
        confidence=calibrated(head.confidence, head.dialect.pinned),
    )


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
        encoding = Encoding(pins["encoding"], False, PINNED)
    else:
        encoding = detect_encoding(head)
    text = decode_sample(head, encoding.codec, truncated)
    if not text.strip():
        raise ValueError("the file is empty")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValueError(f"the file is not text in {encoding.codec}: a NUL byte on line {line}")
    if "comment_prefix" in pins:
        comments = comment_prefixes(pins["comment_prefix"])
    else:
        comments = find_comment_prefixes(text.splitlines()[:50])
    found = search_dialect(blank_comments(text, comments), pins)
    layout = _layout(found.records, found.width, pins)
    first, rest = layout.first, layout.rest
    style = pinned_style(pins) or guess_number_style(
        (c for row in rest[: scored_rows(len(first))] for c in row), found.delimiter
    )
    names = tuple(f"column_{i + 1}" for i in range(len(first)))
    below = infer_sample(sample_table(names, rest), style)
    has_header, header_confidence = pins.get("has_header"), PINNED
    if has_header is None:
        kinds = [below.column_types[name].kind for name in names]
        has_header, header_confidence = detect_header(first, rest, kinds, style)
    if layout.group and not has_header:
        # The row below the group row is data after all: the group row is the first record.
        layout = _layout(found.records, found.width, {**pins, "has_header": False})
        first, rest = layout.first, layout.rest
        names = tuple(f"column_{i + 1}" for i in range(len(first)))
        below = infer_sample(sample_table(names, rest), style)
    raw_header = (layout.group or tuple(first)) if has_header else names
    columns = safe_names(raw_header)
    notes = [*layout.notes, *(collisions(raw_header, columns) if has_header else ())]
    if encoding.replaced:
        notes.append(
            f"{encoding.replaced} bytes of the first {len(head) // 1024} KiB are not valid "
            f"{encoding.codec}: each is read as U+FFFD, as is any further one"
        )
    dialect = Dialect(
        encoding=encoding.codec,
        bom=encoding.bom,
        line_terminator=_line_terminator(text),
        delimiter=found.delimiter,
        quotechar=found.quotechar,
        escapechar=found.escapechar,
        doublequote=pins.get("doublequote", found.escapechar is None),
        skip_initial_space=found.skip_initial_space,
        has_header=has_header,
        header_rows=2 if has_header and layout.group else 1,
        preamble_lines=layout.preamble_lines,
        table_end_line=layout.table_end_line,
        comment_prefixes=comments,
        encoding_errors=encoding.errors,
        raw_header=raw_header,
        columns=columns,
        number_style=style,
        notes=tuple(notes),
        runner_up=_runner_up(encoding, found, has_header, pins),
        pinned=tuple(sorted(pins)),
    )
    return Head(
        dialect=dialect,
        body=layout.body,
        first=first,
        rest=rest,
        style=style,
        below=below,
        truncated=truncated,
        records=len(found.records),
        confidence={
            "encoding": encoding.confidence,
            "dialect": PINNED
            if "delimiter" in pins
            else _margin(found.score, found.runner_up) * _evidence(len(found.records)),
            "header": header_confidence,
            "preamble": PINNED if "preamble_lines" in pins else _evidence(len(layout.body)),
        },
    )


@dataclass(frozen=True)
class Layout:
    """Where the table sits among the head's records."""

    body: list[Record]
    """From the header (or first row) to the last record before any second table."""
    first: list[str]
    rest: list[list[str]]
    """The records after ``first``, cut to its width where only empty cells stick out."""
    preamble_lines: int
    group: tuple[str, ...] | None
    """The joined names of a two-row header, when the first record is a group row."""
    table_end_line: int | None
    notes: tuple[str, ...]


def _layout(records: list[Record], width: int, pins: Mapping[str, Any]) -> Layout:
    """The records from the header on, the lines above them, a group row, a second table."""
    if "preamble_lines" in pins:
        skip = int(pins["preamble_lines"])
        body = [r for r in records if r[0] > skip]
    else:
        body = records[count_preamble(records, width) :]
    group = None
    if len(body) > 1 and pins.get("has_header", True):
        group = group_names(body[0][1], body[1][1])
        if group is not None:
            body = body[1:]
    first = body[0][1] if body else []
    notes: tuple[str, ...] = ()
    end = second_table(body, first, width) if len(body) > 2 else None
    table_end_line = None
    if end is not None:
        table_end_line = body[end][0]
        body = body[:end]
        notes = (
            f"a second table starts on line {table_end_line}: only the table above it is read",
        )
    lines = int(pins.get("preamble_lines", body[0][0] - 1 if body else 0))
    rest = [fit_record(cells, len(first)) or cells for _, cells in body[1:]]
    return Layout(body, first, rest, lines, group, table_end_line, notes)


def sample_table(names: tuple[str, ...], rows: list[list[str]]) -> pa.Table:
    """Sampled records of the table's width as string columns, for typing."""
    width = len(names)
    regular = [row for row in rows if len(row) == width]
    return pa.table(
        {name: pa.array([row[i] for row in regular], pa.string()) for i, name in enumerate(names)}
    )


def blank_comments(text: str, prefixes: tuple[str, ...]) -> str:
    """Empty every comment line, keeping line numbers, so quotes in comments cannot mislead."""
    if not prefixes:
        return text
    marks = "|".join(map(re.escape, prefixes))
    return re.sub(rf"(?m)^(?:{marks})[^\r\n]*", "", text)


def _line_terminator(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    return max((crlf, "\r\n"), (lf, "\n"), (cr, "\r"))[1]


def _runner_up(
    encoding: Encoding, found: Found, has_header: bool, pins: Mapping[str, Any]
) -> dict[str, str]:
    """The next most likely choice of each decision the sniffer made, where there is one."""
    choices = {"header": "no header" if has_header else "a header"}
    if encoding.runner_up:
        choices["encoding"] = encoding.runner_up
    if found.runner_up_delimiter is not None:
        choices["dialect"] = f"delimiter {found.runner_up_delimiter!r}"
    return {k: v for k, v in choices.items() if PINS[k] not in pins}


def _margin(best: float, runner_up: float) -> float:
    """How far the winning delimiter is ahead of the best other one: 0.5 tied.

    Alone, it is as far ahead as its own parse is consistent (a rival at ``1 - best``).
    """
    if best <= 0:
        return 0.5
    return best / (best + max(runner_up, 1.0 - best))


def _evidence(records: int) -> float:
    """How much a decision drawn from ``records`` records can be trusted, before calibration.

    A table of three rows says less than one of three hundred.
    """
    return records / (records + EVIDENCE_RECORDS)


def pinned_style(pins: Mapping[str, Any]) -> NumberStyle | None:
    """The number style the source pins, if it pins the decimal or thousands separator."""
    if "decimal" not in pins and "thousands" not in pins:
        return None
    return NumberStyle(decimal=pins.get("decimal", "."), thousands=pins.get("thousands"))
