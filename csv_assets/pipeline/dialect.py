"""``Dialect``: how one CSV file is written, every decision with its confidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from csv_assets.pipeline.cells import NULL_TOKENS, ColumnGuess, NumberStyle

PINNED = 1.0
"""The confidence of a decision the source pinned rather than the sniffer made."""
UNSURE_BELOW = 0.85
"""A decision stated at less confidence than this is shown as unsure, with its runner-up."""


@dataclass(frozen=True)
class Dialect:
    r"""Everything needed to read a CSV file, with a confidence (0..1) for each decision.

    Attributes:
        encoding: Python codec name (``utf-8-sig`` when a UTF-8 BOM leads the file).
        bom: Whether the file starts with a byte order mark.
        line_terminator: The most common record separator (``\r\n``, ``\n`` or ``\r``).
        delimiter: Field separator.
        quotechar: Quote character, or ``None`` when fields are never quoted.
        escapechar: Escape character (``\``), or ``None``.
        doublequote: Whether a quote inside a quoted field is written twice.
        skip_initial_space: Whether spaces after a delimiter are padding (``a, "b", c``).
        has_header: Whether the first record after the preamble names the columns.
        preamble_lines: Physical lines above the header (title blocks, export notes, and the
            group row of a two-row header).
        header_rows: Records the header spans: 2 when a group row (``,Q1,,Q2,``) above the
            column names is joined into them, the group row being the preamble's last line.
        footer_rows: Records at the end that are not data (totals, "end of report").
        table_end_line: The physical line where a second table starts (a new header after a
            blank line), or ``None``; the records from it on are not this table's.
        comment_prefixes: Lines starting with any of them are comments (``#``, ``//``).
        encoding_errors: ``strict``, or ``replace`` where a few bytes do not decode (each
            read as U+FFFD, and said so in ``notes``).
        notes: What a reader of the data should know about how it was read, in sentences.
        raw_header: The header cells as written (generated names when there is none).
        columns: Safe, unique SQL names for the columns, in file order.
        null_tokens: Cell texts read as missing, most frequent first.
        number_style: Decimal and thousands separators.
        column_types: Each column's kind and format, inferred over the whole file.
        confidence: Per decision (``encoding``, ``dialect``, ``header``, ``preamble``...),
            calibrated: decisions stated at 0.9 are right about 9 times in 10.
        runner_up: Per decision, the next most likely choice, where there is one.
        pinned: Decisions the source fixed in its YAML instead of the sniffer.
    """

    encoding: str
    bom: bool
    line_terminator: str
    delimiter: str
    quotechar: str | None
    escapechar: str | None
    doublequote: bool
    has_header: bool
    preamble_lines: int
    raw_header: tuple[str, ...]
    columns: tuple[str, ...]
    number_style: NumberStyle
    comment_prefixes: tuple[str, ...] = ()
    skip_initial_space: bool = False
    header_rows: int = 1
    footer_rows: int = 0
    table_end_line: int | None = None
    encoding_errors: str = "strict"
    notes: tuple[str, ...] = ()
    null_tokens: tuple[str, ...] = ("",)
    column_types: Mapping[str, ColumnGuess] = field(default_factory=dict)
    confidence: Mapping[str, float] = field(default_factory=dict)
    runner_up: Mapping[str, str] = field(default_factory=dict)
    pinned: tuple[str, ...] = ()

    @property
    def missing(self) -> frozenset[str]:
        """The cell texts validation reads as missing: the pinned tokens, else every known one."""
        if "null_tokens" in self.pinned:
            return frozenset(self.null_tokens)
        return NULL_TOKENS | frozenset(self.null_tokens)

    def unsure(self) -> dict[str, str]:
        """The decisions stated below ``UNSURE_BELOW``, each with its runner-up (or "")."""
        return {
            decision: self.runner_up.get(decision, "")
            for decision, confidence in self.confidence.items()
            if confidence < UNSURE_BELOW and decision != "types"
        }

    def describe(self) -> dict[str, Any]:
        """Return the decisions as plain JSON-ready values."""
        return {
            "encoding": self.encoding,
            "bom": self.bom,
            "line_terminator": _escape(self.line_terminator),
            "delimiter": _escape(self.delimiter),
            "quotechar": self.quotechar,
            "escapechar": self.escapechar,
            "doublequote": self.doublequote,
            "skip_initial_space": self.skip_initial_space,
            "has_header": self.has_header,
            "header_rows": self.header_rows,
            "preamble_lines": self.preamble_lines,
            "footer_rows": self.footer_rows,
            "table_end_line": self.table_end_line,
            "comment_prefixes": list(self.comment_prefixes),
            "encoding_errors": self.encoding_errors,
            "notes": list(self.notes),
            "null_tokens": list(self.null_tokens),
            "decimal": self.number_style.decimal,
            "thousands": self.number_style.thousands,
            "columns": list(self.columns),
            "column_types": {name: _guess(g) for name, g in self.column_types.items()},
            "confidence": {k: round(v, 3) for k, v in self.confidence.items()},
            "runner_up": dict(self.runner_up),
            "unsure": self.unsure(),
            "pinned": list(self.pinned),
        }


def dialect_from_description(description: Mapping[str, Any], raw_header: Sequence[str]) -> Dialect:
    """Rebuild a ``Dialect`` from ``Dialect.describe()`` (as the ledger keeps it) and the header.

    Descriptions written before a field existed get that field's default.
    """
    return Dialect(
        encoding=description["encoding"],
        bom=description["bom"],
        line_terminator=_unescape(description["line_terminator"]),
        delimiter=_unescape(description["delimiter"]),
        quotechar=description["quotechar"],
        escapechar=description["escapechar"],
        doublequote=description["doublequote"],
        skip_initial_space=description.get("skip_initial_space", False),
        has_header=description["has_header"],
        header_rows=description.get("header_rows", 1),
        preamble_lines=description["preamble_lines"],
        footer_rows=description.get("footer_rows", 0),
        table_end_line=description.get("table_end_line"),
        comment_prefixes=_prefixes(description),
        encoding_errors=description.get("encoding_errors", "strict"),
        notes=tuple(description.get("notes", ())),
        raw_header=tuple(raw_header),
        columns=tuple(description["columns"]),
        null_tokens=tuple(description.get("null_tokens", ("",))),
        number_style=NumberStyle(description["decimal"], description["thousands"]),
        column_types={
            name: ColumnGuess(
                g["kind"],
                g["format"],
                g["confidence"],
                precision=g.get("precision"),
                scale=g.get("scale"),
                nulls=g.get("nulls", 0),
            )
            for name, g in description["column_types"].items()
        },
        confidence=description["confidence"],
        runner_up=description.get("runner_up", {}),
        pinned=tuple(description.get("pinned", ())),
    )


def unsure_note(runner_up: str) -> str:
    """How a doubtful decision is shown: unsure, and its runner-up if it has one."""
    return f"unsure; runner-up: {runner_up}" if runner_up else "unsure"


def comment_prefixes(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Comment prefixes as a tuple, from one prefix, several, or none (a pin or old ledger)."""
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _prefixes(description: Mapping[str, Any]) -> tuple[str, ...]:
    if "comment_prefixes" in description:
        return comment_prefixes(description["comment_prefixes"])
    return comment_prefixes(description.get("comment_prefix"))


def _guess(guess: ColumnGuess) -> dict[str, Any]:
    described: dict[str, Any] = {
        "kind": guess.kind,
        "format": guess.format,
        "confidence": round(guess.confidence, 3),
        "nulls": guess.nulls,
    }
    if guess.kind == "decimal":
        described.update(precision=guess.precision, scale=guess.scale)
    return described


def _escape(text: str) -> str:
    return text.encode("unicode_escape").decode()


def _unescape(text: str) -> str:
    return text.encode().decode("unicode_escape")
