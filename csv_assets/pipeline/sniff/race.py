"""Race cells through the candidate kinds, several columns at once, and measure numbers.

Each cell carries the index of its column; every kernel runs once over all of them, and the
counts go to each column's ``Counts`` by ``bincount``. One column is the case of one index
(a ``ColumnTally``'s own cells). ``Counts`` is what the race needs of a column's tally, so the
race depends on no tally.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csv_assets.pipeline.cells import NumberStyle, plain_number
from csv_assets.pipeline.sniff.kinds import (
    GROUP_SHAPES,
    Candidate,
    bytes_present,
    could_match,
    mask,
    number_patterns,
    test_cells,
)


class Counts(Protocol):
    """One column's counts that a race adds to: hits per kind, leading zeros, number widths."""

    leading_zeros: int
    scale: int
    whole_digits: int
    hits: Counter[Candidate]
    viable: list[Candidate]


_LEADING_ZERO = r"^[+-]?0\d"


def race_columns(
    tallies: Sequence[Counts], cells: pa.Array, ids: np.ndarray, style: NumberStyle
) -> None:
    """Race present, trimmed cells, each of the column ``ids`` names, through the candidates.

    A cell leaves at the first group it matches; within a group every format is tested (two
    may fit). Every tally must have the same viable candidates.
    """
    groups: dict[str, list[Candidate]] = {}
    for candidate in tallies[0].viable:
        groups.setdefault(candidate.group, []).append(candidate)
    patterns = number_patterns(style)
    digits_only = False
    for group, members in groups.items():
        if not len(cells):
            return
        if group != "boolean" and not digits_only:
            # Only booleans are written without a digit; nothing else needs a look.
            digits = mask(pc.match_substring_regex(cells, r"\d"))
            cells, ids = cells.filter(pa.array(digits)), ids[digits]
            digits_only = True
        shape = GROUP_SHAPES.get(group)
        shaped = np.ones(len(cells), bool)
        if shape is not None:
            shaped = mask(pc.match_substring_regex(cells, shape))
        tested = cells.filter(pa.array(shaped)) if shape is not None else cells
        tested_ids = ids[shaped]
        if not len(tested):
            continue
        matched = np.zeros(len(tested), bool)
        present = bytes_present(tested) if len(members) > 1 else None
        for candidate in members:
            if present is not None and not could_match(candidate, present):
                continue
            hit = mask(test_cells(candidate, tested, patterns))
            for tally, count in zip(
                tallies, np.bincount(tested_ids[hit], minlength=len(tallies)), strict=True
            ):
                tally.hits[candidate] += int(count)
            matched |= hit
            if candidate.kind in ("integer", "decimal") and hit.any():
                numbers = plain_number(tested.filter(pa.array(hit)), style)
                measure_numbers(tallies, numbers, tested_ids[hit])
        if matched.any():
            shaped[shaped] = matched
            cells, ids = cells.filter(pa.array(~shaped)), ids[~shaped]


def measure_numbers(
    tallies: Sequence[Counts], numbers: pa.Array, ids: np.ndarray, *, integers: bool = False
) -> None:
    """Leading zeros (an identifier, not a number) and the widest whole and fraction parts.

    ``numbers`` are plain (``1234.5``), each of the column ``ids`` names; ``integers`` says
    they hold no decimal point. A sign counts as a whole digit: the precision drafted from it
    errs on the wide side.
    """
    if not len(numbers):
        return
    if any(not tally.leading_zeros for tally in tallies):
        # "0.15" opens with a zero but has none leading: only the rest go to the pattern.
        zero = mask(pc.starts_with(numbers, "0"))
        if zero.any() and not integers:
            zero &= ~mask(pc.starts_with(numbers, "0."))
        if zero.any():
            flagged = mask(pc.match_substring_regex(numbers.filter(pa.array(zero)), _LEADING_ZERO))
            counts = np.bincount(ids[zero][flagged], minlength=len(tallies))
            for tally, count in zip(tallies, counts, strict=True):
                tally.leading_zeros += int(count)
    length = pc.binary_length(numbers)
    widest: Sequence[int]
    finest: Sequence[int]
    if integers and len(tallies) == 1:  # no decimal point to look for
        widest, finest = [pc.max(length).as_py()], [0]
        _widen(tallies, widest, finest)
        return
    point = pc.find_substring(numbers, ".")
    integer = pc.less(point, 0)
    if len(tallies) == 1 and not pc.any(pc.invert(integer)).as_py():
        widest, finest = [pc.max(length).as_py()], [0]
    elif len(tallies) == 1 and not pc.any(integer).as_py():  # decimals only
        widest = [pc.max(point).as_py()]
        finest = [pc.max(pc.subtract(length, point)).as_py() - 1]
    elif len(tallies) == 1:  # decimals with integers among them
        widest = [pc.max(pc.if_else(integer, length, point)).as_py()]
        decimals = pc.invert(integer)
        finest = [pc.max(pc.subtract(length, point).filter(decimals)).as_py() - 1]
    else:
        whole = pc.if_else(pc.less(point, 0), length, point)
        fraction = pc.if_else(pc.less(point, 0), 0, pc.subtract(pc.subtract(length, point), 1))
        wide = np.zeros(len(tallies), np.int64)
        fine = np.zeros(len(tallies), np.int64)
        np.maximum.at(wide, ids, whole.to_numpy(zero_copy_only=False))
        np.maximum.at(fine, ids, fraction.to_numpy(zero_copy_only=False))
        widest, finest = wide.tolist(), fine.tolist()
    _widen(tallies, widest, finest)


def _widen(tallies: Sequence[Counts], widest: Sequence[int], finest: Sequence[int]) -> None:
    for tally, wide, fine in zip(tallies, widest, finest, strict=True):
        tally.whole_digits = max(tally.whole_digits, int(wide))
        tally.scale = max(tally.scale, int(fine))
