"""Where the table sits in a file: title lines and a group row above it, totals below, comments.

Also where a second table, further down, starts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from csv_assets.pipeline.cells import (
    NumberStyle,
    is_null,
    number_kind,
    starts_like_value,
)
from csv_assets.pipeline.read import fit_record
from csv_assets.pipeline.sniff.header import cell_shape

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
    shape, count = Counter(cell_shape(v) for v in below).most_common(1)[0]
    if count < SHAPE_SHARE * len(below):
        return 0
    leading = 0
    for _, cells in records:
        if len(cells) == 1 and cell_shape(cells[0]) == shape:
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
    """Whether every row of ``width`` reads as one field fewer with a stray delimiter."""
    rows = [cells for _, cells in records if len(cells) == width]
    return bool(rows) and all(fit_record(cells, width - 1) is not None for cells in rows)


def group_names(group: Sequence[str], names: Sequence[str]) -> tuple[str, ...] | None:
    """The names of a two-row header (``,Q1,,Q2,`` over ``region,sales,units,sales,units``).

    ``group`` is the record above the column names: some cells empty, the others text, and
    not a padded title. Each group name covers the empty cells after it and is joined to the
    names below (``Q1 sales``), so one covers two columns at least. ``None`` when ``group`` is
    not such a row: ``,order_id,amount`` (only the first cell empty) is a header over an
    unnamed index column, as pandas writes one.
    """
    filled = [i for i, c in enumerate(group) if c.strip()]
    if (
        len(group) != len(names)
        or not filled
        or len(filled) == len(group)
        or filled == list(range(filled[0], len(group)))  # no group spans a second column
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
        totals = _says_footer(filled)
        sparse = len(filled) * 2 <= width or all(number_kind(c, style) for c in filled[1:])
        ragged = fit_record(cells, width) is None
        # A record with a field too many or too few is a broken row, to set aside as ragged
        # where it can be seen, not a footer to skip; "Rows: 40" and the like are footers.
        broken = ragged and len(filled) >= width - 1 and not totals
        if (ragged and not broken) or (totals and sparse):
            footer += 1
        else:
            break
    return footer if footer < len(records) else 0


def footer_evidence(records: Sequence[Record], width: int, footer: int) -> float:
    """How plainly the file's last records say where the table ends: the footer's raw score.

    A footer that names itself (``Total``, ``Rows: 40``) is plainer than one found only by
    its width; no footer is plainest below a last record that fills the table's width, and
    least plain in a one-column table, where a note reads like any value.
    """
    if footer:
        named = sum(_says_footer([c for c in cells if c.strip()]) for _, cells in records[-footer:])
        return 0.3 + 0.2 * named / footer
    if width < 2 or not records:
        return 0.6
    last = records[-1][1]
    return 0.6 + 0.4 * sum(bool(c.strip()) for c in last) / max(width, len(last))


def _says_footer(filled: Sequence[str]) -> bool:
    """Whether a record's filled cells read as a footer line.

    Also where the delimiter cut one: ``Rows: 8`` in a colon-delimited file is the cells
    ``Rows`` and `` 8``.
    """
    return bool(filled) and bool(
        _FOOTER_CELL.match(filled[0]) or _FOOTER_CELL.match(" ".join(filled))
    )


def comment_prefixes(lines: Sequence[str]) -> tuple[str, ...]:
    """The prefixes of comment lines among the first lines (``#``, ``//``, or both)."""
    found = []
    for prefix in COMMENT_PREFIXES:
        marked = [line for line in lines if line.startswith(prefix)]
        if marked and not all(line.startswith(prefix + ",") for line in marked):
            found.append(prefix)
    return tuple(found)
