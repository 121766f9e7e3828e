"""``csv-assets parse FILE``: the file as clean RFC 4180 UTF-8 CSV, header first, text as is."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TextIO

from csv_assets.commands.common import add_file_arguments, sniff_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``parse``."""
    add_file_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, help="Write here instead of stdout.")
    parser.add_argument(
        "--keep-ragged",
        action="store_true",
        help="Write rows of the wrong width as they are, instead of setting them aside.",
    )


def run(args: argparse.Namespace) -> int:
    """Write the header and every record; a ragged record is named on stderr (exit 2).

    Nothing is lost: a record of the wrong width is either written as it is
    (``--keep-ragged``) or listed on stderr with its line and cells.
    """
    from csv_assets.pipeline.errors import BadFileError
    from csv_assets.pipeline.read import fit_record, iter_records

    dialect = sniff_file(args, whole_file=False)
    width = len(dialect.columns)
    ragged = 0
    with _open(args.output) as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(dialect.raw_header)
        records = iter_records(args.file, dialect)
        if dialect.has_header:
            next(records, None)
        try:
            for line, cells in records:
                fitted = fit_record(cells, width)
                if fitted is not None or args.keep_ragged:
                    writer.writerow(fitted or cells)
                    continue
                ragged += 1
                print(
                    f"{args.file}:{line}: expected {width} fields, found {len(cells)}; "
                    f"set aside: {cells!r}",
                    file=sys.stderr,
                )
        except BadFileError as error:
            print(f"csv-assets: {error.describe()}", file=sys.stderr)
            return 2
    if ragged:
        print(
            f"{args.file}: {ragged} record(s) set aside; --keep-ragged writes them", file=sys.stderr
        )
    return 2 if ragged else 0


def _open(path: Path | None) -> AbstractContextManager[TextIO]:
    if path is None:
        if isinstance(sys.stdout, io.TextIOWrapper):  # a terminal or a pipe; not a test's capture
            sys.stdout.reconfigure(encoding="utf-8", newline="")
        return nullcontext(sys.stdout)
    return path.open("w", encoding="utf-8", newline="")
