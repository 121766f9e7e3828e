"""Turn columns of cell text into typed pandas columns, vectorised, noting every cell that fails."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from csv_assets.pipeline.cells import FALSE_TOKENS, TRUE_TOKENS, NumberStyle
from csv_assets.pipeline.columns import ColumnSpec

_BOOLEANS = {
    **dict.fromkeys(TRUE_TOKENS | {"1"}, True),
    **dict.fromkeys(FALSE_TOKENS | {"0"}, False),
}


def coerce_column(
    text: pd.Series, column: ColumnSpec, style: NumberStyle, date_format: str | None
) -> tuple[pd.Series, pd.Series]:
    """Convert ``text`` (object Series, ``None`` for missing) to ``column``'s kind.

    Returns:
        The typed Series and a boolean mask of cells that held text but could not be converted.
    """
    present = text.notna()
    if column.kind == "string":
        return text, pd.Series(False, index=text.index)
    if column.kind in ("integer", "float", "decimal"):
        typed = _numbers(text, column, style)
    elif column.kind == "boolean":
        typed = text.str.strip().str.lower().map(_BOOLEANS).astype("boolean")
    elif column.kind in ("date", "datetime"):
        typed = _timestamps(text, column, date_format)
    else:
        typed = pd.to_datetime(text, format="%H:%M:%S", errors="coerce").dt.time
    return typed, present & typed.isna()


def _numbers(text: pd.Series, column: ColumnSpec, style: NumberStyle) -> pd.Series:
    cleaned = text.str.strip()
    if style.thousands:
        cleaned = cleaned.str.replace(style.thousands, "", regex=False)
    if style.decimal != ".":
        cleaned = cleaned.str.replace(style.decimal, ".", regex=False)
    if column.kind == "decimal":
        return cleaned.map(lambda v: _decimal(v, column), na_action="ignore")
    numbers = pd.to_numeric(cleaned, errors="coerce")
    if column.kind == "float":
        return numbers.astype("float64")
    integral = numbers.where(np.isfinite(numbers) & (numbers == np.floor(numbers)))
    return integral.astype("Int64")


def _decimal(value: str, column: ColumnSpec) -> Decimal | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    scale = column.scale or 0
    digits = len(number.as_tuple().digits)
    exponent = int(number.as_tuple().exponent)
    if -exponent > scale or digits + exponent > (column.precision or 18) - scale:
        return None
    return number


def _timestamps(text: pd.Series, column: ColumnSpec, date_format: str | None) -> pd.Series:
    stripped = text.str.strip()
    fmt = date_format or "ISO8601"
    parsed = pd.to_datetime(stripped, format=fmt, errors="coerce", utc=True)
    if column.kind == "date":
        return parsed.dt.date.astype(object).where(parsed.notna(), None)
    return parsed if column.timezone else parsed.dt.tz_localize(None)
