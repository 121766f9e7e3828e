"""Where the table sits in a file: title lines above it, its header, totals below it, comments."""

from __future__ import annotations

import re
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
VALUE_IN_FIRST = 0.85
HEADER_ALONE = 0.6
"""Raw scores of the header rules that do not vote: a number or null in the first record (no
header), and a record with none below it (a header). Their calibrated confidences say how often
each is right."""
MIN_SHAPED = 3
SHAPE_SHARE = 0.6
"""A one-column table's values share a shape when this share of at least ``MIN_SHAPED`` do."""


def count_preamble(records: Sequence[Record], width: int) -> int:
    """Leading records before the table's first one (its header, or its first row).

    The first is the first record of the usual width that most following ones share, unless
    it is a title padded to the width (``Report,,,,``: one text cell, the rest empty) or
    the record just above it is one shorter where every row ends in an empty cell (a header
    without the rows' trailing delimiter). A stray ragged row near the top does not make the
    rows above it a preamble.
    """
    if width == 1:
        return _one_column_preamble(records)
    for index, (_, cells) in enumerate(records):
        window = records[index : index + WINDOW]
        if len(cells) != width or sum(len(c) == width for _, c in window) * 2 <= len(window):
            continue
        if is_title(cells, width) and index + 1 < len(records):
            continue
        shorter = index and len(records[index - 1][1]) == width - 1
        if shorter and _trailing_delimiters(window, width):
            return index - 1
        return index
    return 0


def _one_column_preamble(records: Sequence[Record]) -> int:
    """Title lines above a one-column table: with no width to go by, its values' shape.

    When most values share one shape (``Anna Berg``, ``Ben Ortiz``), the leading records of
    other shapes are titles and a header, the last of them the header.
    """
    values = [cells[0] for _, cells in records[: WINDOW * 5] if len(cells) == 1]
    below = values[len(values) // 2 :]  # the table's rows, whatever sits above them
    if len(below) < MIN_SHAPED:
        return 0
    shape, count = Counter(_shape(v) for v in below).most_common(1)[0]
    if count < SHAPE_SHARE * len(below):
        return 0
    leading = 0
    for _, cells in records:
        if len(cells) == 1 and _shape(cells[0]) == shape:
            break
        leading += 1
    return max(leading - 1, 0)


def is_title(cells: Sequence[str], width: int) -> bool:
    """A title padded with delimiters: one cell of text, first, in a table of 3 or more."""
    filled = [c for c in cells if c.strip()]
    return (
        width >= 3
        and len(filled) == 1
        and bool(cells[0].strip())
        and not starts_like_value(cells[0].strip())
    )


def _trailing_delimiters(records: Sequence[Record], width: int) -> bool:
    rows = [cells for _, cells in records if len(cells) == width]
    return bool(rows) and all(not cells[-1].strip() for cells in rows)


def group_names(group: Sequence[str], names: Sequence[str]) -> tuple[str, ...] | None:
    """The names of a two-row header (``,Q1,,Q2,`` over ``region,sales,units,sales,units``).

    ``group`` is the record above the column names: some cells empty, the others text, and
    not a padded title. Each group name covers the empty cells after it and is joined to the
    names below (``Q1 sales``). ``None`` when ``group`` is not such a row.
    """
    filled = [i for i, c in enumerate(group) if c.strip()]
    if (
        len(group) != len(names)
        or not filled
        or len(filled) == len(group)
        or is_title(group, len(group))
        or any(starts_like_value(group[i].strip()) or is_null(group[i]) for i in filled)
        or not all(n.strip() for n in names)
    ):
        return None
    joined: list[str] = []
    current = ""
    for cell, name in zip(group, names, strict=True):
        current = cell.strip() or current
        same = current.lower() == name.strip().lower()
        joined.append(f"{current} {name.strip()}" if current and not same else name)
    return tuple(joined)


def second_table(records: Sequence[Record], header: Sequence[str], width: int) -> int | None:
    """Where a second table starts below the first: the index of its first record, or None.

    A second table follows a blank line and opens with a header, perhaps under a one-cell
    title: a record of text only that repeats the first table's header or has another width,
    and the next record has the width of that header. The first table keeps a row.
    """
    for index in range(2, len(records)):
        line, cells = records[index]
        above, above_cells = records[index - 1]
        if line - above <= 1 + sum(c.count("\n") for c in above_cells):
            continue  # no blank line between
        titled = width > 1 and sum(bool(c.strip()) for c in cells) == 1
        start = index + 1 if titled else index
        if start + 1 < len(records) and _opens_table(records, start, header, width):
            return index
    return None


def _opens_table(records: Sequence[Record], start: int, header: Sequence[str], width: int) -> bool:
    cells = records[start][1]
    if any(not c.strip() or starts_like_value(c) for c in cells):
        return False
    if list(cells) != list(header) and len(cells) == width:
        return False
    return len(records[start + 1][1]) == len(cells)


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
        return False, VALUE_IN_FIRST
    if not rest:
        return True, HEADER_ALONE
    votes = 0
    for i, cell in enumerate(first):
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
    share = votes / (2 * len(first))
    confidence = min(1.0, 0.5 + abs(share) / 2)
    return votes > 0, confidence


def count_footer(records: Sequence[Record], width: int, style: NumberStyle) -> int:
    """Trailing records that are not data: short notes of another width, or a totals line.

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
        ragged = len(cells) != width and (
            len(cells) < width or any(c.strip() for c in cells[width:])
        )
        # A record with a field too many or too few is a broken row, to set aside as ragged
        # where it can be seen, not a footer to skip; "Rows: 40" and the like are footers.
        broken = ragged and len(filled) >= width - 1 and not totals
        if (ragged and not broken) or (totals and sparse):
            footer += 1
        else:
            break
    return footer if footer < len(records) else 0


def _looks_like(cell: str, column: Sequence[str]) -> bool:
    """Whether ``cell`` is written as most of the column's cells are, and as long as some.

    ``AB-1001`` among ``CD-2002``s, ``Anna Berg`` among ``Ben Ortiz``s: shapes of character
    classes, and a length from half the shortest to half again the longest.
    """
    filled = [c for c in column if c.strip()]
    if not filled:
        return False
    shapes = Counter(_shape(c) for c in filled)
    shape, count = shapes.most_common(1)[0]
    lengths = [len(c) for c in filled]
    return (
        _shape(cell) == shape
        and count * 2 > len(filled)
        and min(lengths) / 2 <= len(cell) <= max(lengths) * 1.5
    )


@lru_cache(maxsize=65536)
def _shape(text: str) -> str:
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


def comment_prefixes(lines: Sequence[str]) -> tuple[str, ...]:
    """The prefixes of comment lines among the first lines (``#``, ``//``, or both)."""
    found = []
    for prefix in COMMENT_PREFIXES:
        marked = [line for line in lines if line.startswith(prefix)]
        if marked and not all(line.startswith(prefix + ",") for line in marked):
            found.append(prefix)
    return tuple(found)
