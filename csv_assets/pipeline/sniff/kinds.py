"""What a cell of each kind looks like: the candidates a column is tested against, and the tests.

Two tests per candidate: ``test_cells`` marks each cell (a pattern, or Arrow's ``strptime``),
and ``all_cells`` answers for a whole array at once with one of Arrow's strict casts where one
exists, which is several times faster and is all a column of one kind needs after its first
chunk.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csv_assets.pipeline.cells import (
    DATE_FORMATS,
    DATETIME_FORMATS,
    FALSE_TOKENS,
    TRUE_TOKENS,
    ColumnGuess,
    Kind,
    NumberStyle,
)

_BOOLEANS = pa.array(sorted(TRUE_TOKENS | FALSE_TOKENS))
_FRACTION = re.compile(r"\.%f$")
NUMERIC: tuple[Kind, ...] = ("integer", "decimal", "float")


@dataclass(frozen=True)
class Candidate:
    """One kind (and format) a column may have, and how a cell is tested for it."""

    kind: Kind
    format: str | None = None
    pattern: str | None = None
    strptime: str | None = None

    @property
    def group(self) -> str:
        """Candidates of one group are tested on the same cells (formats may both fit)."""
        if self.format is None or self.kind in ("date", "datetime"):
            return self.kind
        return f"{self.kind}:{self.format}"


def _temporal(kind: Kind, fmt: str) -> Candidate:
    # Arrow's strptime has no %f: the fraction is matched by the pattern and cut before it.
    shape = re.sub(r"%[dmyHMSYb]", ".+", _FRACTION.sub("", fmt))
    pattern = f"^{shape}\\.\\d{{1,9}}$" if _FRACTION.search(fmt) else None
    return Candidate(kind, fmt, pattern, _FRACTION.sub("", fmt))


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("boolean"),
    # Number patterns depend on the file's separators: see ``number_patterns``.
    Candidate("integer"),
    Candidate("decimal"),
    Candidate("float"),
    # The ISO date before the others: most files use it.
    Candidate("date", "%Y-%m-%d", r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    *(_temporal("date", f) for f in DATE_FORMATS if f != "%Y-%m-%d"),
    Candidate(
        "datetime",
        "ISO8601",
        r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$",
    ),
    *(_temporal("datetime", f) for f in DATETIME_FORMATS),
    Candidate("time", "%H:%M:%S", r"^\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?$"),
)
GROUP_SHAPES = {
    "date": r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$|^\d{8}$|^\d{1,2} \w{3} \d{4}$"
    r"|^\w{3} \d{1,2}, \d{4}$",
    "datetime": r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[ T]\d{1,2}:\d{2}",
}
"""A cheap test a cell must pass before the formats of its group are tried on it."""


def number_patterns(style: NumberStyle) -> dict[Kind, str]:
    """Regular expressions for integers, decimals and floats as ``style`` writes them.

    Each admits the narrower ones: a cell reaches a wider pattern only when the narrower
    kinds are no longer tested (ruled out for the column), and it still counts as a number.
    """
    point = re.escape(style.decimal)
    whole = r"\d{1,18}"
    if style.thousands:
        whole = rf"(\d{{1,18}}|\d{{1,3}}({re.escape(style.thousands)}\d{{3}})+)"
    decimal = rf"({whole}({point}\d*)?|{point}\d+)"
    return {
        "integer": rf"^[+-]?{whole}$",
        "decimal": rf"^[+-]?{decimal}$",
        "float": rf"^[+-]?(\d+{point}?\d*|{point}\d+)([eE][+-]?\d+)?$",
    }


def mask(values: pa.Array) -> np.ndarray:
    """A boolean kernel's result as a numpy mask, null as ``False``."""
    filled: np.ndarray = pc.fill_null(values, False).to_numpy(zero_copy_only=False)
    return filled


def test_cells(candidate: Candidate, cells: pa.Array, numbers: Mapping[Kind, str]) -> pa.Array:
    """A boolean mask of the cells that are of ``candidate``'s kind and format."""
    if candidate.kind == "boolean":
        return pc.is_in(pc.utf8_lower(cells), value_set=_BOOLEANS)
    hit = None
    pattern = numbers.get(candidate.kind, candidate.pattern)
    if pattern is not None:
        hit = pc.match_substring_regex(cells, pattern)
    if candidate.strptime is not None:
        text = cells
        if candidate.pattern is not None and _FRACTION.search(candidate.format or ""):
            text = pc.replace_substring_regex(cells, r"\.\d{1,9}$", "")
        parsed = pc.is_valid(
            pc.strptime(text, format=candidate.strptime, unit="s", error_is_null=True)
        )
        hit = parsed if hit is None else pc.and_(hit, parsed)
    return hit


def candidate_of(guess: ColumnGuess) -> Candidate | None:
    """The candidate a column's guess names, if it is a kind the race tests (not text)."""
    return next((c for c in CANDIDATES if (c.kind, c.format) == (guess.kind, guess.format)), None)


def all_cells(candidate: Candidate, cells: pa.Array, style: NumberStyle) -> bool:
    """Whether every cell is of ``candidate``'s kind, by one strict cast where one fits.

    Falls back to ``test_cells`` for formats no cast reads; a ``False`` is only "not all".
    """
    plain = style.decimal == "." and style.thousands is None
    if candidate.kind == "boolean" and _true_false(cells):
        return True
    try:
        if candidate.kind == "integer" and plain:
            pc.cast(cells, pa.int64())
            return True
        if candidate.kind in ("decimal", "float") and plain:
            values = pc.cast(cells, pa.float64())
            # The float cast also reads 1e5, inf and nan: a decimal column holds none of them.
            return candidate.kind == "float" or (
                pc.all(pc.is_finite(values)).as_py() is not False and not holds_any(cells, b"eE")
            )
        if candidate.kind == "date" and candidate.format == "%Y-%m-%d":
            pc.cast(cells, pa.date32())
            return True
        if candidate.kind == "datetime" and candidate.format == "ISO8601":
            return _iso_datetimes(cells)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return bool(mask(test_cells(candidate, cells, number_patterns(style))).all())


def _true_false(cells: pa.Array) -> bool:
    """Whether every cell is ``true`` or ``false``, in any case, by one cast.

    Arrow's cast also reads 1 and 0, which are not booleans here. ``False`` is only "not
    all of these two": ``test_cells`` decides the other tokens.
    """
    try:
        pc.cast(cells, pa.bool_())
    except pa.ArrowInvalid:
        return False
    return not holds_any(cells, b"01")


def could_match(candidate: Candidate, present: frozenset[int]) -> bool:
    """Whether cells whose bytes are ``present`` may be of a format: its separators occur.

    ``%d/%m/%Y`` needs a ``/`` somewhere; a column without one skips its ``strptime``.
    """
    if candidate.strptime is None:
        return True
    return _literals(candidate.strptime) <= present


def bytes_present(cells: pa.Array | pa.ChunkedArray) -> frozenset[int] | None:
    """The distinct bytes of the cells' text; ``None`` where that takes more than a look.

    A filtered array's buffer holds only its cells' bytes.
    """
    if isinstance(cells, pa.ChunkedArray):
        if cells.num_chunks != 1:
            return None
        cells = cells.chunk(0)
    if not isinstance(cells, pa.StringArray) or cells.null_count:
        return None
    return frozenset(np.unique(np.frombuffer(_span(cells), np.uint8)).tolist())


@lru_cache(maxsize=256)
def _literals(fmt: str) -> frozenset[int]:
    return frozenset(re.sub(r"%[a-zA-Z]", "", fmt).encode())


def holds_any(cells: pa.Array | pa.ChunkedArray, letters: bytes) -> bool:
    """Whether any present cell holds one of ``letters`` (ASCII).

    One ``memchr`` per letter over the bytes the cells span answers, many times faster than a
    kernel per cell. A null's bytes may still sit there (a token masked in place): only when a
    letter is found in an array with nulls does a kernel look at the present cells alone.
    """
    if isinstance(cells, pa.ChunkedArray):
        return any(holds_any(chunk, letters) for chunk in cells.chunks)
    if not isinstance(cells, pa.StringArray):
        return _kernel_holds_any(cells, letters)
    span = _span(cells)
    found = any(span.find(bytes([letter])) >= 0 for letter in letters)
    return found and (not cells.null_count or _kernel_holds_any(cells, letters))


def _span(cells: pa.StringArray) -> bytes:
    """The bytes from the first cell's start to the last one's end (a null's may sit there)."""
    data = cells.buffers()[2]
    if data is None or not len(cells):
        return b""
    offsets = np.frombuffer(cells.buffers()[1], np.int32)[
        cells.offset : cells.offset + len(cells) + 1
    ]
    return memoryview(data)[offsets[0] : offsets[-1]].tobytes()


def _kernel_holds_any(cells: pa.Array, letters: bytes) -> bool:
    lowered = pc.ascii_lower(cells)
    wanted = set(letters.decode("ascii").lower())
    return any(pc.any(pc.match_substring(lowered, letter)).as_py() for letter in wanted)


def _iso_datetimes(cells: pa.Array) -> bool:
    """Whether every cell is an ISO 8601 timestamp: all with a zone, or all without."""
    for zone in ("UTC", None):
        try:
            pc.cast(cells, pa.timestamp("us", tz=zone))
        except pa.ArrowInvalid:
            continue
        return True
    return False
