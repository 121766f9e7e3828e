"""Sniff a CSV file: encoding, dialect, preamble, header, number style and column types."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from csv_assets.pipeline.cells import (
    ColumnGuess,
    NumberStyle,
    guess_column,
    guess_number_style,
    is_null,
    number_kind,
    safe_names,
)
from csv_assets.pipeline.encoding import decode_sample, detect_encoding
from csv_assets.pipeline.source_file import open_bytes

SAMPLE_BYTES = 256 * 1024
SAMPLE_RECORDS = 500
DELIMITERS = (",", ";", "\t", "|", ":", " ")


@dataclass(frozen=True)
class Dialect:
    """Everything needed to read a CSV file, with a confidence (0..1) for each decision."""

    encoding: str
    bom: bool
    line_terminator: str
    delimiter: str
    quotechar: str | None
    escapechar: str | None
    doublequote: bool
    has_header: bool
    preamble_lines: int
    comment_prefix: str | None
    raw_header: tuple[str, ...]
    columns: tuple[str, ...]
    number_style: NumberStyle
    column_types: Mapping[str, ColumnGuess] = field(default_factory=dict)
    confidence: Mapping[str, float] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        """Return the decisions as plain JSON-ready values."""
        return {
            "encoding": self.encoding,
            "bom": self.bom,
            "line_terminator": self.line_terminator.encode("unicode_escape").decode(),
            "delimiter": self.delimiter.encode("unicode_escape").decode(),
            "quotechar": self.quotechar,
            "escapechar": self.escapechar,
            "doublequote": self.doublequote,
            "has_header": self.has_header,
            "preamble_lines": self.preamble_lines,
            "comment_prefix": self.comment_prefix,
            "decimal": self.number_style.decimal,
            "thousands": self.number_style.thousands,
            "columns": list(self.columns),
            "column_types": {
                name: {"kind": g.kind, "format": g.format, "confidence": round(g.confidence, 3)}
                for name, g in self.column_types.items()
            },
            "confidence": {k: round(v, 3) for k, v in self.confidence.items()},
        }


@dataclass(frozen=True)
class _Candidate:
    delimiter: str
    quotechar: str | None
    escapechar: str | None
    records: list[tuple[int, list[str]]]
    width: int
    score: float


def dialect_from_description(description: Mapping[str, Any], raw_header: Sequence[str]) -> Dialect:
    """Rebuild a ``Dialect`` from ``Dialect.describe()`` (as the ledger keeps it) and the header."""

    def unescape(text: str) -> str:
        return text.encode().decode("unicode_escape")

    return Dialect(
        encoding=description["encoding"],
        bom=description["bom"],
        line_terminator=unescape(description["line_terminator"]),
        delimiter=unescape(description["delimiter"]),
        quotechar=description["quotechar"],
        escapechar=description["escapechar"],
        doublequote=description["doublequote"],
        has_header=description["has_header"],
        preamble_lines=description["preamble_lines"],
        comment_prefix=description["comment_prefix"],
        raw_header=tuple(raw_header),
        columns=tuple(description["columns"]),
        number_style=NumberStyle(description["decimal"], description["thousands"]),
        column_types={
            name: ColumnGuess(g["kind"], g["format"], g["confidence"])
            for name, g in description["column_types"].items()
        },
        confidence=description["confidence"],
    )


def sniff_csv(path: Path, pins: Mapping[str, Any] | None = None) -> Dialect:
    """Detect how ``path`` is written, looking at its first 256 KiB.

    Args:
        path: A CSV file, optionally ``.gz`` or single-member ``.zip``.
        pins: Dialect fields the source fixes, overriding what is sniffed
            (``encoding``, ``delimiter``, ``quotechar``, ``escapechar``, ``has_header``,
            ``preamble_lines``, ``decimal``, ``thousands``).

    Returns:
        The dialect, with per-decision confidences.

    Raises:
        ValueError: The file is empty.
    """
    pins = dict(pins or {})
    with open_bytes(path) as stream:
        raw = stream.read(SAMPLE_BYTES)
        truncated = bool(stream.read(1))
    if not raw.strip():
        raise ValueError("the file is empty")
    encoding, bom, encoding_confidence = pins.get("encoding"), False, 1.0
    if encoding is None:
        encoding, bom, encoding_confidence = detect_encoding(raw)
    text = decode_sample(raw, encoding, truncated)
    terminator = _line_terminator(text)
    best = _choose_dialect(text, pins)
    records = best.records
    preamble_records = pins.get("preamble_lines")
    if preamble_records is None:
        preamble_records = _preamble_records(records, best.width)
    body = records[preamble_records:]
    preamble_lines = body[0][0] - 1 if body else 0
    first = body[0][1] if body else []
    rest = [cells for _, cells in body[1:]]
    style = _pinned_style(pins) or guess_number_style(
        (c for row in rest[:200] for c in row), best.delimiter
    )
    has_header, header_confidence = pins.get("has_header"), 1.0
    if has_header is None:
        has_header, header_confidence = _detect_header(first, rest, style)
    raw_header = tuple(first) if has_header else tuple(f"column_{i + 1}" for i in range(len(first)))
    columns = safe_names(raw_header)
    data_rows = rest if has_header else [first, *rest]
    types = {
        name: guess_column([row[i] for row in data_rows if i < len(row)], style)
        for i, name in enumerate(columns)
    }
    return Dialect(
        encoding=encoding,
        bom=bom,
        line_terminator=terminator,
        delimiter=best.delimiter,
        quotechar=best.quotechar,
        escapechar=best.escapechar,
        doublequote=best.escapechar is None,
        has_header=has_header,
        preamble_lines=preamble_lines,
        comment_prefix="#" if _has_comments(text) else None,
        raw_header=raw_header,
        columns=columns,
        number_style=style,
        column_types=types,
        confidence={
            "encoding": encoding_confidence,
            "dialect": round(best.score, 3),
            "header": header_confidence,
            "preamble": 1.0 if preamble_records == 0 else 0.8,
        },
    )


def _line_terminator(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    return max((crlf, "\r\n"), (lf, "\n"), (cr, "\r"))[1]


def _parse(text: str, delimiter: str, quotechar: str | None, escapechar: str | None) -> list:
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar=quotechar or '"',
        quoting=csv.QUOTE_MINIMAL if quotechar else csv.QUOTE_NONE,
        escapechar=escapechar,
        doublequote=escapechar is None,
        strict=False,
    )
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            if cells and any(c.strip() for c in cells) and not cells[0].startswith("#"):
                records.append((line, cells))
            line = reader.line_num + 1
            if len(records) >= SAMPLE_RECORDS:
                break
    except csv.Error:
        pass
    return records


def _score(records: list[tuple[int, list[str]]], style: NumberStyle) -> tuple[float, int]:
    """Pattern consistency times type consistency, after CleverCSV's data consistency measure."""
    if not records:
        return 0.0, 0
    widths = Counter(len(cells) for _, cells in records)
    width, count = widths.most_common(1)[0]
    pattern = sum(n * (w - 1) / w for w, n in widths.items()) / len(widths) / len(records)
    pattern = max(pattern, 1e-3)
    cells = [c for _, row in records[:100] for c in row]
    typed = sum(
        1
        for c in cells
        if is_null(c) or number_kind(c, style) or (c.strip() and c.strip() == c and '"' not in c)
    )
    consistency = typed / len(cells) if cells else 0.0
    return pattern * consistency * (count / len(records)), width


def _choose_dialect(text: str, pins: Mapping[str, Any]) -> _Candidate:
    delimiters = (
        [pins["delimiter"]] if pins.get("delimiter") else [d for d in DELIMITERS if d in text]
    )
    quotes = [pins["quotechar"]] if pins.get("quotechar") else ['"', "'", None]
    escapes = [pins.get("escapechar")] if "escapechar" in pins else [None, "\\"]
    style = NumberStyle()
    best = _Candidate(",", '"', None, _parse(text, ",", '"', None), 1, 0.0)
    for delimiter in delimiters or [","]:
        for quote in quotes:
            if quote and quote not in text:
                continue
            for escape in escapes:
                if escape and escape not in text:
                    continue
                records = _parse(text, delimiter, quote, escape)
                score, width = _score(records, style)
                # Ties go to the earlier, more common choice.
                if score > best.score * 1.0001:
                    best = _Candidate(delimiter, quote, escape, records, width, score)
    if best.width <= 1:
        return replace(best, delimiter=pins.get("delimiter", ","), score=max(best.score, 0.5))
    return best


def _preamble_records(records: list[tuple[int, list[str]]], width: int) -> int:
    """Count leading records before the first one of the usual width most following ones share.

    A stray ragged row near the top does not make the rows above it a preamble.
    """
    for index, (_, cells) in enumerate(records):
        window = records[index : index + 20]
        if len(cells) == width and sum(len(c) == width for _, c in window) * 2 > len(window):
            return index
    return 0


def _detect_header(
    first: list[str], rest: list[list[str]], style: NumberStyle
) -> tuple[bool, float]:
    if not first or not rest:
        return bool(first) and all(not number_kind(c, style) for c in first), 0.5
    if any(is_null(c) or number_kind(c, style) for c in first):
        return False, 0.9
    votes = 0
    for i, cell in enumerate(first):
        column = [row[i] for row in rest[:200] if i < len(row)]
        guess = guess_column(column, style)
        if guess.kind != "string" and guess_column([cell], style).kind == "string":
            votes += 2
        elif cell not in column:
            votes += 1
        else:
            votes -= 2
    unique = len(set(first)) == len(first)
    confidence = min(1.0, 0.5 + votes / (2 * len(first)) / 2)
    return votes > 0 and unique, confidence if votes > 0 else 1 - confidence


def _has_comments(text: str) -> bool:
    lines = text.splitlines()[:50]
    return any(line.startswith("#") for line in lines) and not lines[0].startswith("#,")


def _pinned_style(pins: Mapping[str, Any]) -> NumberStyle | None:
    if "decimal" not in pins and "thousands" not in pins:
        return None
    return NumberStyle(decimal=pins.get("decimal", "."), thousands=pins.get("thousands"))
