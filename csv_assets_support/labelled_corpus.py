"""A large labelled corpus for calibrating the sniffer: random combinations of every pollution.

``pollute.cases`` writes each pollution alone; here each file draws all of them at random, on
a random slice of a clean table, so the sniffer is sometimes wrong, as calibration needs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace

from csv_assets_support.clean_tables import base_tables
from csv_assets_support.pollute import PREAMBLE, Case, Variant
from csv_assets_support.scripts import SCRIPTS, Script

SCRIPT_DRAW = ("western",) * 8 + tuple(name for name in SCRIPTS if name != "western")
"""Which script a file's text is in: Western in about half the files, each other one alike."""


def labelled_corpus(seed: int, count: int) -> Iterator[Case]:
    """``count`` files of random pollutions of random slices of the clean tables.

    Harder than ``cases``: tables of 2 to 84 rows, some cut to a few (maybe text-only)
    columns, their text in one of ``SCRIPTS`` and saved in one of its code pages or in
    Unicode, every pollution drawn at random and combined. For calibrating the sniffer's
    confidences: a decision stated at confidence c should be right about c of the time here,
    so the corpus must hold files where it is wrong. Two seeds give two disjoint corpora.
    """
    rng = random.Random(seed)
    made = 0
    while made < count:
        rows = rng.choice([2, 3, 5, 8, 12, 25, 40, 84])
        script = SCRIPTS[rng.choice(SCRIPT_DRAW)]
        tables = base_tables(rows, seed=rng.randrange(10**6), script=script)
        name, table = rng.choice(list(tables.items()))
        width = len(table[0])
        if width > 2 and rng.random() < 0.5:
            keep = sorted(rng.sample(range(width), rng.randrange(1, min(width, 6) + 1)))
            table = [[row[i] for i in keep] for row in table]
        variant = _random_variant(rng, len(table[0]), rows, script)
        if not variant.applies(table) or (variant.header_only and not variant.header):
            continue  # nothing to pollute, or an empty file
        if variant.footer:
            total = variant.delimiter.join(["Total", *[""] * (len(table[0]) - 1)])
            variant = replace(variant, footer=(total, f"Rows: {rows}"))
        data, clean, expected = variant.render(table)
        made += 1
        yield Case(f"{name}_{seed}_{made:05d}.csv", variant.category, data, expected, clean)


def _random_variant(rng: random.Random, width: int, rows: int, script: Script) -> Variant:
    delimiter = rng.choice([",", ",", ",", ";", ";", "\t", "|", ":", " "])
    legacy = rng.choice(script.codecs)
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", legacy, legacy, legacy])
    c1 = (
        rng.choice([None] * 6 + ["cp1252", "latin-1"])
        if encoding in ("cp1252", "latin-1")
        else None
    )
    escape = rng.random() < 0.1
    return Variant(
        "random",
        delimiter=delimiter,
        quotechar=rng.choice(['"', '"', '"', "'"]),
        escapechar="\\" if escape else None,
        quote_all=rng.random() < 0.1,
        line_terminator=rng.choice(["\r\n", "\n", "\n", "\r"]),
        encoding=c1 or encoding,
        header=rng.random() < 0.8,
        preamble=PREAMBLE[: rng.choice([0, 0, 0, 1, 2, 3, 5])],
        footer=("x",) if rng.random() < 0.1 else (),
        comments=rng.choice([0, 0, 0, 1, 3]),
        comment_prefixes=rng.choice([("#",), ("//",), ("#", "//")]),
        blank_lines=rng.choice([0, 0, 0, 1, 2]),
        broken_rows=rng.choice([0, 0, 0, 1, 2]) if rows > 3 else 0,
        padded_preamble=rng.random() < 0.3,
        padded_fields=delimiter != " " and rng.random() < 0.1,
        header_only=rng.random() < 0.03,
        duplicate_name=rng.random() < 0.1,
        group_row=width >= 3 and rng.random() < 0.05,
        second_table=rng.random() < 0.05,
        c1=c1,
        seed=rng.randrange(10**6),
    )
