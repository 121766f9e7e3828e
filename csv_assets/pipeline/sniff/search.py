"""Find a file's delimiter, quote and escape: every candidate parsed, the most consistent wins.

A candidate's score is the regularity of its table (after CleverCSV's pattern score: most
records share one width, and wider is better) times how clean its cells read (after its type
score: numbers, dates, nulls and plain words, not fragments with stray quotes or separators).
Candidates are only those whose characters occur in the sample, and each distinct cell text is
classified once for all of them, which keeps a few-KB file within a few milliseconds.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import repeat
from typing import Any

from csv_assets.pipeline.cells import starts_like_value
from csv_assets.pipeline.sniff.shape import Record, count_preamble

DELIMITERS = (",", ";", "\t", "|", ":", " ")
QUOTES: tuple[str | None, ...] = ('"', None, "'")
"""In order of preference on a tie: RFC 4180's quote, none, then the apostrophe."""
ESCAPES: tuple[str | None, ...] = (None, "\\")
SAMPLE_RECORDS = 500
TYPED_RECORDS = 120
SCORED_CELLS = 2000
"""The cells of a candidate's parse that are scored: ``TYPED_RECORDS`` rows, fewer when wide."""
ONE_COLUMN = 0.3
HEADER_MISFIT = 0.5
MAYBE_PADDED = 0.5
PADDED_SHARE = 0.9
"""Of the fields after a delimiter, the share starting with a space for a parse that skips
them to be tried, and for it to win a tie."""
SPACE_PRIOR = 0.9
SPACE_WORDS = 0.3
"""Spaces separate words far more often than fields: a space needs a clearer table, and one
that splits only words (no column of numbers or dates) is most likely prose."""


_KNOWN = re.compile(
    r"""^(
        [+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?     # numbers, either decimal mark
      | [+-]?\d{1,3}([ ,.'\u2019]\d{3})+([.,]\d+)?              # thousands separators
      | [$€£¥]\s?[+-]?[\d.,]+ | [+-]?[\d.,]+\s?[$€£¥%]      # amounts with a currency
      | \d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}                      # dates
        ([ T]\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?\s?([AaPp][Mm])?(Z|[+-]\d{2}:?\d{2})?)?
      | \d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?\s?([AaPp][Mm])?   # times
      | \d{1,2}[ .-]?[A-Za-z]{3,9}[ .-]?\d{2,4}             # 12 Mar 2024
      | [A-Za-z]{3,9}\.?\ \d{1,2},?\ \d{4}                  # Mar 12, 2024
      | (?i:true|false|yes|no|null|none|nan|n/?a|\#n/?a|nil|-+|\\N)
      | [\w.+-]+@[\w-]+(\.[\w-]+)+                          # e-mail
      | (?i:https?://|www\.)\S+                             # URL
      | [^\W\d_][\w'\u2019&./()+-]*([ ][\w'\u2019&./()+-]+)*          # words
    )$""",
    re.VERBOSE,
)
_SEPARATORS = frozenset(",;\t|")


@dataclass(frozen=True)
class Found:
    """The winning candidate: how to split records, the records it gives, and its score."""

    delimiter: str
    quotechar: str | None
    escapechar: str | None
    skip_initial_space: bool
    records: list[Record]
    width: int
    score: float
    runner_up: float
    runner_up_delimiter: str | None = None


def search_dialect(text: str, pins: Mapping[str, Any]) -> Found:
    """Parse ``text`` with every plausible (delimiter, quote, escape); keep the most consistent.

    Args:
        text: The decoded head of the file.
        pins: Fields the source fixed (``delimiter``, ``quotechar``, ``escapechar``).
    """
    # The comma is always a candidate: where the file has none, it stands for one column.
    delimiters = (
        [pins["delimiter"]] if pins.get("delimiter") else [",", *_present(text, DELIMITERS[1:])]
    )
    # The double quote is always a candidate: in a file that never quotes it reads the same
    # as none, and wins the tie, as RFC 4180's default.
    quotes = [pins["quotechar"]] if "quotechar" in pins else ['"', *_present(text, QUOTES[1:])]
    escapes = [pins["escapechar"]] if "escapechar" in pins else _present(text, ESCAPES)
    scored: list[Found] = []
    for delimiter in delimiters:
        for quote in quotes:
            for escape in escapes:
                records = parse_records(text, delimiter, quote, escape)
                score, width = score_records(records, delimiter, quote)
                found = Found(delimiter, quote, escape, False, records, width, score, 0.0)
                share = _padded_share(records) if delimiter != " " else 0.0
                if share >= MAYBE_PADDED:
                    # Spaces after the delimiter: padding if that reads cleaner (a quoted
                    # field after the space), or as clean and nearly every field has them.
                    records = parse_records(text, delimiter, quote, escape, skip_space=True)
                    score, width = score_records(records, delimiter, quote)
                    if score > found.score or (score == found.score and share >= PADDED_SHARE):
                        found = Found(delimiter, quote, escape, True, records, width, score, 0.0)
                scored.append(found)
    # Stable sort: on a tie the earlier, more common choice wins.
    scored.sort(key=lambda found: -found.score)
    best = scored[0]
    second = next((f for f in scored[1:] if f.delimiter != best.delimiter), None)
    if second is None:
        return best
    return replace(best, runner_up=second.score, runner_up_delimiter=second.delimiter)


def parse_records(
    text: str,
    delimiter: str,
    quotechar: str | None,
    escapechar: str | None,
    limit: int = SAMPLE_RECORDS,
    *,
    skip_space: bool = False,
) -> list[Record]:
    """Split ``text`` into at most ``limit`` non-blank records, each with its first line.

    ``skip_space`` drops the spaces after each delimiter (``a, "b, c", d``).
    """
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar=quotechar or '"',
        quoting=csv.QUOTE_MINIMAL if quotechar else csv.QUOTE_NONE,
        escapechar=escapechar,
        doublequote=escapechar is None,
        skipinitialspace=skip_space,
        strict=False,
    )
    records: list[Record] = []
    line = 1
    try:
        for cells in reader:
            if cells and any(c.strip() for c in cells):
                records.append((line, cells))
                if len(records) >= limit:
                    break
            line = reader.line_num + 1
    except csv.Error:
        pass  # a field longer than the sample, or a NUL byte: the records so far stand
    return records


def score_records(
    records: list[Record], delimiter: str, quotechar: str | None
) -> tuple[float, int]:
    """Consistency of a parse: pattern regularity times cell cleanliness, and the usual width."""
    if not records:
        return 0.0, 0
    widths = Counter(len(cells) for _, cells in records)
    # Title lines are one wide: a table of one column must outnumber the widest rival clearly.
    width, _ = max(
        widths.items(), key=lambda item: (item[1] * (1.0 if item[0] > 1 else 0.6), item[0])
    )
    # After CleverCSV's pattern score: the share of records of the usual width, and wider
    # tables score higher; a table of one column is plausible, but less than any split. The
    # share is taken below the lines the parse reads as a preamble, which cost only the
    # square root of the share they take: title lines above a short table do not outvote it.
    start = count_preamble(records, width) if width > 1 else 0
    table = records[start:]
    fit = sum(len(cells) == width for _, cells in table) / len(table)
    pattern = fit * math.sqrt(len(table) / len(records))
    pattern *= (width - 1) / width if width > 1 else ONE_COLUMN
    # A table of one column has no width for its header to misfit.
    if width > 1 and len(table[0][1]) != width:
        pattern *= HEADER_MISFIT  # a header that does not fit its own table
    body = [cells for _, cells in records if len(cells) == width][: scored_rows(width)]
    if delimiter == " ":
        pattern *= SPACE_PRIOR if _has_value_column(body, width) else SPACE_WORDS
    cells = [c for row in body for c in row]
    clean = sum(map(_cell_score, cells, repeat(delimiter), repeat(quotechar or "")))
    return pattern * clean / max(len(cells), 1), width


@lru_cache(maxsize=65536)
def _cell_score(cell: str, delimiter: str, quotechar: str) -> float:
    """1 for a cell that reads as one value; less for one that looks like a broken fragment."""
    text = cell.strip(" ")  # a tab left at a cell's edge is a sign of the wrong delimiter
    if not text:
        return 1.0
    if _KNOWN.match(text):
        return 1.0
    if "\\" in text and (text[-1] == "\\" or re.search(r"\\[\"']", text)):
        # A backslash before a quote: the file escapes quotes, and this parse did not.
        return 0.2
    quotes = {'"', "'"} - {quotechar}
    if text[0] in quotes or text[-1] in quotes:
        # A quote at a cell's edge, but not the dialect's: it was probably meant as one.
        return 0.2
    if any(sep in text for sep in _SEPARATORS - {delimiter}):
        return 0.5
    return 0.8


def _padded_share(records: list[Record]) -> float:
    """The share of filled fields after a record's first that start with a space: ``a, b``."""
    rows = scored_rows(max((len(cells) for _, cells in records[:10]), default=1))
    later = [c for _, cells in records[:rows] for c in cells[1:] if c.strip()]
    return sum(c[:1] == " " for c in later) / len(later) if later else 0.0


def scored_rows(width: int) -> int:
    """Rows of a table ``width`` wide to score: ``SCORED_CELLS`` cells, 20 rows at least."""
    return max(20, min(TYPED_RECORDS, SCORED_CELLS // max(width, 1)))


def _has_value_column(rows: list[list[str]], width: int) -> bool:
    """Whether some column is mostly numbers or dates (cells that start with a digit)."""
    for i in range(width):
        column = [row[i] for row in rows if row[i].strip()]
        if column and sum(starts_like_value(c) for c in column) >= 0.8 * len(column):
            return True
    return False


def _present(text: str, options: tuple[Any, ...]) -> list[Any]:
    return [option for option in options if option is None or option in text]
