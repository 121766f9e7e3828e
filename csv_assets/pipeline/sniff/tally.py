"""Count one column's cells chunk by chunk with Arrow kernels, then decide its kind.

Every present cell is tested against the candidate kinds from the most specific (boolean,
integer) to the least (time); a cell leaves the race at its first match. Once a column has a
leading kind, a chunk is first offered whole to that kind's strict cast: when it holds (the
usual case) the chunk costs one kernel, and a text column, whose candidates the first chunk
ruled out, costs only its null count. Counts, not verdicts, are kept, so a few bad cells in a
million lower a column's confidence without changing its kind.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csv_assets.pipeline.cells import (
    NULL_TOKENS,
    ColumnGuess,
    NumberStyle,
    plain_number,
)
from csv_assets.pipeline.sniff.kinds import (
    CANDIDATES,
    NUMERIC,
    Candidate,
    all_cells,
    mask,
)
from csv_assets.pipeline.sniff.race import measure_numbers, race_columns

TYPE_SHARE = 0.95
"""A column is of a kind when at least this share of its present cells are of it."""
VIABLE_SHARE = 0.5
"""A candidate whose share falls below this after a chunk is not tested again..."""
MIN_CELLS_TO_RULE_OUT = 1000
"""...once the column has shown at least this many present cells."""
PROBE_CELLS = 4096
"""Cells raced one by one before a column's leading kind is offered the rest whole."""

_NULLS = pa.array(sorted(NULL_TOKENS))
_LONGEST_TOKEN = max(len(token.encode()) for token in NULL_TOKENS)


@dataclass
class ColumnTally:
    """What one column's cells were, counted over every chunk so far."""

    present: int = 0
    leading_zeros: int = 0
    scale: int = 0
    whole_digits: int = 0
    hits: Counter[Candidate] = field(default_factory=Counter)
    nulls: Counter[str] = field(default_factory=Counter)
    viable: list[Candidate] = field(default_factory=lambda: list(CANDIDATES))
    expected: Candidate | None = None
    """The kind the file's head showed, offered a first chunk whole before any race."""

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
        leader = self._leader()
        if leader is not None and not self.nulls and all_cells(leader, text, style):
            # The usual chunk of a column without nulls: one cast said it all.
            self._tally(leader, text, style)
            return
        if not self.viable:
            # A text column: nothing left to test, only its null tokens to count.
            self.present += len(text) - self._count_text_nulls(text)
            return
        missing = self._count_nulls(text)
        # A chunk without null tokens was offered whole above, unless the column had nulls.
        if leader is not None and (missing is not None or self.nulls):
            # The null tokens masked as nulls (not copied out), the rest offered to one cast.
            cells = text if missing is None else _as_nulls(text, missing)
            if all_cells(leader, cells, style):
                self._tally(leader, cells, style)
                return
        present = text if missing is None else text.filter(pc.invert(missing))
        if leader is None:
            self._count(present, style)
        else:
            self._race_all(present, style)  # some cell is not of the leading kind

    def _tally(self, leader: Candidate, cells: pa.Array, style: NumberStyle) -> None:
        present = len(cells) - cells.null_count
        self.present += present
        self.hits[leader] += present
        if leader.kind in ("integer", "decimal"):
            self._measure(plain_number(cells, style), integers=leader.kind == "integer")

    def _count_nulls(self, text: pa.Array) -> pa.BooleanArray | None:
        """Count the null tokens (``-``, ``NA`` and ``None`` among them); their mask, if any."""
        if not pc.any(_short(text)).as_py():
            return None  # every cell is longer than any token: a look at the offsets says so
        missing = pc.is_in(text, value_set=_NULLS)
        if not pc.any(missing).as_py():
            return None
        self._count_tokens(text.filter(missing))
        return missing

    def _count_text_nulls(self, text: pa.Array) -> int:
        """Count a text column's null tokens, looking only at cells as short as a token."""
        short = _short(text)
        count = pc.sum(short).as_py() or 0
        if not count:
            return 0
        candidates = text.filter(short) if count * 2 < len(text) else text
        tokens = candidates.filter(pc.is_in(candidates, value_set=_NULLS))
        if len(tokens):
            self._count_tokens(tokens)
        return len(tokens)

    def _count_tokens(self, tokens: pa.Array) -> None:
        values, counts = _pairs(pc.value_counts(tokens))
        self.nulls.update(dict(zip(values, counts, strict=True)))

    def _count(self, cells: pa.Array, style: NumberStyle) -> None:
        """Count present cells no leading kind has been offered yet."""
        if not self.viable:
            self.present += len(cells)  # a text column: nothing left to test
            return
        leader = self._leader()
        offered = leader or (self.expected if not self.present else None)
        if offered is not None and len(cells) and all_cells(offered, cells, style):
            self._tally(offered, cells, style)
            return
        if leader is None and len(cells) > PROBE_CELLS:
            # Race a few thousand cells to find the leader; offer it the rest whole.
            self._count(cells.slice(0, PROBE_CELLS), style)
            self._count(cells.slice(PROBE_CELLS), style)
            return
        self._race_all(cells, style)

    def _race_all(self, cells: pa.Array, style: NumberStyle) -> None:
        """Trim the present cells, count the blank ones as nulls, race the rest."""
        trimmed = pc.utf8_trim_whitespace(cells)
        blank = pc.equal(trimmed, "")
        if pc.any(blank).as_py():
            self.nulls[""] += pc.sum(blank).as_py()
            trimmed = trimmed.filter(pc.invert(blank))
        self.present += len(trimmed)
        self._race(trimmed, style)
        if self.present >= MIN_CELLS_TO_RULE_OUT:
            self.viable = [c for c in self.viable if self.share(c) >= VIABLE_SHARE]

    def _leader(self) -> Candidate | None:
        """The kind the column has shown so far, once it has shown enough cells to have one."""
        if self.present < MIN_CELLS_TO_RULE_OUT:
            return None
        return next(
            (c for c in self.viable if self.share(c) >= TYPE_SHARE and not self._widens(c)), None
        )

    def _race(self, cells: pa.Array, style: NumberStyle) -> None:
        """Test cells against each viable group in turn; a cell leaves at its first match."""
        race_columns([self], cells, np.zeros(len(cells), np.intp), style)

    def _measure(self, numbers: pa.Array, *, integers: bool = False) -> None:
        """Leading zeros (an identifier, not a number) and the widest whole and fraction parts."""
        measure_numbers([self], numbers, np.zeros(len(numbers), np.intp), integers=integers)

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
                    field_order(other.format)
                    for other in CANDIDATES
                    if other.kind == candidate.kind
                    and self.share(other) >= share
                    and field_order(other.format) != field_order(candidate.format)
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


def tally_sample(table: pa.Table, style: NumberStyle) -> dict[str, ColumnTally]:
    """Count a small table's columns (fewer rows than ``MIN_CELLS_TO_RULE_OUT``) at once.

    The same counts as one ``ColumnTally.add`` per column, but every kernel runs once over all
    the columns' cells stacked, so a wide sample costs about what a narrow one does.
    """
    if table.num_rows >= MIN_CELLS_TO_RULE_OUT:
        raise ValueError(f"a sample has fewer than {MIN_CELLS_TO_RULE_OUT} rows")
    tallies = {name: ColumnTally() for name in table.column_names}
    columns = list(tallies.values())
    if not table.num_columns or not table.num_rows:
        return tallies
    text = pa.concat_arrays([c.combine_chunks() for c in table.columns])
    ids = np.repeat(np.arange(table.num_columns), table.num_rows)
    missing = mask(pc.is_in(text, value_set=_NULLS))
    tokens = text.filter(pa.array(missing)).to_pylist()
    for (column, token), count in Counter(zip(ids[missing].tolist(), tokens, strict=True)).items():
        columns[column].nulls[token] += count
    trimmed = pc.utf8_trim_whitespace(text.filter(pa.array(~missing)))
    ids = ids[~missing]
    blank = mask(pc.equal(trimmed, ""))
    for tally, count in zip(columns, np.bincount(ids[blank], minlength=len(columns)), strict=True):
        if count:
            tally.nulls[""] += int(count)
    cells, ids = trimmed.filter(pa.array(~blank)), ids[~blank]
    for tally, count in zip(columns, np.bincount(ids, minlength=len(columns)), strict=True):
        tally.present += int(count)
    race_columns(columns, cells, ids, style)
    return tallies


def _short(text: pa.Array) -> pa.Array:
    """Which cells are no longer than the longest null token: the only ones that may be one."""
    return pc.less_equal(pc.binary_length(text), _LONGEST_TOKEN)


def _as_nulls(text: pa.Array | pa.ChunkedArray, missing: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``text`` with the ``missing`` cells as nulls, sharing its offsets and bytes."""
    if isinstance(text, pa.ChunkedArray):
        masks = missing.chunks if isinstance(missing, pa.ChunkedArray) else [missing]
        if [len(c) for c in text.chunks] != [len(m) for m in masks]:
            return pc.if_else(missing, pa.scalar(None, pa.string()), text)
        return pa.chunked_array(
            [_as_nulls(c, m) for c, m in zip(text.chunks, masks, strict=True)], pa.string()
        )
    if text.offset or text.null_count:
        return pc.if_else(missing, pa.scalar(None, pa.string()), text)
    valid = pc.invert(missing).buffers()[1]
    return pa.StringArray.from_buffers(len(text), text.buffers()[1], text.buffers()[2], valid)


def field_order(fmt: str | None) -> str:
    """The order of day, month and year in a format (``ISO8601`` is year, month, day)."""
    if fmt is None or fmt == "ISO8601":
        return "Ymd"
    return "".join(re.findall(r"%([dmbYy])", fmt)).replace("b", "m").replace("y", "Y")


def _pairs(counts: pa.StructArray) -> tuple[list[str], list[int]]:
    return counts.field("values").to_pylist(), counts.field("counts").to_pylist()
