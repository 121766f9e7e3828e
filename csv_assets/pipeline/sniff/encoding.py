"""Detect a CSV file's text encoding from its first bytes: BOMs, UTF-16, UTF-8, legacy."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(raw: bytes) -> tuple[str, bool, float]:
    """Return (Python codec, has BOM, confidence) for a file's first bytes."""
    for bom, codec in BOMS:
        if raw.startswith(bom):
            return codec, True, 1.0
    if raw[1::2].count(0) > len(raw) // 4:
        return "utf-16-le", False, 0.9
    if raw[0::2].count(0) > len(raw) // 4:
        return "utf-16-be", False, 0.9
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sample's end is still UTF-8.
        if error.start < len(raw) - 3:
            return _guess_legacy(raw)
    return "utf-8", False, 1.0 if raw.isascii() else 0.99


def _guess_legacy(raw: bytes) -> tuple[str, bool, float]:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        best = from_bytes(raw).best()
        if best is None:
            return "latin-1", False, 0.5
        return best.encoding, False, 0.7
    # Excel's "CSV" export: cp1252 is a superset of latin-1's printable range.
    return "cp1252", False, 0.9


def decode_sample(raw: bytes, encoding: str, truncated: bool) -> str:
    """Decode a sample, dropping a BOM and, if the sample was cut, its partial last line."""
    text = raw.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if truncated:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    return text
