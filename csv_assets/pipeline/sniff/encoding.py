"""Detect a CSV file's text encoding from its first bytes: BOMs, UTF-16, UTF-8, legacy.

Western single-byte text is the usual legacy case (Excel's "CSV" is cp1252), and almost any
such text also decodes as some multi-byte encoding: ``Müller`` is two valid GB18030
characters. A multi-byte reading wins only when the text does not read as accents inside
Latin words and the multi-byte reading's characters do not sit between Latin letters. Mostly
valid UTF-8 with a few broken bytes stays UTF-8, the broken bytes read as U+FFFD and said so.
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
WESTERN_SHARE = 0.6
"""Text whose non-ASCII letters touch a Latin letter at least this often is Western; a
multi-byte reading needs its characters to touch one less than half as often."""
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
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
    western = _in_words(raw.decode("latin-1"), letters_only=True)
    if western < WESTERN_SHARE:
        # Not accented letters inside Latin words: perhaps a multi-byte script.
        best = from_bytes(raw).best()
        if best is not None and best.encoding in MULTI_BYTE:
            mixed = _in_words(str(best), letters_only=False)
            if mixed < WESTERN_SHARE / 2:
                return Encoding(best.encoding, False, 1.0 - mixed, runner_up="cp1252")
    # The Western reading: cp1252 where every byte is defined in it (its C1 range holds the
    # euro sign and typographic quotes), else latin-1, which defines every byte.
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return Encoding("latin-1", False, western)
    return Encoding("cp1252", False, western, runner_up="latin-1")


def _in_words(text: str, *, letters_only: bool) -> float:
    """The share of non-ASCII characters that touch an ASCII letter (``Müller``, ``Köln``).

    Western text puts its accented letters inside Latin words; a multi-byte script's
    characters sit among their own kind, and text misread as one (GB18030 from ``Müller``)
    leaves them between Latin letters again. ``letters_only`` counts only letters.
    """
    touching = total = 0
    for match in _NON_ASCII.finditer(text):
        total += 1
        index = match.start()
        if letters_only and not match.group().isalpha():
            continue
        before = text[index - 1 : index]
        after = text[index + 1 : index + 2]
        touching += (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())
    return touching / total if total else 1.0


def decode_sample(raw: bytes, encoding: str, truncated: bool) -> str:
    """Decode a sample, dropping a BOM and, if the sample was cut, its partial last line."""
    text = raw.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if truncated:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    return text
