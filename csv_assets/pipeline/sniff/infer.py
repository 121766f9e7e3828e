"""Type a whole file's columns: stream its chunks through one ``ColumnTally`` per column."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pyarrow as pa

from csv_assets.pipeline.cells import WEAK_NULL_TOKENS, ColumnGuess, NumberStyle
from csv_assets.pipeline.sniff.kinds import candidate_of
from csv_assets.pipeline.sniff.tally import MIN_CELLS_TO_RULE_OUT, ColumnTally, tally_sample


@dataclass(frozen=True)
class Inference:
    """Every column's type and the null tokens seen, over all the chunks given."""

    column_types: dict[str, ColumnGuess]
    null_tokens: tuple[str, ...]


def infer_types(
    chunks: Iterable[pa.Table],
    style: NumberStyle,
    expected: Mapping[str, ColumnGuess] | None = None,
) -> Inference:
    """Count every chunk's cells, then decide each column's kind.

    Args:
        chunks: Tables of raw cell text, one string column per file column, same names.
        style: How the file writes numbers.
        expected: Per column, the kind a sample showed (the file's head): a first chunk is
            offered to it whole, one cast, before cells are raced to find the kind.
    """
    tallies: dict[str, ColumnTally] = {}
    hints = {name: candidate_of(guess) for name, guess in (expected or {}).items()}
    # Arrow's kernels let go of the GIL: a chunk's columns are counted side by side, one per
    # core but the one the parse of the next chunk needs; one chunk at most waits, so memory
    # stays flat.
    with (
        ThreadPoolExecutor(max_workers=max((os.cpu_count() or 1) - 1, 1)) as columns,
        ThreadPoolExecutor(max_workers=1) as counting,
    ):

        def count(table: pa.Table) -> None:
            work = [(tallies[n], table.column(n)) for n in table.column_names]
            list(columns.map(lambda job: job[0].add(job[1], style), work))

        pending: Future[None] | None = None
        for table in chunks:
            for name in table.column_names:
                tallies.setdefault(name, ColumnTally(expected=hints.get(name)))
            if pending is not None:
                pending.result()  # raises what counting the previous chunk raised
            pending = counting.submit(count, table)
        if pending is not None:
            pending.result()
    return _decided(tallies)


def infer_sample(table: pa.Table, style: NumberStyle) -> Inference:
    """Type a sample of a file's records (fewer than 1,000): one pass over all its columns.

    Decides as ``infer_types`` does, without its threads, which a few hundred rows do not
    repay.
    """
    if table.num_rows >= MIN_CELLS_TO_RULE_OUT:
        return infer_types([table], style)
    return _decided(tally_sample(table, style))


def _decided(tallies: dict[str, ColumnTally]) -> Inference:
    types = {name: tally.guess() for name, tally in tallies.items()}
    seen: Counter[str] = Counter()
    for name, tally in tallies.items():
        typed = types[name].kind != "string"
        seen.update({t: n for t, n in tally.nulls.items() if typed or t not in WEAK_NULL_TOKENS})
    return Inference(types, tuple(token for token, _ in seen.most_common()))
