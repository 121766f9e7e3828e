"""Where the table sits in a file: title lines above it, its header, totals below it, comments."""

from __future__ import annotations

import re
from collections.abc import Sequence

from csv_assets.pipeline.cells import (
    FALSE_TOKENS,
    TRUE_TOKENS,
    Kind,
    NumberStyle,
    is_null,
    number_kind,
    starts_like_value,
)

Record = tuple[int, list[str]]
"""A record: the physical line it starts on, and its cells."""

WINDOW = 20
MAX_FOOTER = 10
_FOOTER_CELL = re.compile(
    r"""^\s*(
        (grand\s+|sub)?(total|totals|sum|summe|gesamt|totaal|totale|somme)\s*:?
      | (rows|records|lines|count)\s*[:=]?\s*\d[\d.,]*
      | \(?\d[\d.,]*\s+(rows|records|lines)\)?
      | end(\s+of\s+(report|file|data|export))?
      | eof
      | page\s+\d+(\s+of\s+\d+)?
      | (generated|exported|printed)\s.*
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
"""A first cell that says "totals" or "end", not one that merely starts with such a word."""
COMMENT_PREFIXES = ("#", "//")


def count_preamble(records: Sequence[Record], width: int) -> int:
    """Leading records before the first one of the usual width that most following ones share.

    A stray ragged row near the top does not make the rows above it a preamble.
    """
    for index, (_, cells) in enumerate(records):
        window = records[index : index + WINDOW]
        if len(cells) == width and sum(len(c) == width for _, c in window) * 2 > len(window):
            return index
    return 0


def detect_header(
    first: list[str], rest: list[list[str]], kinds: Sequence[Kind], style: NumberStyle
) -> tuple[bool, float]:
    """Whether ``first`` names the columns of ``rest``, and how sure that is (0.5..1).

    A header cell is text where its column holds numbers or dates, or text that its column
    never repeats; a header has no empty, null or numeric cell, and no cell twice.

    Args:
        first: The first record after the preamble.
        rest: The records after it (a sample).
        kinds: The kind of each column of ``rest``.
        style: How the file writes numbers.
    """
    if not first:
        return False, 0.5
    if any(is_null(c) or number_kind(c, style) for c in first):
        return False, 0.95
    if len(set(first)) != len(first):
        return False, 0.8
    if not rest:
        return True, 0.6
    votes = 0
    for i, cell in enumerate(first):
        column = [row[i] for row in rest[:200] if i < len(row)]
        kind = kinds[i] if i < len(kinds) else "string"
        if kind != "string" and not _typed(cell, style):
            votes += 2
        elif cell not in column:
            votes += 1
        else:
            votes -= 2
    share = votes / (2 * len(first))
    confidence = min(1.0, 0.5 + abs(share) / 2)
    return votes > 0, confidence


def count_footer(records: Sequence[Record], width: int, style: NumberStyle) -> int:
    """Trailing records that are not data: of another width, or a totals line.

    Args:
        records: The last records of the file, in order.
        width: The table's width.
        style: How the file writes numbers (a totals line holds numbers, not words).
    """
    footer = 0
    for _, cells in reversed(records[-MAX_FOOTER:]):
        filled = [c for c in cells if c.strip()]
        totals = bool(filled) and bool(_FOOTER_CELL.match(filled[0]))
        sparse = len(filled) * 2 <= width or all(number_kind(c, style) for c in filled[1:])
        if len(cells) != width or (totals and sparse):
            footer += 1
        else:
            break
    return footer if footer < len(records) else 0


def _typed(cell: str, style: NumberStyle) -> bool:
    """Whether a cell reads as a value rather than a name: a number, a date, a boolean."""
    text = cell.strip().lower()
    return (
        bool(number_kind(text, style))
        or starts_like_value(text)
        or text in TRUE_TOKENS | FALSE_TOKENS
    )


def comment_prefix(lines: Sequence[str]) -> str | None:
    """The prefix of comment lines among the first lines (``#`` or ``//``), if any."""
    for prefix in COMMENT_PREFIXES:
        marked = [line for line in lines if line.startswith(prefix)]
        if marked and not all(line.startswith(prefix + ",") for line in marked):
            return prefix
    return None
