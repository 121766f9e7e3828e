"""Rescued data: cells a row loads without, kept as text in one JSON column, by column name.

Under a source's ``rescue`` modes a cell that does not fit its (nullable) column, and every cell
of a column the model does not know, is kept in the row's ``_rescued_data`` instead of being
rejected or dropped: the typed column holds NULL, the row loads, and a replay after the model
is fixed moves each cell into its column.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from csv_assets.pipeline.validate.columns import ColumnPlan

RESCUED = "_rescued_data"
"""The JSON column of rescued cells, created in a table the first time one is kept."""


def new_column_cells(
    cells: Mapping[str, pa.Array], kept: dict[int, dict[str, str]]
) -> dict[int, dict[str, str]]:
    """``kept`` with every non-null cell of the new columns ``cells`` (name to text), by row."""
    for name, texts in cells.items():
        for index, text in enumerate(texts.to_pylist()):
            if text is not None:
                kept.setdefault(index, {})[name] = text
    return kept


def rescued_array(
    kept: Mapping[int, Mapping[str, str]], rows: int, keep: np.ndarray
) -> tuple[pa.Array | None, Counter[str]]:
    """The JSON text of each kept row's rescued cells (null where none), and counts by column.

    ``None`` when no kept row has a rescued cell: the chunk then writes no such column.
    """
    counts: Counter[str] = Counter()
    texts: list[str | None] = [None] * rows
    for index, cells in kept.items():
        if keep[index] and cells:
            texts[index] = json.dumps(dict(cells), ensure_ascii=False, sort_keys=True)
            counts.update(cells.keys())
    if not counts:
        return None, counts
    return pa.array(texts, pa.string()).filter(pa.array(keep)), counts


def rescues(plan: ColumnPlan, misfits: bool) -> bool:
    """Whether a chunk planned so may keep cells aside at all."""
    return misfits or bool(plan.rescued)
