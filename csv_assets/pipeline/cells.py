"""What a cell's text is: null, number, boolean, date, datetime."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

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
_NUMBER_START = frozenset("+-.,0123456789")
_VALUE_START = re.compile(r"^\s*[+-]?[\d.,]*\d")


@dataclass(frozen=True)
class NumberStyle:
    """How numbers are written in a file."""

    decimal: str = "."
    thousands: str | None = None


@dataclass(frozen=True)
class ColumnGuess:
    """The type a column's values share, with the share of non-null values that agree.

    Attributes:
        kind: The column's kind.
        format: The date or datetime format, or a note (``leading zeros``).
        confidence: The share of present cells of the kind (split where formats tie).
        precision: Digits in all, for decimals.
        scale: Digits after the decimal mark, for decimals.
        nulls: Cells that were empty or a null token.
    """

    kind: Kind
    format: str | None
    confidence: float
    precision: int | None = None
    scale: int | None = None
    nulls: int = 0


def plain_number(text: pa.Array, style: NumberStyle) -> pa.Array:
    """Rewrite numbers in ``style`` as plain ``1234.5`` text (thousands gone, decimal point)."""
    if style.thousands:
        text = pc.replace_substring(text, style.thousands, "")
    if style.decimal != ".":
        text = pc.replace_substring(text, style.decimal, ".")
    return text


def starts_like_value(text: str) -> bool:
    """Whether ``text`` opens like a number or a date (digits, maybe a sign), not a name."""
    return bool(_VALUE_START.match(text))


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
        if not t or t[0] not in _NUMBER_START:
            continue  # a name, a date written with letters: no vote
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
