"""What a cell's text is (null, number, boolean, date, datetime) and safe column names."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Kind = Literal["integer", "decimal", "float", "boolean", "date", "datetime", "time", "string"]

NULL_TOKENS: frozenset[str] = frozenset(
    {"", "NULL", "null", "Null", "N/A", "n/a", "NA", "#N/A", "None", "nan", "NaN", "\\N", "-"}
)
"""Cell texts read as missing. ``-`` and ``NA`` count only where the column is otherwise typed."""

WEAK_NULL_TOKENS: frozenset[str] = frozenset({"-", "NA", "None"})

TRUE_TOKENS: frozenset[str] = frozenset({"true", "t", "yes", "y"})
FALSE_TOKENS: frozenset[str] = frozenset({"false", "f", "no", "n"})

DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%Y%m%d",
    "%d.%m.%y",
    "%d %b %Y",
    "%b %d, %Y",
)
DATETIME_FORMATS: tuple[str, ...] = tuple(
    f"{date}{sep}{time}"
    for date in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d")
    for sep in (" ", "T")
    for time in ("%H:%M:%S", "%H:%M", "%H:%M:%S.%f")
)
ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$"
)

_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL_POINT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+)$")
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d+,\d*|,\d+)$")
_THOUSANDS = {
    ",": re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"),
    ".": re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$"),
    " ": re.compile(r"^[+-]?\d{1,3}( \d{3})+([.,]\d+)?$"),
    "'": re.compile(r"^[+-]?\d{1,3}('\d{3})+(\.\d+)?$"),
}
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$|^[+-]?(inf|Infinity)$")
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


@dataclass(frozen=True)
class NumberStyle:
    """How numbers are written in a file."""

    decimal: str = "."
    thousands: str | None = None


@dataclass(frozen=True)
class ColumnGuess:
    """The type a column's values share, with the share of non-null values that agree."""

    kind: Kind
    format: str | None
    confidence: float


def is_null(text: str, *, weak: bool = False) -> bool:
    """Return whether ``text`` means missing; ``weak`` admits ``-``, ``NA`` and ``None`` too."""
    stripped = text.strip()
    if stripped in WEAK_NULL_TOKENS:
        return weak
    return stripped in NULL_TOKENS


def number_kind(text: str, style: NumberStyle) -> Kind | None:
    """Return ``integer``, ``decimal`` or ``float`` if ``text`` is a number in ``style``."""
    t = text.strip()
    if _INTEGER.match(t):
        return "integer"
    if style.thousands and _THOUSANDS[style.thousands].match(t):
        return "integer" if style.decimal not in t else "decimal"
    pattern = _DECIMAL_COMMA if style.decimal == "," else _DECIMAL_POINT
    if pattern.match(t):
        return "decimal"
    if _FLOAT.match(t):
        return "float"
    return None


def guess_number_style(cells: Iterable[str], delimiter: str) -> NumberStyle:
    """Infer the decimal and thousands separators from the numbers seen in a file."""
    votes: Counter[str] = Counter()
    for cell in cells:
        t = cell.strip()
        if _DECIMAL_COMMA.match(t) and delimiter != ",":
            votes["decimal_comma"] += 1
        elif _DECIMAL_POINT.match(t):
            votes["decimal_point"] += 1
        elif _THOUSANDS["."].match(t) and "," in t:
            votes["thousands_dot"] += 1
        elif _THOUSANDS[","].match(t):
            votes["thousands_comma"] += 1
    if votes["decimal_comma"] + votes["thousands_dot"] > votes["decimal_point"]:
        return NumberStyle(decimal=",", thousands="." if votes["thousands_dot"] else None)
    return NumberStyle(decimal=".", thousands="," if votes["thousands_comma"] else None)


def _parses(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def guess_temporal_format(values: list[str]) -> tuple[Kind, str] | None:
    """Return the date or datetime format every value in ``values`` parses with, if any."""
    if not values:
        return None
    if all(ISO_DATETIME.match(v) for v in values):
        if all(len(v) == 10 for v in values):
            return ("date", "%Y-%m-%d")
        return ("datetime", "ISO8601")
    for kind, formats in (("date", DATE_FORMATS), ("datetime", DATETIME_FORMATS)):
        for fmt in formats:
            if all(_parses(v, fmt) for v in values):
                return (kind, fmt)  # type: ignore[return-value]
    if all(_TIME.match(v) for v in values):
        return ("time", "%H:%M:%S")
    return None


def guess_column(values: list[str], style: NumberStyle) -> ColumnGuess:
    """Guess a column's kind from its non-null cell texts; confidence is the agreeing share."""
    present = [v.strip() for v in values if not is_null(v)]
    if not present:
        return ColumnGuess("string", None, 0.0)
    lowered = {v.lower() for v in present}
    if lowered <= TRUE_TOKENS | FALSE_TOKENS | {"0", "1"} and lowered - {"0", "1"}:
        return ColumnGuess("boolean", None, 1.0)
    kinds = Counter(number_kind(v, style) for v in present)
    numeric = sum(n for k, n in kinds.items() if k is not None)
    if numeric == len(present):
        kind: Kind = "integer" if set(kinds) == {"integer"} else "decimal"
        if "float" in kinds:
            kind = "float"
        return ColumnGuess(kind, None, 1.0)
    temporal = guess_temporal_format(present[:200])
    if temporal is not None:
        return ColumnGuess(temporal[0], temporal[1], 1.0)
    return ColumnGuess("string", None, 1.0 - numeric / len(present) / 2)


def safe_names(raw: Iterable[str]) -> tuple[str, ...]:
    """Turn header cells into unique lowercase SQL identifiers (``Order ID`` -> ``order_id``)."""
    names: list[str] = []
    seen: Counter[str] = Counter()
    for position, cell in enumerate(raw, start=1):
        ascii_text = unicodedata.normalize("NFKD", cell).encode("ascii", "ignore").decode()
        name = re.sub(r"[^0-9a-zA-Z]+", "_", ascii_text).strip("_").lower() or f"column_{position}"
        if name[0].isdigit():
            name = f"c_{name}"
        name = name[:60]
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return tuple(names)
