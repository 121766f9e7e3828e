"""Choose a legacy code page: read the bytes in each, keep the reading that looks most written.

Every code page a partner's system is likely to use reads the sample; readings that fail to
decode drop out and equal readings count once. Each reading is scored by its implausible
characters (``alphabets``), and the best one wins, ties going to the more common code page.
How many more implausible characters the runner-up has is the evidence: none means the bytes
leave the choice open, a dozen means the file could be nothing else.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from csv_assets.pipeline.sniff.alphabets import FAMILIES, implausible

CANDIDATES = (
    "cp1252",
    "latin-1",
    "cp1250",
    "iso8859-2",
    "cp1251",
    "koi8-r",
    "cp1253",
    "iso8859-7",
    "cp1254",
    "iso8859-9",
    "cp949",
    "gb18030",
    "cp932",
    "euc-jp",
    "big5",
)
"""Code pages in the order a tie goes: Western first, then the single-byte scripts, then
the multi-byte ones (Korean before Chinese: hangul read as GB2312 are common hanzi too)."""
OTHER_THAN_WESTERN = 0.5
"""Implausible characters a reading in another code page than a Western one starts with:
Western files are the most common by far, so another reading must be clearly better."""
SCORED_CHARACTERS = 4000
"""The characters of each reading that are scored: plenty of evidence, a bounded cost."""


@dataclass(frozen=True)
class Reading:
    """The code page chosen, the runner-up, and how many implausible characters apart."""

    codec: str
    runner_up: str | None
    margin: float


def best_reading(raw: bytes) -> Reading:
    """The code page that reads ``raw`` as the most plausible writing."""
    scored: dict[str, tuple[float, int, str]] = {}
    for order, codec in enumerate(CANDIDATES):
        try:
            text = codecs.getincrementaldecoder(codec)().decode(raw, final=False)
        except UnicodeDecodeError:
            continue
        sample = text[:SCORED_CHARACTERS]
        western = FAMILIES.get(codec) == "western"
        bad = implausible(sample, codec) + (0 if western else OTHER_THAN_WESTERN)
        if sample not in scored or bad < scored[sample][0]:
            scored[sample] = (bad, scored.get(sample, (0, order))[1], codec)
    ranked = sorted(scored.values())
    bad, _, codec = ranked[0]
    if len(ranked) == 1:
        return Reading(codec, None, SCORED_CHARACTERS)
    runner_bad, _, runner_up = ranked[1]
    return Reading(codec, runner_up, runner_bad - bad)
