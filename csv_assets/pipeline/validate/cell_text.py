"""A chunk's cell text for one column, with the dialect's null tokens as null."""

from __future__ import annotations

import pyarrow as pa

from csv_assets.pipeline.cells import WEAK_NULL_TOKENS
from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.read import RawChunk
from csv_assets.pipeline.validate.coerce import null_tokens
from csv_assets.pipeline.validate.columns import ColumnSpec


def text_at(chunk: RawChunk, position: int, dialect: Dialect) -> pa.Array:
    """A new column's cell text, null tokens as null (``-`` and ``NA`` stay text)."""
    return null_tokens(
        chunk.cells.column(position).combine_chunks(), dialect.missing - WEAK_NULL_TOKENS
    )[0]


def text_column(
    chunk: RawChunk, column: ColumnSpec, position: int | None, dialect: Dialect
) -> tuple[pa.Array, pa.Array]:
    """The column's cell text, and the same trimmed, with null tokens as null.

    ``-``, ``NA`` and ``None`` stay text in a string column.
    """
    if position is None:
        missing = pa.nulls(chunk.cells.num_rows, pa.string())
        return missing, missing
    tokens = dialect.missing if column.kind != "string" else dialect.missing - WEAK_NULL_TOKENS
    return null_tokens(chunk.cells.column(position).combine_chunks(), tokens)
