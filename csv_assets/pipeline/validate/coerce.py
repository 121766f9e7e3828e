"""Turn columns of cell text into typed Arrow arrays, vectorised, noting every cell that fails.

Each kind is checked by a pattern first and cast second, so one bad cell costs its row, not
the chunk: a cell that fails the pattern is null in the typed array and ``True`` in the mask.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from csv_assets.pipeline.cells import FALSE_TOKENS, TRUE_TOKENS, NumberStyle, plain_number
from csv_assets.pipeline.validate.columns import ColumnSpec

MAX_INTEGER_DIGITS = 18  # every 18-digit integer fits a BIGINT
_INTEGER = r"^[+-]?\d{1,18}(\.0*)?$"
_FLOAT = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(?i:inf|infinity|nan)$"
_TRUE = pa.array(sorted(TRUE_TOKENS | {"1"}))
_BOOLEAN = pa.array(sorted(TRUE_TOKENS | FALSE_TOKENS | {"0", "1"}))


def null_tokens(text: pa.Array, tokens: frozenset[str]) -> tuple[pa.Array, pa.Array]:
    """Replace cells whose trimmed text is a null token with null.

    Returns:
        The text, and the same trimmed of surrounding whitespace, both with nulls for tokens.
    """
    trimmed = pc.utf8_trim_whitespace(text)
    shortest = pc.min(pc.binary_length(trimmed)).as_py()
    if shortest is None or shortest > max(map(len, tokens), default=0):
        return text, trimmed  # no cell is short enough to be a token: the common case
    missing = pc.is_in(trimmed, value_set=pa.array(sorted(tokens)))
    if not pc.any(missing).as_py():
        return text, trimmed
    null = pa.scalar(None, pa.string())
    return pc.if_else(missing, null, text), pc.if_else(missing, null, trimmed)


def coerce_column(
    text: pa.Array,
    column: ColumnSpec,
    style: NumberStyle,
    date_format: str | None,
    trimmed: pa.Array | None = None,
) -> tuple[pa.Array, np.ndarray]:
    """Convert ``text`` (strings, null for missing) to ``column``'s kind.

    ``trimmed`` is ``text`` without surrounding whitespace, if the caller has it already.

    Returns:
        The typed array (null where missing or invalid) and a boolean mask of the cells that
        held text but could not be converted.
    """
    if column.kind == "string":
        return text, np.zeros(len(text), dtype=bool)
    if trimmed is None:
        trimmed = pc.utf8_trim_whitespace(text)
    if column.kind in ("integer", "float", "decimal"):
        trimmed = plain_number(trimmed, style)
        direct = _direct_number(trimmed, column)
        if direct is not None:
            return direct, np.zeros(len(text), dtype=bool)
    if column.kind == "boolean":
        lowered = pc.utf8_lower(trimmed)
        known = pc.is_in(lowered, value_set=_BOOLEAN)
        # is_in says false, not null, for a missing cell: missing is not invalid.
        valid = pc.or_(known, pc.is_null(lowered))
        typed = pc.if_else(known, pc.is_in(lowered, value_set=_TRUE), pa.scalar(None, pa.bool_()))
    elif column.kind in ("date", "datetime", "time"):
        return _temporal(trimmed, column, date_format)
    else:
        valid = pc.match_substring_regex(trimmed, _number_pattern(column))
        kept = pc.if_else(valid, trimmed, pa.scalar(None, pa.string()))
        if column.kind == "integer" and pc.any(pc.match_substring(kept, ".")).as_py():
            kept = pc.replace_substring_regex(kept, r"\.0*$", "")
        if column.kind == "integer" and _holds_any(kept, b"+"):
            kept = pc.replace_substring_regex(kept, r"^\+", "")  # Arrow's integers take no +
        typed = pc.cast(kept, _arrow_type(column))
    bad = pc.fill_null(pc.invert(valid), False)
    return typed, bad.to_numpy(zero_copy_only=False)


def _direct_number(text: pa.Array, column: ColumnSpec) -> pa.Array | None:
    """Every cell cast at once, when the cast accepts exactly what the patterns accept.

    Arrow's parsers take a subset of what the patterns do, but for a few forms: hexadecimal
    (``0x1A``) and 19-digit integers, and ``nan(...)`` for floats. A column holding any of
    those (or any cell Arrow refuses) goes the pattern's way; ``None`` says so.
    """
    if column.kind == "integer":
        longest = pc.max(pc.binary_length(text)).as_py()
        if longest is None or longest > MAX_INTEGER_DIGITS or _holds_any(text, b"xX"):
            return None
    elif column.kind != "float" or _holds_any(text, b"("):
        return None
    try:
        return pc.cast(text, _arrow_type(column))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _holds_any(text: pa.Array, characters: bytes) -> bool:
    """Whether the array's text bytes hold any of ``characters`` (ASCII); one pass, no copy.

    The whole data buffer is read, so bytes outside the array's slice can say yes: that only
    sends the column the careful way.
    """
    data = text.buffers()[2]
    if data is None:
        return False
    view = np.frombuffer(data, np.uint8)
    return bool(np.isin(view, np.frombuffer(characters, np.uint8)).any())


def _number_pattern(column: ColumnSpec) -> str:
    if column.kind == "integer":
        return _INTEGER
    if column.kind == "float":
        return _FLOAT
    scale = column.scale or 0
    whole = (column.precision or 18) - scale
    if scale == 0:
        return rf"^[+-]?\d{{1,{whole}}}\.?0*$"
    return rf"^[+-]?(\d{{1,{whole}}}(\.\d{{0,{scale}}}0*)?|\.\d{{1,{scale}}}0*)$"


def _arrow_type(column: ColumnSpec) -> pa.DataType:
    """The Arrow type holding a column of this kind exactly."""
    if column.kind == "decimal":
        return pa.decimal128(column.precision or 18, column.scale or 0)
    return {
        "integer": pa.int64(),
        "float": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us", tz="UTC" if column.timezone else None),
        "time": pa.time64("us"),
        "string": pa.string(),
    }[column.kind]


def _temporal(
    text: pa.Array, column: ColumnSpec, date_format: str | None
) -> tuple[pa.Array, np.ndarray]:
    """Parse with Arrow when every cell parses, else with pandas, which marks each bad cell."""
    if column.kind != "time":
        try:
            return _arrow_temporal(text, column, date_format)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return _pandas_temporal(text, column, date_format)


def _arrow_temporal(
    text: pa.Array, column: ColumnSpec, date_format: str | None
) -> tuple[pa.Array, np.ndarray]:
    """Arrow's ISO-8601 cast or ``strptime``: about 10x pandas, but all or nothing."""
    if date_format in (None, "ISO8601"):
        parsed = _iso_cast(text, column)
    else:
        parsed = pc.strptime(text, format=date_format, unit="us")
    if column.kind == "date":
        return _whole_days(parsed)
    if column.timezone and parsed.type.tz is None:
        parsed = pc.assume_timezone(parsed, "UTC")
    return pc.cast(parsed, _arrow_type(column)), np.zeros(len(text), dtype=bool)


def _iso_cast(text: pa.Array, column: ColumnSpec) -> pa.Array:
    """ISO-8601 text as timestamps; a date column's cells may carry a time and an offset too.

    Raises:
        ArrowInvalid: A cell is not ISO-8601 (or lacks the offset a zoned column needs).
    """
    if column.timezone:
        return pc.cast(text, pa.timestamp("us", tz="UTC"))
    if column.kind == "date":
        try:
            return pc.cast(text, pa.timestamp("us"))
        except pa.ArrowInvalid:
            return pc.cast(text, pa.timestamp("us", tz="UTC"))
    return pc.cast(text, pa.timestamp("us"))


def _pandas_temporal(
    text: pa.Array, column: ColumnSpec, date_format: str | None
) -> tuple[pa.Array, np.ndarray]:
    """Pandas' C parser with ``errors="coerce"``: a bad cell becomes null and is marked."""
    series = pd.Series(text.to_numpy(zero_copy_only=False), dtype=object)
    if column.kind == "time":
        parsed = _times(text, series, date_format)
        typed = pa.array(parsed.dt.time.where(parsed.notna(), None), pa.time64("us"))
    else:
        fmt = date_format or "ISO8601"
        parsed = pd.to_datetime(series, format=fmt, errors="coerce", utc=True)
        if not column.timezone or column.kind == "date":
            parsed = parsed.dt.tz_localize(None)
        zone = "UTC" if parsed.dt.tz is not None else None
        typed = pa.array(parsed, pa.timestamp("us", tz=zone))
        if column.kind == "date":
            days, cut = _whole_days(typed)
            return days, (series.notna().to_numpy() & parsed.isna().to_numpy()) | cut
    bad = series.notna().to_numpy() & parsed.isna().to_numpy()
    return typed, bad


def _whole_days(parsed: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Timestamps as dates; one with a time of day would lose it: null, and marked bad."""
    if parsed.type.tz is not None:
        parsed = pc.cast(parsed, pa.timestamp("us"))  # UTC, as the day is taken
    days = pc.cast(parsed, pa.date32())
    cut = pc.fill_null(pc.not_equal(pc.cast(days, pa.timestamp("us")), parsed), False)
    if not pc.any(cut).as_py():
        return days, np.zeros(len(parsed), dtype=bool)
    return pc.if_else(cut, pa.scalar(None, pa.date32()), days), cut.to_numpy(zero_copy_only=False)


def typed_value(text: str, column: ColumnSpec, style: NumberStyle) -> object | None:
    """``text`` as a value of ``column``'s type, or ``None`` if it does not fit."""
    typed, bad = coerce_column(pa.array([text], pa.string()), column, style, None)
    return None if bad[0] else typed[0].as_py()


def _times(text: pa.Array, series: pd.Series, time_format: str | None) -> pd.Series:
    """Times of day as timestamps on one day; ``H:MM``, ``HH:MM:SS`` and fractions alike.

    The sniffer names every such column ``%H:%M:%S``: it and no format at all read each of those
    shapes (as ISO 8601 times); any other format (``%I:%M %p``) is the one every cell must have.
    """
    if time_format not in (None, "%H:%M:%S"):
        return pd.to_datetime(series, format=time_format, errors="coerce")
    padded = pc.replace_substring_regex(text, r"^(\d):", r"0\1:")
    whole = pc.replace_substring_regex(padded, r"^(\d\d:\d\d)$", r"\1:00")
    stamped = pd.Series(
        pc.binary_join_element_wise("2000-01-01T", whole, "").to_numpy(zero_copy_only=False),
        dtype=object,
    )
    return pd.to_datetime(stamped, format="ISO8601", errors="coerce")
