"""Read a CSV file with a sniffed dialect as a stream of bounded, columnar chunks of cell text.

Two readers give the same chunks. The fast one is Arrow's multi-threaded CSV parser
(``arrow_read.py``); it serves any file whose every record has the header's width. The exact
one, here, is Python's ``csv`` module; it keeps each ragged record (with its line) instead of
dropping it. ``iter_chunks`` starts fast and raises ``IrregularRows`` when it meets a record
the fast reader cannot place; the caller then rolls back and reads again with ``exact=True``.
Well-formed files never pay for the exact reader, and no file loses a row to the fast one.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.errors import BadFileError, Refusal
from csv_assets.pipeline.read.arrow_read import arrow_readable, iter_arrow_chunks
from csv_assets.pipeline.read.chunks import CHUNK_BYTES, RaggedRow, RawChunk
from csv_assets.pipeline.read.source_file import open_bytes

DEFAULT_CHUNK_ROWS = 50_000
FIELD_LIMIT = 1 << 27
"""The largest cell the exact reader takes (128 MiB)."""
csv.field_size_limit(FIELD_LIMIT)


def iter_chunks(
    path: Path, dialect: Dialect, chunk_rows: int = DEFAULT_CHUNK_ROWS, *, exact: bool = False
) -> Generator[RawChunk]:
    """Yield the data records of ``path`` in chunks of ``chunk_rows`` records at most.

    A chunk also stops at about ``CHUNK_BYTES`` of cell text, so wide records make short
    chunks and memory stays flat whatever the width.

    Args:
        path: The file (plain, ``.gz`` or single-member ``.zip``).
        dialect: How it is written.
        chunk_rows: Records per chunk at most.
        exact: Use the exact reader from the start.

    Raises:
        IrregularRows: The fast reader met a record it cannot place; nothing is lost, but the
            chunks yielded so far must be discarded and the file read with ``exact=True``.
        BadFileError: The bytes do not decode with the sniffed encoding (exact reader).
    """
    if exact or not arrow_readable(dialect):
        yield from _exact_chunks(path, dialect, chunk_rows)
    else:
        yield from iter_arrow_chunks(path, dialect, chunk_rows)


def iter_records(path: Path, dialect: Dialect) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` for every record between the preamble and the footer.

    The header is included; blank lines and comment lines are skipped; ``line`` is where the
    record starts.

    Raises:
        BadFileError: The bytes do not decode with the sniffed encoding.
    """
    records = _records(path, dialect)
    if not dialect.footer_rows:
        yield from records
        return
    held: deque[tuple[int, list[str]]] = deque()
    for record in records:
        held.append(record)
        if len(held) > dialect.footer_rows:
            yield held.popleft()


def _records(path: Path, dialect: Dialect) -> Iterator[tuple[int, list[str]]]:
    end = dialect.table_end_line
    with open_bytes(path) as binary:
        text = io.TextIOWrapper(
            binary, encoding=dialect.encoding, errors=dialect.encoding_errors, newline=""
        )
        for _ in range(dialect.preamble_lines):
            text.readline()
        lines: Iterator[str] = text
        if dialect.comment_prefixes:
            # A comment is blanked before parsing, so a quote in it cannot open a field.
            prefixes = dialect.comment_prefixes
            lines = ("\n" if line.startswith(prefixes) else line for line in text)
        reader = csv.reader(
            lines,
            delimiter=dialect.delimiter,
            quotechar=dialect.quotechar or '"',
            quoting=csv.QUOTE_MINIMAL if dialect.quotechar else csv.QUOTE_NONE,
            escapechar=dialect.escapechar,
            doublequote=dialect.doublequote,
            skipinitialspace=dialect.skip_initial_space,
            strict=False,
        )
        offset = dialect.preamble_lines
        start = offset + 1
        try:
            for cells in reader:
                if end is not None and start >= end:
                    return  # a second table starts here: not this table's records
                if cells and any(cells):
                    yield start, cells
                start = offset + reader.line_num + 1
        except UnicodeDecodeError as error:
            raise BadFileError(
                path.name,
                f"bytes {error.object[error.start : error.end]!r} are not valid "
                f"{dialect.encoding}; the file changes encoding after line {start - 1}",
                line=start,
                rule=Refusal.ENCODING,
            ) from error
        except csv.Error as error:  # a cell over FIELD_LIMIT: no table holds such a value
            raise BadFileError(
                path.name,
                f"a record is too large to read ({error}); ask the sender to check the quoting "
                "of this line, or to send large values as files of their own",
                line=start,
                rule=Refusal.UNREADABLE,
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


def fit_record(cells: list[str], width: int) -> list[str] | None:
    """The record's cells if it has ``width`` of them, else ``None`` (a ragged record).

    Extra trailing empty fields (a stray delimiter at the end) are dropped, not rejected: no
    value is lost.
    """
    if len(cells) > width and not any(cells[width:]):
        return cells[:width]
    return cells if len(cells) == width else None


def _exact_chunks(path: Path, dialect: Dialect, chunk_rows: int) -> Iterator[RawChunk]:
    """Python's csv reader: slower, but keeps every ragged record with its line."""
    records = iter_records(path, dialect)
    width = len(dialect.columns)
    if dialect.has_header:
        next(records, None)
    rows: list[list[str]] = []
    lines: list[int] = []
    ragged: list[RaggedRow] = []
    size = 0
    for line, cells in records:
        fitted = fit_record(cells, width)
        if fitted is not None:
            rows.append(fitted)
            lines.append(line)
        else:
            reason = f"expected {width} fields, found {len(cells)}"
            ragged.append(RaggedRow(line, tuple(cells), reason))
        size += sum(map(len, cells))
        if len(rows) + len(ragged) >= chunk_rows or size >= CHUNK_BYTES:
            yield _columnar(dialect.columns, rows, lines, ragged)
            rows, lines, ragged, size = [], [], [], 0
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
