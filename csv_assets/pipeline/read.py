"""Read a CSV file with a sniffed dialect as a stream of bounded, columnar chunks of cell text.

Two readers give the same chunks. The fast one is Arrow's multi-threaded CSV parser; it serves
any file whose every record has the header's width. The exact one is Python's ``csv`` module;
it keeps each ragged record (with its line) instead of dropping it. ``iter_chunks`` starts fast
and raises ``IrregularRows`` when it meets a record the fast reader cannot place; the caller
then rolls back and reads again with ``exact=True``. Well-formed files never pay for the exact
reader, and no file loses a row to the fast one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from csv_assets.errors import BadFileError
from csv_assets.pipeline.sniff import Dialect
from csv_assets.pipeline.source_file import open_bytes

DEFAULT_CHUNK_ROWS = 50_000
ARROW_BLOCK_BYTES = 1 << 20
ARROW_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "ascii", "cp1252", "latin-1", "iso-8859-1"})
csv.field_size_limit(1 << 27)


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
    """Up to about ``chunk_rows`` records: one string column per file column, and line numbers.

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
        return self.cells.num_rows + len(self.ragged)

    def rows_at(self, indices: Sequence[int]) -> list[tuple[str, ...]]:
        """The raw cells of the records at ``indices``, for quarantine and reports."""
        taken = self.cells.take(pa.array(indices, pa.int64()))
        columns = [taken.column(i).to_pylist() for i in range(taken.num_columns)]
        return [tuple(cells) for cells in zip(*columns, strict=True)]


def iter_chunks(
    path: Path, dialect: Dialect, chunk_rows: int = DEFAULT_CHUNK_ROWS, *, exact: bool = False
) -> Iterator[RawChunk]:
    """Yield the data records of ``path`` in chunks of about ``chunk_rows`` records.

    Args:
        path: The file (plain, ``.gz`` or single-member ``.zip``).
        dialect: How it is written.
        chunk_rows: Records per chunk (the last may hold fewer).
        exact: Use the exact reader from the start.

    Raises:
        IrregularRows: The fast reader met a record it cannot place; nothing is lost, but the
            chunks yielded so far must be discarded and the file read with ``exact=True``.
        BadFileError: The bytes do not decode with the sniffed encoding (exact reader).
    """
    if exact or not arrow_readable(dialect):
        yield from _exact_chunks(path, dialect, chunk_rows)
    else:
        yield from _arrow_chunks(path, dialect, chunk_rows)


def arrow_readable(dialect: Dialect) -> bool:
    """Whether the fast reader understands this dialect (no comments, 8-bit-clean encoding)."""
    return (
        dialect.comment_prefix is None
        and dialect.encoding.lower() in ARROW_ENCODINGS
        and not (dialect.preamble_lines and dialect.line_terminator == "\r")
    )


def iter_records(path: Path, dialect: Dialect) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` for every record after the preamble, header included.

    Blank lines and comment lines are skipped; ``line`` is where the record starts.

    Raises:
        BadFileError: The bytes do not decode with the sniffed encoding.
    """
    with open_bytes(path) as binary:
        text = io.TextIOWrapper(binary, encoding=dialect.encoding, newline="")
        for _ in range(dialect.preamble_lines):
            text.readline()
        reader = csv.reader(
            text,
            delimiter=dialect.delimiter,
            quotechar=dialect.quotechar or '"',
            quoting=csv.QUOTE_MINIMAL if dialect.quotechar else csv.QUOTE_NONE,
            escapechar=dialect.escapechar,
            doublequote=dialect.doublequote,
            strict=False,
        )
        offset = dialect.preamble_lines
        start = offset + 1
        try:
            for cells in reader:
                if cells and any(cells) and not _is_comment(cells, dialect):
                    yield start, cells
                start = offset + reader.line_num + 1
        except UnicodeDecodeError as error:
            raise BadFileError(
                path.name,
                f"bytes {error.object[error.start : error.end]!r} are not valid "
                f"{dialect.encoding}; the file changes encoding after line {start - 1}",
                line=start,
                rule="encoding",
            ) from error


def records_at(path: Path, dialect: Dialect, lines: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The raw cells of the records starting on ``lines`` (one pass of the exact reader)."""
    wanted = set(lines)
    found: dict[int, tuple[str, ...]] = {}
    for line, cells in iter_records(path, dialect):
        if line in wanted:
            found[line] = tuple(cells)
            if len(found) == len(wanted):
                break
    return found


def iter_raw_rows(path: Path, dialect: Dialect) -> Iterator[list[str]]:
    """Yield the header (sniffed or generated) then every record's cells, as text."""
    yield list(dialect.raw_header)
    records = iter_records(path, dialect)
    if dialect.has_header:
        next(records, None)
    for _, cells in records:
        yield cells


def _exact_chunks(path: Path, dialect: Dialect, chunk_rows: int) -> Iterator[RawChunk]:
    """Python's csv reader: slower, but keeps every ragged record with its line.

    A row with extra trailing empty fields (a stray delimiter at the end) is trimmed, not
    rejected: no value is lost.
    """
    records = iter_records(path, dialect)
    width = len(dialect.columns)
    if dialect.has_header:
        next(records, None)
    rows: list[list[str]] = []
    lines: list[int] = []
    ragged: list[RaggedRow] = []
    for line, cells in records:
        if len(cells) > width and not any(cells[width:]):
            cells = cells[:width]
        if len(cells) == width:
            rows.append(cells)
            lines.append(line)
        else:
            reason = f"expected {width} fields, found {len(cells)}"
            ragged.append(RaggedRow(line, tuple(cells), reason))
        if len(rows) + len(ragged) >= chunk_rows:
            yield _columnar(dialect.columns, rows, lines, ragged)
            rows, lines, ragged = [], [], []
    if rows or ragged:
        yield _columnar(dialect.columns, rows, lines, ragged)


def _columnar(
    names: Sequence[str], rows: list[list[str]], lines: list[int], ragged: list[RaggedRow]
) -> RawChunk:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    cells = pa.table(
        {name: pa.array(col, pa.string()) for name, col in zip(names, columns, strict=True)}
    )
    return RawChunk(cells, np.asarray(lines, dtype=np.int64), ragged)


def _arrow_chunks(path: Path, dialect: Dialect, chunk_rows: int) -> Iterator[RawChunk]:
    """Arrow's parser, with line numbers rebuilt from the newlines inside quoted cells."""
    irregular: list[str] = []

    def set_aside(row: pacsv.InvalidRow) -> str:
        irregular.append(row.text)
        return "skip"

    newline = "\r" if dialect.line_terminator == "\r" else "\n"
    multiline = dialect.quotechar is not None or dialect.escapechar is not None
    next_line = dialect.preamble_lines + (2 if dialect.has_header else 1)
    pending: list[pa.RecordBatch] = []
    pending_lines: list[np.ndarray] = []
    with open_bytes(path) as binary:
        reader = _open_arrow(binary, dialect, set_aside)
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as error:
                raise IrregularRows(f"{path.name}: {error}") from error
            if irregular:
                raise IrregularRows(f"{path.name}: record {irregular[0]!r} has the wrong width")
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
            while sum(b.num_rows for b in pending) >= chunk_rows:
                table = pa.Table.from_batches(pending)
                lines = np.concatenate(pending_lines)
                yield RawChunk(table.slice(0, chunk_rows).combine_chunks(), lines[:chunk_rows], [])
                pending = table.slice(chunk_rows).to_batches()
                pending_lines = [lines[chunk_rows:]]
    if any(b.num_rows for b in pending):
        table = pa.Table.from_batches(pending, schema=pending[0].schema)
        yield RawChunk(table.combine_chunks(), np.concatenate(pending_lines), [])


def _open_arrow(binary: BinaryIO, dialect: Dialect, on_invalid: object) -> pacsv.CSVStreamingReader:
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
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _holds(column: pa.StringArray, text: str) -> bool:
    """Whether any cell contains ``text``: one ``bytes.find`` over the column's data buffer."""
    data = column.buffers()[2]
    return data is not None and bytes(data).find(text.encode()) >= 0


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


def _is_comment(cells: list[str], dialect: Dialect) -> bool:
    return dialect.comment_prefix is not None and cells[0].startswith(dialect.comment_prefix)
