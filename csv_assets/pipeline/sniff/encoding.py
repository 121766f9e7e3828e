"""Detect a CSV file's text encoding from its first bytes: BOMs, UTF-16, UTF-8, legacy.

Western single-byte text is the usual legacy case (Excel's "CSV" is cp1252), and almost any
such text also decodes as some multi-byte encoding: ``Müller`` is two valid GB18030
characters. A multi-byte reading wins only when the bytes look like a multi-byte script (its
high bytes come in runs, not one accent between ASCII letters). Mostly valid UTF-8 with a few
broken bytes stays UTF-8, the broken bytes read as U+FFFD and said so.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MULTI_BYTE = frozenset(
    {"gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "shift_jis", "cp932",
     "euc_jp", "euc_jis_2004", "iso2022_jp", "euc_kr", "cp949", "johab", "hz"}
)  # fmt: skip
RUN_SHARE = 0.8
"""A multi-byte reading needs at least this share of high bytes next to another high byte."""
BROKEN_UTF8_SHARE = 0.05
"""UTF-8 with at most this share of its non-ASCII sequences broken is UTF-8, with U+FFFD."""
_HIGH_RUN = re.compile(rb"[\x80-\xff]{2,}")


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
    if raw[1::2].count(0) > half // 2:
        return Encoding("utf-16-le", False, raw[1::2].count(0) / half, runner_up="utf-16-be")
    if raw[0::2].count(0) > half // 2:
        return Encoding("utf-16-be", False, raw[0::2].count(0) / half, runner_up="utf-16-le")
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
    high = sum(b > 127 for b in raw)
    in_runs = sum(len(run) for run in _HIGH_RUN.findall(raw))
    if in_runs >= RUN_SHARE * high:
        best = from_bytes(raw).best()
        if best is not None and best.encoding in MULTI_BYTE:
            return Encoding(best.encoding, False, in_runs / high, runner_up="cp1252")
    # The Western reading: cp1252 where every byte is defined in it (its C1 range holds the
    # euro sign and typographic quotes), else latin-1, which defines every byte.
    isolated = 1.0 - in_runs / high if high else 1.0
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return Encoding("latin-1", False, isolated)
    return Encoding("cp1252", False, isolated, runner_up="latin-1")


def decode_sample(raw: bytes, encoding: str, truncated: bool) -> str:
    """Decode a sample, dropping a BOM and, if the sample was cut, its partial last line."""
    text = raw.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if truncated:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    return text
