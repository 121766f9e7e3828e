"""The sniffers the accuracy benchmark compares: each detects a file's dialect and reads it.

A sniffer takes the file and its true dialect, which only "DuckDB given the dialect" looks at,
and returns the dialect it found and a function that reads the file with it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path

from csv_assets_support.clean_tables import Table

Dialect = dict[str, object]
Sniffer = Callable[[Path, Dialect], tuple[Dialect, Callable[[], Table]]]


def dialect_right(found: Dialect, expected: Dialect) -> bool:
    """Delimiter, quote and escape all right, where the file makes them matter."""
    for key in ("delimiter", "quotechar", "escapechar"):
        want = expected[key]
        if want is None and key != "escapechar":
            continue  # a one-column file's delimiter, a quote the file never uses
        if found.get(key) != want:
            return False
    return True


def ours(path: Path, expected: Dialect) -> tuple[Dialect, Callable[[], Table]]:
    from csv_assets.pipeline.read import IrregularRows, iter_chunks
    from csv_assets.pipeline.sniff import sniff_csv

    found = sniff_csv(path)

    def read() -> Table:
        try:
            chunks = list(iter_chunks(path, found))
        except IrregularRows:
            chunks = list(iter_chunks(path, found, exact=True))
        rows = [list(r) for c in chunks for r in zip(*c.cells.to_pydict().values(), strict=True)]
        return [list(found.raw_header), *rows]

    dialect = {
        "delimiter": found.delimiter,
        "quotechar": found.quotechar,
        "escapechar": found.escapechar,
        "has_header": found.has_header,
        "preamble_lines": found.preamble_lines,
    }
    return dialect, read


def with_header(records: Iterable[list[str]], header: bool) -> Table:
    """The non-blank records, with generated column names first when there is no header."""
    rows = [r for r in records if r]
    width = len(rows[0]) if rows else 0
    return rows if header else [[f"column_{i + 1}" for i in range(width)], *rows]


def described(found: object, header: bool) -> Dialect:
    """A csv-style dialect object as this benchmark compares dialects (no preamble found)."""
    return {
        "delimiter": found.delimiter,
        "quotechar": found.quotechar or None,
        "escapechar": found.escapechar or None,
        "has_header": header,
        "preamble_lines": 0,
    }


def python_sniffer(path: Path, expected: Dialect) -> tuple[Dialect, Callable[[], Table]]:
    # What a script does: UTF-8 (a BOM dropped), the first 64 KiB, csv.Sniffer.
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    sample = text[:65536]
    sniffer = csv.Sniffer()
    found = sniffer.sniff(sample)
    header = sniffer.has_header(sample)

    def read() -> Table:
        return with_header(csv.reader(io.StringIO(text, newline=""), found), header)

    return described(found, header), read


def clever(path: Path, expected: Dialect) -> tuple[Dialect, Callable[[], Table]]:
    import clevercsv
    from clevercsv.encoding import get_encoding

    encoding = get_encoding(path) or "utf-8"
    text = path.read_bytes().decode(encoding, errors="replace").lstrip("\ufeff")
    sample = text[:65536]
    found = clevercsv.Detector().detect(sample)
    if found is None:
        raise ValueError("no dialect detected")
    header = clevercsv.Sniffer().has_header(sample)

    def read() -> Table:
        return with_header(clevercsv.reader(io.StringIO(text, newline=""), found), header)

    return described(found, header), read


def duck(path: Path, given: Dialect | None = None) -> tuple[Dialect, Callable[[], Table]]:
    import duckdb

    con = duckdb.connect()
    options: dict[str, object] = {"all_varchar": True}
    encoding = {"utf-8-sig": "utf-8", "cp1252": "latin-1"}.get
    if given is not None:
        options.update(
            delim=given["delimiter"] or ",",
            quote=given["quotechar"] or '"',
            escape=given["escapechar"] or given["quotechar"] or '"',
            header=given["has_header"],
            skip=given["preamble_lines"],
            encoding=encoding(str(given["encoding"]), str(given["encoding"])),
            ignore_errors=True,
        )
        found = dict(given)
    else:
        result = con.execute("SELECT * FROM sniff_csv(?)", [str(path)])
        names = [d[0] for d in result.description]
        described = dict(zip(names, result.fetchall()[0], strict=True))
        quote = described["Quote"].strip("\x00") or None
        escape = described["Escape"].strip("\x00") or None
        found = {
            "delimiter": described["Delimiter"],
            "quotechar": quote,
            # DuckDB names the quote as its own escape where quotes are doubled.
            "escapechar": None if escape == quote else escape,
            "has_header": bool(described["HasHeader"]),
            "preamble_lines": int(described["SkipRows"] or 0),
        }

    def read() -> Table:
        named = ", ".join(f"{key} = ${key}" for key in options)
        result = con.execute(
            f"SELECT * FROM read_csv($path, {named})", {"path": str(path), **options}
        )
        names = [d[0] for d in result.description]
        rows = [["" if v is None else v for v in row] for row in result.fetchall()]
        if not found["has_header"]:
            names = [f"column_{i + 1}" for i in range(len(names))]
        return [list(names), *rows]

    return found, read


def duck_auto(path: Path, expected: Dialect) -> tuple[Dialect, Callable[[], Table]]:
    return duck(path)


def duck_given(path: Path, expected: Dialect) -> tuple[Dialect, Callable[[], Table]]:
    return duck(path, expected)


SNIFFERS: dict[str, Sniffer] = {
    "csv_assets": ours,
    "csv.Sniffer": python_sniffer,
    "CleverCSV": clever,
    "DuckDB": duck_auto,
    "DuckDB given dialect": duck_given,
}
