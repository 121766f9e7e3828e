"""Typing a file's columns from chunks of cell text: kinds, formats, nulls, confidence."""

import random

import pyarrow as pa
import pytest

from csv_assets.pipeline.cells import ColumnGuess, NumberStyle
from csv_assets.pipeline.sniff.infer import infer_types


def chunks(column: list[str], size: int) -> list[pa.Table]:
    return [pa.table({"c": column[i : i + size]}) for i in range(0, len(column), size)]


PLAIN = NumberStyle()


def kind_of(column: list[str], size: int = 1_000_000, style: NumberStyle = PLAIN):
    return infer_types(chunks(column, size), style).column_types["c"]


@pytest.mark.parametrize(
    ("values", "kind", "fmt"),
    [
        (["1", "-2", "+30"], "integer", None),
        (["1.5", "2", "-0.25"], "decimal", None),
        (["1e3", "2.5E-2", "7"], "float", None),
        (["yes", "No", "Y", "n"], "boolean", None),
        (["2026-01-31", "2026-02-01"], "date", "%Y-%m-%d"),
        (["31.01.2026", "01.02.2026"], "date", "%d.%m.%Y"),
        (["01/31/2026", "02/14/2026"], "date", "%m/%d/%Y"),
        (["2026-01-31T08:00:00Z", "2026-01-31 09:15"], "datetime", "ISO8601"),
        (["08:00", "23:59:59"], "time", "%H:%M:%S"),
        (["01067", "10115"], "string", "leading zeros"),
        (["north", "south"], "string", None),
    ],
)
def test_each_kind_and_format_is_recognised(values, kind, fmt):
    guess = kind_of(values)

    assert (guess.kind, guess.format) == (kind, fmt)


def test_numbers_with_decimal_comma_and_thousands_dots():
    guess = kind_of(["1.234,56", "12,5", "3"], style=NumberStyle(",", "."))

    assert guess.kind == "decimal" and (guess.precision, guess.scale) == (6, 2)


def test_a_few_bad_values_lower_the_confidence_not_the_kind():
    values = [str(i) for i in range(10_000)] + ["n/a?"] * 20

    guess = kind_of(values)

    assert guess.kind == "integer" and guess.confidence == pytest.approx(10_000 / 10_020)


def test_null_tokens_are_counted_and_named_but_a_dash_in_text_is_a_value():
    result = infer_types(
        [pa.table({"n": ["1", "NULL", "", "-"], "t": ["a", "-", "NA", "b"]})], NumberStyle()
    )

    assert result.column_types["n"].kind == "integer" and result.column_types["n"].nulls == 3
    assert set(result.null_tokens) == {"NULL", "", "-"}  # the text column's "-" and "NA" are values


@pytest.mark.parametrize("kind", ["integer", "decimal", "date", "datetime", "boolean", "string"])
def test_typing_in_many_chunks_agrees_with_one_chunk(kind):
    rng = random.Random(3)
    make = {
        "integer": lambda: str(rng.randrange(-(10**6), 10**6)),
        "decimal": lambda: f"{rng.random() * 1000:.2f}",
        "date": lambda: f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        "datetime": lambda: f"2026-01-02T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z",
        "boolean": lambda: rng.choice(["true", "false"]),
        "string": lambda: rng.choice(["alpha", "beta", "gamma"]),
    }[kind]
    values = [make() if rng.random() > 0.1 else rng.choice(["", "NULL"]) for _ in range(30_000)]
    values[25_000] = "broken"

    whole = kind_of(values)
    streamed = kind_of(values, size=7_000)

    assert streamed == whole and whole.kind == kind


@pytest.mark.parametrize(
    ("head_kind", "values", "kind"),
    [
        # The head showed integers; further down a decimal makes the column decimal.
        ("integer", [str(i) for i in range(5_000)] + ["2.5"], "decimal"),
        # The head showed booleans written yes/no: no one cast reads those, the race does.
        ("boolean", ["yes", "no"] * 3_000, "boolean"),
        # 1 and 0 read as booleans by Arrow's cast, as integers here.
        ("boolean", ["1", "0"] * 3_000, "integer"),
        # The head's guess was wrong altogether: the cells decide.
        ("date", ["north", "south"] * 3_000, "string"),
    ],
)
def test_the_head_s_kind_is_offered_first_but_the_cells_decide(head_kind, values, kind):
    fmt = "%Y-%m-%d" if head_kind == "date" else None
    expected = {"c": ColumnGuess(head_kind, fmt, 1.0)}

    offered = infer_types(chunks(values, 2_000), PLAIN, expected).column_types["c"]

    assert offered == kind_of(values, size=2_000) and offered.kind == kind
