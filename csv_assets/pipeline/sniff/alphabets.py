"""How implausible a text is as writing in the languages a code page serves.

Bytes of one code page read in another still decode, but into writing nobody uses: letters
no language puts in one word (``Dvoøák`` for ``Dvořák``), symbols inside words (``Wroc³aw``),
capitals inside lower-case words (KOI8-R read as Windows-1251), scripts mixed in a word, or,
read as a multi-byte code page, ideographs between Latin letters and characters far outside
the language's common set. Each such character counts one; the reading with the fewest is
the one the file was written in.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from functools import cache

WESTERN = (
    "àâæçéèêëîïôœùûüÿ",  # French
    "äöüß",  # German
    "áéíñóúü",  # Spanish
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíîòóùú",  # Italian
    "áéèëïóöüú",  # Dutch
    "æøåé",  # Danish, Norwegian
    "åäöéšž",  # Swedish, Finnish
    "àçèéíïòóúü",  # Catalan
)
CENTRAL = (
    "ąćęłńóśźż",  # Polish
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "áéíóöőúüű",  # Hungarian
    "čćđšž",  # Slovene, Croatian
    "ăâîşţșț",  # Romanian
    "äöüß",  # German
)
TURKISH = ("çğıöşüâîû\u0307",)  # U+0307: the dot "İ".lower() keeps
ALPHABETS: dict[str, tuple[frozenset[str], ...]] = {
    family: tuple(frozenset(letters) for letters in languages)
    for family, languages in (("western", WESTERN), ("central", CENTRAL), ("turkish", TURKISH))
}
"""Per Latin code-page family, the non-ASCII lower-case letters of each language it serves."""
FAMILIES = {
    "cp1252": "western",
    "latin-1": "western",
    "cp1250": "central",
    "iso8859-2": "central",
    "cp1254": "turkish",
    "iso8859-9": "turkish",
    "cp1251": "cyrillic",
    "koi8-r": "cyrillic",
    "cp1253": "greek",
    "iso8859-7": "greek",
}
"""The single-byte code pages the sniffer tells apart, by the writing they serve."""
UNIT_SIGNS = frozenset("°²³µ")
"""Signs that stand beside a letter in ordinary text (``25°C``, ``m²``)."""
TEXT_SIGNS = frozenset("©®™°§¶•€£¥¢±×÷…–—‘’‚“”„«»‹›·¬¦†‡‰")  # noqa: RUF001
"""Signs ordinary text holds; other symbols (box drawing, a code page's graphics) are not."""
TONOS = frozenset("άέήίόύώΆΈΉΊΌΎΏΐΰ")
ONE_LETTER_WORDS = frozenset("ваикосуяοηάή")
"""Greek and Cyrillic words of one letter; any other lone letter is a stray byte."""
FREQUENT = {
    "cyrillic": (frozenset("оеаинтсрвл"), range(0x400, 0x500)),
    "greek": (frozenset("αοιετσνηυράέίόςή"), range(0x370, 0x400)),
}
"""Per script, its most frequent letters (over half of real text's letters, a fifth or so of a
misread's: KOI8-R read as Windows-1251 is all letters, of all the wrong kinds), and where
its letters are."""
FREQUENT_SHARE = 0.4
"""The share of frequent letters below which each missing one counts as implausible."""
MIXED = 2
"""Implausible characters a letter of one script inside a word of another counts for."""
EXTRA_LANGUAGE = 0.5
"""Implausible characters each further language a file's words need counts for."""
_WORD = re.compile(r"[^\W\d_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ACCENT_RUN = re.compile(r"[^\W\d_a-zA-Z]{3}")
"""Three accented letters in a row: no Latin-script language writes that (``çàêàç`` is
``заказ`` in Windows-1251 read as Windows-1252)."""
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")


def implausible_single_byte(text: str, codec: str) -> float:
    """Characters of ``text`` that are unlikely writing for ``codec``'s languages."""
    family = FAMILIES[codec]
    alphabets = ALPHABETS.get(family)
    bad: float = _stray_signs(text)
    letter_sets: list[frozenset[str]] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        foreign = sum(not ch.isascii() for ch in word)
        if alphabets is not None:
            letters = frozenset(ch for ch in word.lower() if not ch.isascii())
            if _ACCENT_RUN.search(word) or not any(letters <= alphabet for alphabet in alphabets):
                bad += foreign
            else:
                letter_sets.append(letters)
        elif any(ch.isascii() for ch in word):
            bad += MIXED * foreign  # Latin letters glued to Greek or Cyrillic ones
        elif len(word) == 1 and word.lower() not in ONE_LETTER_WORDS:
            bad += 1
        bad += _miscased(word)
        if family == "greek":
            bad += ("ς" in word[:-1]) + max(sum(ch in TONOS for ch in word) - 1, 0)
    if family in FREQUENT:
        bad += _infrequent(text, *FREQUENT[family])
    if alphabets is not None:
        bad += EXTRA_LANGUAGE * _languages_needed(letter_sets, alphabets)
    return bad


def _stray_signs(text: str) -> int:
    """Signs no text holds (control codes, box drawing), and signs inside words (``Wroc³aw``)."""
    bad = 0
    for match in _NON_ASCII.finditer(text):
        ch = match.group()
        if ch.isalpha():
            continue
        index = match.start()
        before, after = text[index - 1 : index], text[index + 1 : index + 2]
        beside = before.isalpha() + after.isalpha()
        odd = not ch.isprintable() or (unicodedata.category(ch)[0] == "S" and ch not in TEXT_SIGNS)
        bad += odd or beside == 2 or (beside and ch not in UNIT_SIGNS)
    return bad


def _languages_needed(
    letter_sets: list[frozenset[str]], alphabets: tuple[frozenset[str], ...]
) -> int:
    """Languages beyond the first that the words need, chosen greedily.

    A file is mostly in one language; a misread scatters its words over several
    (``Ýstanbul`` Czech, ``Ţule`` Romanian, for ``İstanbul`` and ``Şule``).
    """
    left = {letters for letters in letter_sets if letters}
    needed = 0
    while left:
        best = max(alphabets, key=lambda alphabet: sum(sets <= alphabet for sets in left))
        left = {letters for letters in left if not letters <= best}
        needed += 1
    return max(needed - 1, 0)


def _infrequent(text: str, frequent: frozenset[str], script: range) -> int:
    """How far the text's letters of ``script`` fall short of its ``frequent`` share."""
    letters = [ch for ch in text.lower() if ord(ch) in script]
    found = sum(ch in frequent for ch in letters)
    return round(max(FREQUENT_SHARE * len(letters) - found, 0))


def _miscased(word: str) -> int:
    """Capitals right after a small letter (``иВАН``), as a code page's swapped cases make."""
    return sum(a.islower() and b.isupper() for a, b in itertools.pairwise(word))


def implausible_multi_byte(text: str, codec: str) -> int:
    """Characters of ``text`` that are unlikely writing for a CJK ``codec``.

    Those beside a Latin letter (Western text read as pairs of bytes), those outside the
    language's common set, and its punctuation and signs away from its writing (a full-width
    sign alone among ASCII is two stray bytes).
    """
    common = COMMON[codec]
    bad = 0
    for match in _NON_ASCII.finditer(text):
        index = match.start()
        ch, before, after = match.group(), text[index - 1 : index], text[index + 1 : index + 2]
        latin = _LATIN.match(before) or _LATIN.match(after)
        writing = any(c.isalpha() and not c.isascii() for c in before + after)
        alone = not ch.isalpha() and not writing
        bad += bool(latin) or alone or not common(ch)
    return bad


def _rows(codec: str, *ranges: range) -> Callable[[str], bool]:
    """Whether a character's lead byte in ``codec`` falls in one of ``ranges``."""

    @cache
    def common(ch: str) -> bool:
        try:
            lead = ch.encode(codec)[0]
        except UnicodeEncodeError:
            return False
        return any(lead in r for r in ranges)

    return common


_PUNCTUATION = range(0xA1, 0xA4)
"""Rows 1 to 3 of the EUC-style code pages: punctuation, symbols, full-width letters."""
_gb_common = _rows("gb2312", _PUNCTUATION, range(0xB0, 0xD8))  # level 1 hanzi
_big5_common = _rows("big5", range(0xA1, 0xA3), range(0xA4, 0xC7))  # frequent hanzi
_jis_common = _rows("euc_jp", _PUNCTUATION, range(0xB0, 0xD0))  # level 1 kanji
_ks_common = _rows("euc_kr", _PUNCTUATION, range(0xB0, 0xC9))  # the 2,350 hangul


def _kana_or(kanji: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda ch: "\u3041" <= ch <= "\u30ff" or kanji(ch)


COMMON: dict[str, Callable[[str], bool]] = {
    "gb18030": _gb_common,
    "big5": _big5_common,
    "cp932": _kana_or(_jis_common),
    "euc-jp": _kana_or(_jis_common),
    "cp949": _ks_common,
}
"""Per multi-byte code page, whether a character is in its language's common set."""


def implausible(text: str, codec: str) -> float:
    """Characters of ``text`` that are unlikely writing for ``codec``."""
    if codec in COMMON:
        return implausible_multi_byte(text, codec)
    return implausible_single_byte(text, codec)
