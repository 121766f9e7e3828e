"""Infer each column's type over a whole file, streamed chunk by chunk with Arrow kernels.

Every present cell is tested against the candidate kinds from the most specific (boolean,
integer) to the least (time); a cell leaves the race at its first match, so a typical typed
column costs one vectorised test per chunk, and a text column none once the first chunk has
ruled every candidate out. Counts, not verdicts, are kept, so a few bad cells in a million
lower a column's confidence without changing its kind.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csv_assets.pipeline.cells import (
    DATE_FORMATS,
    DATETIME_FORMATS,
    FALSE_TOKENS,
    NULL_TOKENS,
    TRUE_TOKENS,
    WEAK_NULL_TOKENS,
    ColumnGuess,
    Kind,
    NumberStyle,
    plain_number,
)

TYPE_SHARE = 0.95
"""A column is of a kind when at least this share of its present cells are of it."""
VIABLE_SHARE = 0.5
"""A candidate whose share falls below this after a chunk is not tested again..."""
MIN_CELLS_TO_RULE_OUT = 1000
"""...once the column has shown at least this many present cells."""

_STRONG_NULLS = pa.array(sorted(NULL_TOKENS - WEAK_NULL_TOKENS))
_WEAK_NULLS = pa.array(sorted(WEAK_NULL_TOKENS))
_BOOLEANS = pa.array(sorted(TRUE_TOKENS | FALSE_TOKENS))
_LEADING_ZERO = r"^[+-]?0\d"
_FRACTION = re.compile(r"\.%f$")


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
NUMERIC: tuple[Kind, ...] = ("integer", "decimal", "float")


@dataclass
class ColumnTally:
    """What one column's cells were, counted over every chunk so far."""

    present: int = 0
    weak: int = 0
    leading_zeros: int = 0
    scale: int = 0
    whole_digits: int = 0
    hits: Counter[Candidate] = field(default_factory=Counter)
    nulls: Counter[str] = field(default_factory=Counter)
    viable: list[Candidate] = field(default_factory=lambda: list(CANDIDATES))

    def share(self, candidate: Candidate) -> float:
        """Share of present cells of ``candidate``'s kind (a decimal column holds integers)."""
        if not self.present:
            return 0.0
        if candidate.kind in NUMERIC:
            wider = NUMERIC[: NUMERIC.index(candidate.kind) + 1]
            hits = sum(n for c, n in self.hits.items() if c.kind in wider)
        else:
            hits = self.hits[candidate]
        return hits / self.present

    def add(self, text: pa.Array, style: NumberStyle) -> None:
        """Count one chunk of the column's raw cell text."""
        trimmed = pc.utf8_trim_whitespace(text)
        strong = pc.is_in(trimmed, value_set=_STRONG_NULLS)
        weak = pc.is_in(trimmed, value_set=_WEAK_NULLS)
        missing = pc.or_(strong, weak)
        if pc.any(missing).as_py():
            counts = pc.value_counts(trimmed.filter(missing))
            self.nulls.update(dict(zip(*_pairs(counts), strict=True)))
            self.weak += pc.sum(weak).as_py() or 0
            trimmed = trimmed.filter(pc.invert(missing))
        self.present += len(trimmed)
        self._race(trimmed, style)
        if self.present >= MIN_CELLS_TO_RULE_OUT:
            self.viable = [c for c in self.viable if self.share(c) >= VIABLE_SHARE]

    def _race(self, cells: pa.Array, style: NumberStyle) -> None:
        """Test cells against each viable group in turn; a cell leaves at its first match."""
        groups: dict[str, list[Candidate]] = {}
        for candidate in self.viable:
            groups.setdefault(candidate.group, []).append(candidate)
        patterns = number_patterns(style)
        digits_only = False
        for group, members in groups.items():
            if not len(cells):
                return
            if group != "boolean" and not digits_only:
                # Only booleans are written without a digit; nothing else needs a look.
                cells = cells.filter(pc.match_substring_regex(cells, r"\d"))
                digits_only = True
            shape = GROUP_SHAPES.get(group)
            shaped = np.ones(len(cells), bool)
            if shape is not None:
                shaped = _mask(pc.match_substring_regex(cells, shape))
            tested = cells.filter(pa.array(shaped)) if shape is not None else cells
            if not len(tested):
                continue
            matched = np.zeros(len(tested), bool)
            for candidate in members:
                hit = _mask(_test(candidate, tested, patterns))
                self.hits[candidate] += int(hit.sum())
                matched |= hit
                if candidate.kind in ("integer", "decimal"):
                    self._measure(plain_number(tested.filter(pa.array(hit)), style))
            if matched.any():
                shaped[shaped] = matched
                cells = cells.filter(pa.array(~shaped))

    def _measure(self, numbers: pa.Array) -> None:
        """Leading zeros (an identifier, not a number) and the widest whole and fraction parts."""
        if not len(numbers):
            return
        self.leading_zeros += pc.sum(pc.match_substring_regex(numbers, _LEADING_ZERO)).as_py() or 0
        unsigned = pc.utf8_ltrim(numbers, characters="+-")
        point = pc.find_substring(unsigned, ".")
        length = pc.utf8_length(unsigned)
        whole = pc.if_else(pc.equal(point, -1), length, point)
        fraction = pc.if_else(pc.equal(point, -1), 0, pc.subtract(pc.subtract(length, point), 1))
        self.whole_digits = max(self.whole_digits, pc.max(whole).as_py() or 0)
        self.scale = max(self.scale, pc.max(fraction).as_py() or 0)

    def _widens(self, candidate: Candidate) -> bool:
        """Whether a wider number kind holds more of the cells than ``candidate``.

        One decimal among a million integers makes the column decimal: every integer is a
        decimal too, so widening loses nothing.
        """
        if candidate.kind not in NUMERIC[:-1]:
            return False
        wider = CANDIDATES[CANDIDATES.index(candidate) + 1]
        return self.share(wider) > self.share(candidate)

    def guess(self) -> ColumnGuess:
        """The column's kind: the most specific one that at least ``TYPE_SHARE`` of cells share.

        Below that share the column is text; above it, the cells of other kinds are the
        column's bad values (they lower the confidence, and are quarantined at load).
        """
        nulls = sum(self.nulls.values())
        if not self.present:
            return ColumnGuess("string", None, 0.0, nulls=nulls)
        best = 0.0
        for candidate in CANDIDATES:
            share = self.share(candidate)
            best = max(best, share)
            if share < TYPE_SHARE or self._widens(candidate):
                continue
            if candidate.kind in ("integer", "decimal") and self.leading_zeros:
                return ColumnGuess("string", "leading zeros", share, nulls=nulls)
            # Formats that fit as well but read the fields in another order (day/month
            # against month/day) split the confidence.
            rivals = len(
                {
                    _field_order(other.format)
                    for other in CANDIDATES
                    if other.kind == candidate.kind
                    and self.share(other) >= share
                    and _field_order(other.format) != _field_order(candidate.format)
                }
            )
            precision = self.whole_digits + self.scale if candidate.kind == "decimal" else None
            return ColumnGuess(
                candidate.kind,
                candidate.format,
                share / (1 + rivals),
                precision=precision,
                scale=self.scale if candidate.kind == "decimal" else None,
                nulls=nulls,
            )
        return ColumnGuess("string", None, 1.0 - best, nulls=nulls)


@dataclass(frozen=True)
class Inference:
    """Every column's type and the null tokens seen, over all the chunks given."""

    column_types: dict[str, ColumnGuess]
    null_tokens: tuple[str, ...]
    rows: int


def infer_types(chunks: Iterable[pa.Table], style: NumberStyle) -> Inference:
    """Count every chunk's cells, then decide each column's kind.

    Args:
        chunks: Tables of raw cell text, one string column per file column, same names.
        style: How the file writes numbers.
    """
    tallies: dict[str, ColumnTally] = {}
    rows = 0
    for table in chunks:
        rows += table.num_rows
        for name in table.column_names:
            tally = tallies.setdefault(name, ColumnTally())
            tally.add(table.column(name).combine_chunks(), style)
    types = {name: tally.guess() for name, tally in tallies.items()}
    seen: Counter[str] = Counter()
    for name, tally in tallies.items():
        typed = types[name].kind != "string"
        seen.update({t: n for t, n in tally.nulls.items() if typed or t not in WEAK_NULL_TOKENS})
    return Inference(types, tuple(token for token, _ in seen.most_common()), rows)


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


def _field_order(fmt: str | None) -> str:
    """The order of day, month and year in a format (``ISO8601`` is year, month, day)."""
    if fmt is None or fmt == "ISO8601":
        return "Ymd"
    return "".join(re.findall(r"%([dmbYy])", fmt)).replace("b", "m").replace("y", "Y")


def _mask(values: pa.Array) -> np.ndarray:
    return pc.fill_null(values, False).to_numpy(zero_copy_only=False)


def _test(candidate: Candidate, cells: pa.Array, numbers: Mapping[Kind, str]) -> pa.Array:
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


def _pairs(counts: pa.StructArray) -> tuple[list[str], list[int]]:
    return counts.field("values").to_pylist(), counts.field("counts").to_pylist()
