"""The quick Arrow pass never lets a chunk skip pandera that pandera would fault."""

import math
import random
from decimal import Decimal

import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pytest

from csv_assets.pipeline.validate import Contract, import_model
from csv_assets.pipeline.validate.arrow_checks import all_rows_pass

CONTRACT = Contract.from_model(import_model("csv_assets_tests.models:ManyChecks"))
CELLS = {
    "n": ([0, 1, 50, 99], [-1, 100]),
    "m": ([-4, 0, 5, None], [-5, 3, 6]),
    "r": ([0.0, 0.5, 1.0, None], [-0.1, 1.5, math.nan]),
    "p": ([Decimal("0.00"), Decimal("12.50"), None], [Decimal("-0.01")]),
    "code": (["a", "b", "é"], ["c", "", "A"]),
    "tag": (["", "abc", "é€😀", None], ["x", "abcd"]),
    "mail": (["ab@cd", None], ["ab@cd.de", "A@b", "x@", "1ab@cd"]),
}
TYPES = {
    "n": pa.int64(),
    "m": pa.int64(),
    "r": pa.float64(),
    "p": pa.decimal128(8, 2),
    "code": pa.string(),
    "tag": pa.string(),
    "mail": pa.string(),
}


def pandera_passes(typed: dict[str, pa.Array]) -> bool:
    frame = pd.DataFrame({n: pd.arrays.ArrowExtensionArray(a) for n, a in typed.items()})
    try:
        CONTRACT.rules.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors:
        return False
    return True


def chunk(rng: random.Random, rows: int, bad: float) -> dict[str, pa.Array]:
    columns: dict[str, list] = {name: [] for name in CELLS}
    for i in range(rows):
        for name, (good, wrong) in CELLS.items():
            if name == "n":
                columns[name].append(i if rng.random() > bad else rng.choice([*wrong, 0]))
            else:
                columns[name].append(rng.choice(wrong if rng.random() < bad else good))
    return {name: pa.array(values, TYPES[name]) for name, values in columns.items()}


@pytest.mark.parametrize("seed", range(60))
def test_a_chunk_skips_pandera_only_when_pandera_finds_nothing(seed):
    rng = random.Random(seed)
    typed = chunk(rng, rows=rng.choice([1, 5, 40]), bad=rng.choice([0.0, 0.02, 0.2]))

    if all_rows_pass(typed, CONTRACT.rules):
        assert pandera_passes(typed)


SINGLE_FAULTS = [(name, value) for name, (_, wrong) in CELLS.items() for value in wrong]


@pytest.mark.parametrize(("column", "value"), SINGLE_FAULTS)
def test_one_bad_cell_sends_the_chunk_to_pandera(column, value):
    typed = chunk(random.Random(3), rows=20, bad=0.0)
    cells = typed[column].to_pylist()
    cells[7] = value
    typed[column] = pa.array(cells, TYPES[column])

    assert not pandera_passes(typed)
    assert not all_rows_pass(typed, CONTRACT.rules)


def test_a_repeated_unique_value_sends_the_chunk_to_pandera():
    typed = chunk(random.Random(3), rows=20, bad=0.0)
    typed["n"] = pa.array([0, *range(19)], pa.int64())

    assert not pandera_passes(typed) and not all_rows_pass(typed, CONTRACT.rules)


def test_a_clean_chunk_skips_pandera():
    typed = chunk(random.Random(7), rows=50, bad=0.0)

    assert pandera_passes(typed) and all_rows_pass(typed, CONTRACT.rules)


def test_a_dataframe_wide_check_always_goes_to_pandera():
    shipments = Contract.from_model(import_model("csv_assets_tests.models:Shipments"))
    typed = {
        "leg_id": pa.array([1], pa.int64()),
        "departed": pa.array([0], pa.timestamp("us", tz="UTC")),
        "arrived": pa.array([1], pa.timestamp("us", tz="UTC")),
        "kg": pa.array([1.0]),
    }

    assert not all_rows_pass(typed, shipments.rules)
