"""A column cast in one step gets exactly what the careful, pattern-by-pattern way gives."""

import math

import pyarrow as pa
import pytest

from csv_assets.pipeline.cells import NumberStyle
from csv_assets.pipeline.validate.coerce import coerce_column
from csv_assets.pipeline.validate.columns import ColumnSpec

ODD_NUMBERS = [
    "5", "+5", "-5", "-0", "00012", "0x1A", "0X1a", "1.0", "1.", ".5", "5.", "1e3", "1E-5",
    "1e400", "-1e400", "1e-400", "inf", "-inf", "+inf", "Infinity", "INF", "nan", "NaN",
    "-nan", "nan(123)", "123456789012345678", "-123456789012345678", "1234567890123456789",
    "9223372036854775807", "000000000000000000001", "1_000", "1,5", "--5", "5-", "e5",
    "٣", "0b101",
]  # fmt: skip
"""Forms Arrow's parsers and the patterns might judge differently (measured, not assumed)."""


@pytest.mark.parametrize("kind", ["integer", "float"])
@pytest.mark.parametrize("text", ODD_NUMBERS)
def test_one_step_cast_agrees_with_the_patterns(kind, text):
    column = ColumnSpec("n", kind, nullable=True, required=True)
    style = NumberStyle()

    alone, alone_bad = coerce_column(pa.array([text]), column, style, None)
    # A cell no number parser takes keeps the whole column on the pattern's way.
    careful, careful_bad = coerce_column(pa.array([text, "not a number"]), column, style, None)

    assert same(alone.to_pylist()[0], careful.to_pylist()[0])
    assert bool(alone_bad[0]) == bool(careful_bad[0])


def same(a: object, b: object) -> bool:
    """Equal, counting NaN as equal to NaN."""
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a + b))


def test_a_column_of_plain_numbers_casts_whole():
    column = ColumnSpec("n", "integer", nullable=True, required=True)

    values, bad = coerce_column(pa.array(["1", None, "-7", "0012"]), column, NumberStyle(), None)

    assert values.to_pylist() == [1, None, -7, 12] and not bad.any()


@pytest.mark.parametrize("odd", [None, "not a date"])  # Arrow's one-step cast, then pandas'
def test_a_date_cell_with_a_time_of_day_is_a_misfit_not_cut_to_its_day(odd):
    column = ColumnSpec("day", "date", nullable=True, required=True)
    cells = ["2026-11-03", "2026-11-03 00:00:00", "2026-11-03 10:30:00", *([odd] if odd else [])]

    typed, bad = coerce_column(pa.array(cells), column, NumberStyle(), None)

    assert [str(d) if d else None for d in typed.to_pylist()[:3]] == [
        "2026-11-03",
        "2026-11-03",
        None,
    ]
    assert bad.tolist()[:3] == [False, False, True]
