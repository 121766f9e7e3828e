"""Detect a CSV file's text encoding from its first bytes: BOMs, UTF-16, UTF-8, legacy.

A BOM, UTF-16's zero bytes or valid UTF-8 sequences decide at once. Mostly valid UTF-8 with
a few broken bytes stays UTF-8, the broken bytes read as U+FFFD and said so. Anything else is
a legacy code page: Western (Excel's "CSV" is cp1252), Central European, Cyrillic, Greek,
Turkish, Chinese, Japanese or Korean, chosen by which reading looks most like writing
(``readings``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from csv_assets.pipeline.sniff.readings import best_reading

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
LEGACY_SCALE = 0.5
"""A legacy code page's raw confidence is below this; a Unicode decision's is above it."""
BROKEN_UTF8_SHARE = 0.05
"""UTF-8 with at most this share of its non-ASCII sequences broken is UTF-8, with U+FFFD."""


@dataclass(frozen=True)
class Encoding:
    """The codec, whether a BOM leads, how sure that is, and how undecodable bytes are read."""

    codec: str
    bom: bool
    confidence: float
    errors: str = "strict"
    replaced: int = 0
    """Bytes of the sample read as U+FFFD (``errors="replace"``)."""
    runner_up: str | None = None
    """The next most likely codec, if the bytes leave one."""


def detect_encoding(raw: bytes) -> Encoding:
    """The encoding of a file's first bytes."""
    for bom, codec in BOMS:
        if raw.startswith(bom):
            return Encoding(codec, True, 1.0)
    half = max(len(raw) // 2, 1)
    odd, even = raw[1::2].count(0), raw[0::2].count(0)
    if odd > half // 2:
        return Encoding("utf-16-le", False, odd / half, runner_up="utf-16-be")
    if even > half // 2:
        return Encoding("utf-16-be", False, even / half, runner_up="utf-16-le")
    if raw.isascii():
        return Encoding("utf-8", False, 1.0)
    broken, valid = _utf8_sequences(raw)
    if not broken:
        # Legacy text seldom forms valid UTF-8 sequences by chance: each one is evidence.
        return Encoding("utf-8", False, 1.0 - 0.5 ** (valid + 1), runner_up="cp1252")
    if valid and broken <= BROKEN_UTF8_SHARE * (valid + broken):
        return Encoding("utf-8", False, valid / (valid + broken), "replace", broken, "cp1252")
    return _legacy(raw)


def _utf8_sequences(raw: bytes) -> tuple[int, int]:
    """Broken and valid non-ASCII UTF-8 sequences (a character the sample's end cuts is neither)."""
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(raw, final=False)
    broken = text.count("\ufffd")
    return broken, len(text) - len(text.encode("ascii", "ignore")) - broken


def _legacy(raw: bytes) -> Encoding:
    """The code page whose reading of ``raw`` is the most plausible writing (``readings``).

    Its raw confidence stays below any Unicode decision's: a code page reads any bytes, so
    only how much less plausible the runner-up reads says how sure the choice is.
    """
    reading = best_reading(raw)
    evidence = 1.0 - 0.5**reading.margin
    return Encoding(reading.codec, False, LEGACY_SCALE * evidence, runner_up=reading.runner_up)


def decode_sample(raw: bytes, encoding: str, truncated: bool) -> str:
    """Decode a sample, dropping a BOM and, if the sample was cut, its partial last line."""
    text = raw.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if truncated:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    return text
