"""Read a CSV file with a sniffed dialect as a stream of bounded chunks of raw cell text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from csv_assets.errors import BadFileError
from csv_assets.pipeline.sniff import Dialect
from csv_assets.pipeline.source_file import open_bytes

DEFAULT_CHUNK_ROWS = 50_000
csv.field_size_limit(1 << 27)


@dataclass(frozen=True)
class RaggedRow:
    """A record whose field count does not match the header: kept, never dropped."""

    line: int
    cells: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class RawChunk:
    """Up to ``chunk_rows`` records of cell text, each with the physical line it starts on."""

    rows: list[list[str]]
    lines: list[int]
    ragged: list[RaggedRow]

    @property
    def rows_read(self) -> int:
        """Records read in this chunk, ragged ones included."""
        return len(self.rows) + len(self.ragged)


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


def iter_chunks(
    path: Path, dialect: Dialect, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> Iterator[RawChunk]:
    """Yield the data records of ``path`` in chunks, setting aside rows of the wrong width.

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
            yield RawChunk(rows, lines, ragged)
            rows, lines, ragged = [], [], []
    if rows or ragged:
        yield RawChunk(rows, lines, ragged)


def iter_raw_rows(path: Path, dialect: Dialect) -> Iterator[list[str]]:
    """Yield the header (sniffed or generated) then every record's cells, as text."""
    yield list(dialect.raw_header)
    records = iter_records(path, dialect)
    if dialect.has_header:
        next(records, None)
    for _, cells in records:
        yield cells


def _is_comment(cells: list[str], dialect: Dialect) -> bool:
    return dialect.comment_prefix is not None and cells[0].startswith(dialect.comment_prefix)
