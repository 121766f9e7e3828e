"""The fast reader: Arrow's multi-threaded CSV parser, with line numbers rebuilt per record."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import closing
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.read.chunks import CHUNK_BYTES, IrregularRows, RawChunk
from csv_assets.pipeline.read.source_file import open_bytes

ARROW_BLOCK_BYTES = 256 << 10
"""Arrow's parse block. Its reader holds some tens of blocks' worth of memory whatever the file
(~70 MB at 1 MiB, ~35 MB at 256 KiB, measured), at the same speed."""
ARROW_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "ascii", "cp1252", "latin-1", "iso-8859-1"})


def arrow_readable(dialect: Dialect) -> bool:
    """Whether the fast reader understands this dialect.

    It does not for comments, a footer, a second table, padding after delimiters, bytes read
    as U+FFFD, or an encoding beyond 8-bit-clean ones.
    """
    return (
        not dialect.comment_prefixes
        and dialect.footer_rows == 0
        and dialect.table_end_line is None
        and not dialect.skip_initial_space
        and dialect.encoding_errors == "strict"
        and dialect.encoding.lower() in ARROW_ENCODINGS
        and not (dialect.preamble_lines and dialect.line_terminator == "\r")
    )


def iter_arrow_chunks(path: Path, dialect: Dialect, chunk_rows: int) -> Iterator[RawChunk]:
    """Yield chunks of ``chunk_rows`` records, fewer where they hold ``CHUNK_BYTES`` of text.

    Line numbers are rebuilt from the newlines inside quoted cells; blank records are dropped
    after they are counted.

    Raises:
        IrregularRows: A record has the wrong width or bytes Arrow cannot decode.
    """
    newline = "\r" if dialect.line_terminator == "\r" else "\n"
    multiline = dialect.quotechar is not None or dialect.escapechar is not None
    next_line = dialect.preamble_lines + (2 if dialect.has_header else 1)
    pending: list[pa.RecordBatch] = []
    pending_lines: list[np.ndarray] = []
    rows = held = 0  # records and bytes in ``pending``
    for batch in iter_arrow_batches(path, dialect):
        spans = np.ones(batch.num_rows, dtype=np.int64)
        for column in batch.columns if multiline else ():
            if _holds(column, newline):
                spans += pc.count_substring(column, newline).to_numpy(zero_copy_only=False)
        starts = next_line + np.cumsum(spans) - spans
        next_line += int(spans.sum())
        filled = _non_blank(batch)
        if filled is not None:
            batch, starts = batch.filter(filled), starts[filled.to_numpy(zero_copy_only=False)]
        pending.append(batch)
        pending_lines.append(starts)
        rows, held = rows + batch.num_rows, held + batch.nbytes
        while rows >= chunk_rows or (rows and held >= CHUNK_BYTES):
            size = min(rows, chunk_rows)
            table = pa.Table.from_batches(pending)
            lines = np.concatenate(pending_lines)
            yield RawChunk(table.slice(0, size).combine_chunks(), lines[:size], [])
            pending = table.slice(size).to_batches()
            pending_lines = [lines[size:]]
            rows, held = rows - size, sum(b.nbytes for b in pending)
    if rows:
        table = pa.Table.from_batches(pending, schema=pending[0].schema)
        yield RawChunk(table.combine_chunks(), np.concatenate(pending_lines), [])


def iter_arrow_batches(
    path: Path, dialect: Dialect, *, skip_blank: bool = False
) -> Generator[pa.RecordBatch]:
    """Yield the records as Arrow's parser hands them over: string columns, no line numbers.

    Args:
        path: The file.
        dialect: How it is written.
        skip_blank: Drop empty lines in the parser rather than yield them as records.

    Raises:
        IrregularRows: A record has the wrong width or bytes Arrow cannot decode.
    """
    irregular: list[str] = []

    def set_aside(row: pacsv.InvalidRow) -> str:
        irregular.append(row.text)
        return "skip"

    with open_bytes(path) as binary:
        try:
            reader = _open_arrow(binary, dialect, set_aside, skip_blank)
        except pa.ArrowInvalid as error:  # a record bigger than a block, read at the open
            raise IrregularRows(f"{path.name}: {error}") from error
        # Closed however the reading ends: Arrow's read-ahead thread must not outlive the file
        # (one still reading at interpreter exit aborts the process).
        with closing(reader):
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    if irregular:  # every record of the last blocks was set aside
                        raise IrregularRows(
                            f"{path.name}: record {irregular[0]!r} has the wrong width"
                        ) from None
                    return
                except pa.ArrowInvalid as error:
                    raise IrregularRows(f"{path.name}: {error}") from error
                if irregular:
                    raise IrregularRows(f"{path.name}: record {irregular[0]!r} has the wrong width")
                yield batch


def _open_arrow(
    binary: BinaryIO, dialect: Dialect, on_invalid: object, skip_blank: bool
) -> pacsv.CSVStreamingReader:
    for _ in range(dialect.preamble_lines):
        binary.readline()
    names = list(dialect.columns)
    encoding = dialect.encoding.lower()
    return pacsv.open_csv(
        binary,
        read_options=pacsv.ReadOptions(
            column_names=names,
            skip_rows=1 if dialect.has_header else 0,
            block_size=ARROW_BLOCK_BYTES,
            encoding="utf8" if encoding in ("utf-8", "utf-8-sig", "ascii") else encoding,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=dialect.delimiter,
            quote_char=dialect.quotechar or False,
            double_quote=dialect.doublequote,
            escape_char=dialect.escapechar or False,
            newlines_in_values=dialect.quotechar is not None or dialect.escapechar is not None,
            ignore_empty_lines=skip_blank,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _holds(column: pa.StringArray, newline: str) -> bool:
    """Whether any cell contains ``newline``: one vectorised pass over the data buffer, no copy."""
    data = column.buffers()[2]
    return data is not None and bool((np.frombuffer(data, np.uint8) == ord(newline)).any())


def _non_blank(batch: pa.RecordBatch) -> pa.BooleanArray | None:
    """Mask of records with any text; ``None`` when all have some (the common case).

    Only a record whose first cell is empty can be blank, so the full test runs only then.
    """
    if pc.min(pc.binary_length(batch.column(0))).as_py() != 0:
        return None
    lengths = [pc.binary_length(column) for column in batch.columns]
    total = lengths[0]
    for length in lengths[1:]:
        total = pc.add(total, length)
    return pc.greater(total, 0)
