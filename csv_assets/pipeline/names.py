# ruff: noqa: RUF001, RUF003  (Cyrillic and Greek letters look like Latin ones by design)
"""Column names: header cells as unique lowercase SQL identifiers, and the cells that collide.

Letters outside ASCII are spelled in ASCII as people spell them (``Straße`` -> ``strasse``,
``Æble`` -> ``aeble``, ``Łódź`` -> ``lodz``); accents are dropped (``Nöte`` -> ``note``);
Cyrillic and Greek are transliterated as passports do (``сумма`` -> ``summa``, ``Πόλη`` ->
``poli``). Other scripts (Chinese, Japanese, Korean...) have no short spelling and name the
column by its position (``column_3``); the header cell stays beside it as the raw name. Two
cells that come out as one name are told apart, and the cell that was already that name keeps
it: in ``Nöte,note`` the column ``note`` is ``note`` and ``Nöte`` is ``note_2``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence

MAX_NAME = 60

_TRANSLITERATED: dict[str, str] = {
    # Cyrillic (ICAO 9303, as passports spell Russian, Ukrainian, Belarusian, Bulgarian and
    # Serbian names); й, ё, ї, ў are и, е, і, у with a mark, which decomposition drops.
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "ђ": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "ѕ": "dz", "и": "i", "і": "i", "ј": "j", "к": "k", "л": "l",
    "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "ћ": "c", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "џ": "dz",
    "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Greek (ELOT 743, as Greek passports spell names); accents decompose and drop.
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r",
    "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip
"""Lower-case Cyrillic and Greek letters in ASCII; the capitals are spelled alike."""

# Letters Unicode does not decompose into a base letter and a mark, as they are spelled in ASCII.
_SPELLED = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "\u0131": "i",  # dotless i
        **{
            letter: spelled
            for lower, spelled in _TRANSLITERATED.items()
            for letter in (lower, lower.upper())
        },
    }
)


def fold(cell: str, position: int, *, spell: bool = True) -> str:
    """``cell`` as a lowercase SQL identifier before it is made unique (``column_N`` if empty).

    ``spell=False`` drops the letters of ``_SPELLED`` instead, as versions before 0.3 did
    (``Straße`` -> ``strae``, ``сумма`` -> ``column_N``): a model written then still finds
    its columns.
    """
    text = unicodedata.normalize("NFKD", cell)
    if spell:
        text = text.translate(_SPELLED)
    ascii_text = text.encode("ascii", "ignore").decode()
    name = re.sub(r"[^0-9a-zA-Z]+", "_", ascii_text).strip("_").lower() or f"column_{position}"
    if name[0].isdigit():
        name = f"c_{name}"
    return name[:MAX_NAME]


def safe_names(raw: Iterable[str]) -> tuple[str, ...]:
    """Turn header cells into unique lowercase SQL identifiers (``Order ID`` -> ``order_id``).

    Where cells fold to one name, the cell that is that name already keeps it (else the first);
    the others get ``_2``, ``_3``... in header order, skipping names another cell has.
    """
    cells = list(raw)
    folded = [fold(cell, i) for i, cell in enumerate(cells, start=1)]
    owners: dict[str, int] = {}
    for i, name in enumerate(folded):
        if name not in owners or (cells[i] == name and cells[owners[name]] != name):
            owners[name] = i
    taken = set(folded)
    names: list[str] = []
    for i, name in enumerate(folded):
        if owners[name] == i:
            names.append(name)
            continue
        n = 2
        while f"{name}_{n}" in taken:
            n += 1
        taken.add(f"{name}_{n}")
        names.append(f"{name}_{n}")
    return tuple(names)


def collisions(raw: Sequence[str], names: Sequence[str]) -> list[str]:
    """One sentence per group of header cells that fold to one name, saying who got which.

    Args:
        raw: The header's cells.
        names: Their column names, from ``safe_names(raw)``.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for i, cell in enumerate(raw, start=1):
        groups[fold(cell, i)].append(i - 1)
    notes = []
    for name, members in groups.items():
        if len(members) > 1:
            said = ", ".join(f"{raw[i]!r} (column {i + 1}) is {names[i]}" for i in members)
            notes.append(f"header cells that read alike as {name!r}: {said}")
    return notes
