"""Polluted variants of clean tables: the file's bytes, its true dialect, and the table to recover.

A ``Variant`` writes a clean table (header and rows of cell text) the way a partner's system
might: another delimiter, quote or escape, a title block above, totals below, comments, blank
lines, another line ending or encoding, no header, a broken row. What the file should read back
as is known exactly: the benchmark (``benchmarks/sniff_accuracy.py``) and the tests score
sniffers against it.
"""

from __future__ import annotations

import codecs
import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from csv_assets_support.clean_tables import Table, base_tables


@dataclass(frozen=True)
class Variant:
    """How to write one polluted file, and what it must read back as."""

    category: str
    delimiter: str = ","
    quotechar: str = '"'
    escapechar: str | None = None
    quote_all: bool = False
    line_terminator: str = "\r\n"
    encoding: str = "utf-8"
    header: bool = True
    preamble: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    comments: int = 0
    blank_lines: int = 0
    broken_rows: int = 0
    padded_preamble: bool = False
    padded_fields: bool = False
    header_only: bool = False
    duplicate_name: bool = False
    group_row: bool = False
    second_table: bool = False
    comment_prefixes: tuple[str, ...] = ("#",)
    c1: str | None = None
    seed: int = 0

    def applies(self, table: Table) -> bool:
        """Whether this pollution changes ``table`` (a one-column table has no width to pad)."""
        width = len(table[0])
        needs_width = self.padded_preamble or self.padded_fields or self.group_row
        return not ((needs_width or self.duplicate_name) and width < 3)

    def render(self, table: Table) -> tuple[bytes, Table, dict[str, object]]:
        """The file's bytes, the clean table it should read back as, and its true dialect."""
        rng = random.Random(self.seed)
        table = self._c1_cells(table, rng) if self.c1 else table
        header, rows = list(table[0]), [list(r) for r in table[1:]]
        if self.duplicate_name:
            header[-1] = header[-2]
        if self.header_only:
            rows = []
        lines = [self._line(header)] if self.header else []
        clean_rows: Table = []
        broken = set(rng.sample(range(1, len(rows)), min(self.broken_rows, max(len(rows) - 1, 0))))
        for index, row in enumerate(rows):
            if index in broken:
                lines.append(self._broken(row, rng))
            else:
                lines.append(self._line(row))
                clean_rows.append(row)
        for number in range(self.comments):
            prefix = self.comment_prefixes[number % len(self.comment_prefixes)]
            lines.insert(
                rng.randrange(1, max(len(lines), 2)), f"{prefix} exported by the partner's system"
            )
        for _ in range(self.blank_lines):
            lines.insert(rng.randrange(1, max(len(lines), 2)), "")
        width = len(header)
        names = header if self.header else [f"column_{i + 1}" for i in range(width)]
        top = list(self.preamble)
        if self.padded_preamble:
            top = [line + self.delimiter * (width - 1) for line in top] + [
                self.delimiter * (width - 1)
            ]
        if self.group_row:
            groups = [""] * width
            groups[1], groups[max(2, width // 2)] = "Part A", "Part B"
            top.append(self.delimiter.join(groups))
            names = _joined(groups, header)
        bottom = list(self.footer)
        if self.second_table:
            bottom = ["", *(self.delimiter.join(r) for r in SECOND_TABLE), *bottom]
        text = self.line_terminator.join([*top, *lines, *bottom])
        text += self.line_terminator
        data = text.encode(self.encoding)
        if self.encoding == "utf-16":
            data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        expected = {
            "delimiter": self.delimiter,
            "quotechar": self.quotechar if self._quotes_matter(table) else None,
            "escapechar": self.escapechar if self._escapes_used(table) else None,
            "has_header": self.header,
            "preamble_lines": len(top),
            # A footer below a second table is that table's, not this one's.
            "footer_rows": 0 if self.second_table else len(self.footer),
            "encoding": self.encoding,
        }
        if width == 1:
            expected["delimiter"] = None  # a one-column file has none to find
        return data, [names, *clean_rows], expected

    def _c1_cells(self, table: Table, rng: random.Random) -> Table:
        """The table with characters of the 0x80-0x9F byte range in some cells of its last
        column: cp1252's typographic ones, or latin-1's control codes, some of which cp1252
        leaves undefined.
        """
        marks = C1_MARKS[self.c1 or "cp1252"]
        rows = [list(r) for r in table]
        for row in rows[1:]:
            if rng.random() < 0.4:
                row[-1] = f"{row[-1]} {rng.choice(marks)}".strip()
        rows[1][-1] = f"{rows[1][-1]}{marks[0]}"  # at least one, in the head
        return rows

    def _quotes_matter(self, table: Table) -> bool:
        return self.quote_all or any(self._needs_quotes(c) for row in table for c in row)

    def _escapes_used(self, table: Table) -> bool:
        marks = (self.quotechar, self.escapechar or "")
        return self.escapechar is not None and any(
            m in c for row in table for c in row for m in marks
        )

    def _needs_quotes(self, cell: str) -> bool:
        return any(ch in cell for ch in (self.delimiter, self.quotechar, "\n", "\r")) or (
            self.escapechar is not None and self.escapechar in cell
        )

    def _field(self, cell: str) -> str:
        if not (self.quote_all or self._needs_quotes(cell)):
            return cell
        q = self.quotechar
        if self.escapechar:
            body = cell.replace(self.escapechar, self.escapechar * 2).replace(
                q, self.escapechar + q
            )
        else:
            body = cell.replace(q, q + q)
        return f"{q}{body}{q}"

    def _line(self, row: list[str]) -> str:
        separator = self.delimiter + (" " if self.padded_fields else "")
        return separator.join(self._field(c) for c in row)

    def _broken(self, row: list[str], rng: random.Random) -> str:
        """A row with a field too many or too few, as a hand-edited export has."""
        cells = [self._field(c) for c in row]
        if rng.random() < 0.5:
            cells.insert(rng.randrange(len(cells) + 1), "oops")
        else:
            del cells[rng.randrange(len(cells))]
        return self.delimiter.join(cells)


@dataclass(frozen=True)
class Case:
    """One generated file: its name, bytes, true dialect and clean table."""

    name: str
    category: str
    data: bytes
    expected: dict[str, object]
    table: Table = field(repr=False)


PREAMBLE = (
    "Sales export",
    "Generated 2026-11-24 06:00 by ShopSystem v4.2",
    "Filter: all regions",
    "Currency: EUR",
    "Contact: data@example.com",
    "Confidential",
    "Page 1",
    "Report id 8812",
    "Rows follow",
    "---",
)


SECOND_TABLE = (("code", "meaning"), ("A", "active"), ("X", "closed"), ("P", "pending"))
"""A small lookup table appended below the data after a blank line, as exports do."""
C1_MARKS = {
    "cp1252": ("\u20ac", "\u201cok\u201d", "\u2013", "\u2026", "\u0161"),
    "latin-1": ("\x81", "\x8d", "\x90", "\x9d", "\x85"),
}


def _joined(groups: list[str], names: list[str]) -> list[str]:
    """A two-row header's names: each group name, carried right, before the names below it."""
    joined, current = [], ""
    for group, name in zip(groups, names, strict=True):
        current = group or current
        joined.append(f"{current} {name}" if current else name)
    return joined


def variants() -> Iterator[Variant]:
    """Every pollution alone, then mixes of them."""
    yield Variant("clean")
    for delimiter, label in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe"), (":", "colon")):
        yield Variant(f"delimiter {label}", delimiter=delimiter)
    yield Variant("delimiter space", delimiter=" ")
    yield Variant("quote '", quotechar="'")
    yield Variant("quote all", quote_all=True)
    yield Variant("escape \\", escapechar="\\")
    yield Variant("no header", header=False)
    for count in (1, 3, 10):
        yield Variant(f"preamble {count}", preamble=PREAMBLE[:count], seed=count)
    yield Variant("footer", footer=("Total,,,,,", "Rows: 40"))
    yield Variant("comments", comments=3)
    yield Variant("blank lines", blank_lines=3)
    yield Variant("line ending LF", line_terminator="\n")
    yield Variant("line ending CR", line_terminator="\r")
    yield Variant("utf-8 BOM", encoding="utf-8-sig")
    yield Variant("utf-16 BOM", encoding="utf-16")
    yield Variant("cp1252", encoding="cp1252", delimiter=";")
    yield Variant("latin-1", encoding="latin-1")
    yield Variant("broken row", broken_rows=1, seed=1)
    yield Variant("broken rows", broken_rows=3, seed=2)
    rng = random.Random(11)
    for seed in range(12):
        yield Variant(
            "mixed",
            delimiter=rng.choice([",", ";", "\t", "|"]),
            quotechar=rng.choice(['"', '"', "'"]),
            line_terminator=rng.choice(["\r\n", "\n"]),
            encoding=rng.choice(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
            header=rng.random() < 0.8,
            preamble=PREAMBLE[: rng.choice([0, 0, 2, 5])],
            broken_rows=rng.choice([0, 0, 1]),
            seed=seed,
        )
    yield from export_shapes()


def export_shapes() -> Iterator[Variant]:
    """The shapes of real exports the first corpus lacked, alone and then mixed."""
    yield Variant("padded preamble", preamble=PREAMBLE[:2], padded_preamble=True)
    yield Variant("padded preamble ;", delimiter=";", preamble=PREAMBLE[:1], padded_preamble=True)
    yield Variant("comma space", padded_fields=True)
    yield Variant("semicolon space", delimiter=";", padded_fields=True)
    yield Variant("header only", header_only=True)
    yield Variant("duplicate names", duplicate_name=True)
    yield Variant("two-row header", group_row=True)
    yield Variant("second table", second_table=True)
    yield Variant("mixed comments", comments=4, comment_prefixes=("#", "//"))
    yield Variant("C1 cp1252", encoding="cp1252", delimiter=";", c1="cp1252")
    yield Variant("C1 latin-1", encoding="latin-1", delimiter=";", c1="latin-1")
    rng = random.Random(13)
    for seed in range(8):
        yield Variant(
            "mixed shapes",
            delimiter=rng.choice([",", ";", "\t"]),
            line_terminator=rng.choice(["\r\n", "\n"]),
            preamble=PREAMBLE[: rng.choice([0, 1, 2])],
            padded_preamble=rng.random() < 0.5,
            padded_fields=rng.random() < 0.3,
            duplicate_name=rng.random() < 0.3,
            second_table=rng.random() < 0.3,
            comments=rng.choice([0, 2]),
            comment_prefixes=("#", "//"),
            c1=rng.choice([None, None, "cp1252"]),
            encoding="cp1252" if seed % 3 == 0 else "utf-8",
            seed=seed,
        )


def cases(rows: int = 40) -> Iterator[Case]:
    """Every variant of every base table (footers written with the table's width)."""
    for table_name, table in base_tables(rows).items():
        width = len(table[0])
        for number, variant in enumerate(variants()):
            if not variant.applies(table):
                continue
            if variant.c1 and variant.encoding == "utf-8":
                variant = replace(variant, encoding="cp1252")
            if variant.footer:
                total = variant.delimiter.join(["Total", *[""] * (width - 1)])
                variant = replace(variant, footer=(total, f"Rows: {rows}"))
            data, clean, expected = variant.render(table)
            name = f"{table_name}_{number:02d}_{variant.category.replace(' ', '_')}.csv"
            yield Case(name, variant.category, data, expected, clean)
