"""Read: a dropped file (plain, gzip or zip) as a stream of bounded columnar chunks of cell text.

Arrow's parser reads fast; a record of the wrong width hands over to the exact reader, which keeps
the ragged record with its line.
"""

from csv_assets.pipeline.read.arrow_read import arrow_readable, iter_arrow_batches
from csv_assets.pipeline.read.chunks import IrregularRows, RaggedRow, RawChunk
from csv_assets.pipeline.read.reader import fit_record, iter_chunks, iter_records, records_at
from csv_assets.pipeline.read.source_file import (
    TAIL_BYTES,
    Digest,
    copy_lines,
    hash_drop,
    open_bytes,
)

__all__ = [
    "TAIL_BYTES",
    "Digest",
    "IrregularRows",
    "RaggedRow",
    "RawChunk",
    "arrow_readable",
    "copy_lines",
    "fit_record",
    "hash_drop",
    "iter_arrow_batches",
    "iter_chunks",
    "iter_records",
    "open_bytes",
    "records_at",
]
