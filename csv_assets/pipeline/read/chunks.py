"""What the readers yield: columnar chunks of cell text, ragged rows, and the reader hand-over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

CHUNK_BYTES = 3 << 20
"""A chunk holds about this much cell text at most, however few rows that is: what every later
stage keeps per chunk (typed columns, the rules' frame, the encoded rows) grows with it, so a
wide file stays as flat in memory as a narrow one."""


class IrregularRows(Exception):
    """The fast reader met a record it cannot place (wrong width, bad bytes); read exactly."""


@dataclass(frozen=True)
class RaggedRow:
    """A record whose field count does not match the header: kept, never dropped."""

    line: int
    cells: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class RawChunk:
    """Up to ``chunk_rows`` records and about ``CHUNK_BYTES`` of text, as string columns.

    Attributes:
        cells: One non-null string column per column of the file, raw cell text.
        lines: The physical line each record starts on (1-based).
        ragged: Records of the wrong width, set aside (only the exact reader finds them).
    """

    cells: pa.Table
    lines: np.ndarray
    ragged: list[RaggedRow]

    @property
    def rows_read(self) -> int:
        """Records read in this chunk, ragged ones included."""
        return int(self.cells.num_rows) + len(self.ragged)

    def rows_at(self, indices: Sequence[int]) -> list[tuple[str, ...]]:
        """The raw cells of the records at ``indices``, for quarantine and reports."""
        taken = self.cells.take(pa.array(indices, pa.int64()))
        columns = [taken.column(i).to_pylist() for i in range(taken.num_columns)]
        return [tuple(cells) for cells in zip(*columns, strict=True)]
