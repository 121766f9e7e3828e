"""Whether a table's first record names its columns, or is its first row of data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from csv_assets.pipeline.cells import (
    FALSE_TOKENS,
    TRUE_TOKENS,
    Kind,
    NumberStyle,
    is_null,
    number_kind,
    starts_like_value,
)

VALUE_IN_FIRST = 0.85
HEADER_ALONE = 0.6
"""Raw scores of the header rules that do not vote: a number or null in the first record (no
header), and a record with none below it (a header). Their calibrated confidences say how often
each is right."""


def detect_header(
    first: list[str], rest: list[list[str]], kinds: Sequence[Kind], style: NumberStyle
) -> tuple[bool, float]:
    """Whether ``first`` names the columns of ``rest``, and how sure that is (0.5..1).

    A header cell is text where its column holds numbers or dates, or text that its column
    never repeats; a header has no empty, null or numeric cell, and no cell twice. But one:
    an empty top-left cell among named ones is a header over an unnamed first column (the
    index pandas' ``to_csv()`` writes, R's ``write.csv`` ``""``, a spreadsheet's row labels),
    judged by its named cells.

    Args:
        first: The first record after the preamble.
        rest: The records after it (a sample).
        kinds: The kind of each column of ``rest``.
        style: How the file writes numbers.
    """
    if not first:
        return False, 0.5
    if _unnamed_first(first, style):
        named, shift = first[1:], 1
    elif any(is_null(c) or number_kind(c, style) for c in first):
        return False, VALUE_IN_FIRST
    else:
        named, shift = first, 0
    if not rest:
        return True, HEADER_ALONE
    votes = 0
    for i, cell in enumerate(named, start=shift):
        column = [row[i] for row in rest[:200] if i < len(row)]
        kind = kinds[i] if i < len(kinds) else "string"
        if kind != "string" and not _typed(cell, style):
            votes += 2
        elif cell in column:
            votes -= 2
        elif _looks_like(cell, column):
            votes -= 1  # a name or code written like the column's own values
        else:
            votes += 1
    share = votes / (2 * len(named))
    confidence = min(1.0, 0.5 + abs(share) / 2)
    return votes > 0, confidence


def _unnamed_first(first: list[str], style: NumberStyle) -> bool:
    """An empty top-left cell, and names (no null, no number) in every other cell."""
    return (
        len(first) > 1
        and first[0].strip() == ""
        and not any(is_null(c) or number_kind(c, style) for c in first[1:])
    )


def _looks_like(cell: str, column: Sequence[str]) -> bool:
    """Whether ``cell`` is written as most of the column's cells are, and as long as some.

    ``AB-1001`` among ``CD-2002``s, ``Anna Berg`` among ``Ben Ortiz``s: shapes of character
    classes, and a length from half the shortest to half again the longest.
    """
    filled = [c for c in column if c.strip()]
    if not filled:
        return False
    shapes = Counter(cell_shape(c) for c in filled)
    shape, count = shapes.most_common(1)[0]
    lengths = [len(c) for c in filled]
    return (
        cell_shape(cell) == shape
        and count * 2 > len(filled)
        and min(lengths) / 2 <= len(cell) <= max(lengths) * 1.5
    )


@lru_cache(maxsize=65536)
def cell_shape(text: str) -> str:
    """A cell's letters, digits and spaces as classes, runs collapsed, the rest dropped.

    ``AB-1001`` is ``A9``; ``Anna Berg`` and ``Zoë Noël €`` are both ``Aa Aa``.
    """
    shape: list[str] = []
    for char in text.strip():
        if char.isalpha():
            mark = "A" if char.isupper() else "a"
        elif char.isdigit():
            mark = "9"
        elif char == " ":
            mark = " "
        else:
            continue
        if not shape or shape[-1] != mark:
            shape.append(mark)
    return "".join(shape).strip()


def _typed(cell: str, style: NumberStyle) -> bool:
    """Whether a cell reads as a value rather than a name: a number, a date, a boolean."""
    text = cell.strip().lower()
    return (
        bool(number_kind(text, style))
        or starts_like_value(text)
        or text in TRUE_TOKENS | FALSE_TOKENS
    )
