"""A quick pass over a chunk's typed columns: do all rows pass the contract's pandera rules?

pandera stays the contract language and the judge of every failure. Its schemas see
pyarrow-backed pandas columns, so its built-in checks run as Arrow kernels underneath; the same
kernels, called on the Arrow arrays directly, say whether every row passes without pandera's
per-call machinery (~3 ms a chunk, most of the rules' time on small chunks). Only a ``True``
here skips pandera; anything it cannot decide exactly (a custom or dataframe-wide check, a
pattern Arrow's engine refuses, a NaN, a null in a key) says ``False`` and pandera runs as
before, so the rows quarantined and their reasons are pandera's whichever way it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.compute as pc

Test = Callable[[pa.Array, Mapping[str, Any]], pa.Array]

_TESTS: dict[str, Test] = {
    "greater_than_or_equal_to": lambda a, s: pc.greater_equal(a, s["min_value"]),
    "greater_than": lambda a, s: pc.greater(a, s["min_value"]),
    "less_than_or_equal_to": lambda a, s: pc.less_equal(a, s["max_value"]),
    "less_than": lambda a, s: pc.less(a, s["max_value"]),
    "equal_to": lambda a, s: pc.equal(a, s["value"]),
    "not_equal_to": lambda a, s: pc.not_equal(a, s["value"]),
    "in_range": lambda a, s: pc.and_(
        (pc.greater_equal if s.get("include_min", True) else pc.greater)(a, s["min_value"]),
        (pc.less_equal if s.get("include_max", True) else pc.less)(a, s["max_value"]),
    ),
    "isin": lambda a, s: pc.is_in(a, value_set=pa.array(list(s["allowed_values"]), a.type)),
    "notin": lambda a, s: pc.invert(
        pc.is_in(a, value_set=pa.array(list(s["forbidden_values"]), a.type))
    ),
    "str_length": lambda a, s: _length(a, s),
    "str_matches": lambda a, s: pc.match_substring_regex(a, _anchored(s["pattern"])),
}
"""pandera's built-in checks, each as the kernel its pyarrow-backed pandas column calls."""


def all_rows_pass(typed: Mapping[str, pa.Array], rules: pandera.DataFrameSchema) -> bool:
    """Whether every row passes every rule, decided by Arrow; ``False`` when unsure.

    Args:
        typed: The chunk's typed columns, no cell of which failed its type.
        rules: The contract's pandera schema (dtypes removed).
    """
    if rules.checks:
        return False
    try:
        if rules.unique and not _unique_rows(typed, list(rules.unique)):
            return False
        return all(_column_passes(typed.get(n), column) for n, column in rules.columns.items())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, KeyError, TypeError):
        return False


def _column_passes(values: pa.Array | None, column: pandera.Column) -> bool:
    if values is None:
        return False
    if pa.types.is_floating(values.type) and pc.any(pc.is_nan(values)).as_py():
        return False  # pandas may count NaN as missing, Arrow does not: let pandera judge
    if not column.nullable and values.null_count:
        return False
    if column.unique and (values.null_count or pc.count_distinct(values).as_py() != len(values)):
        return False
    for check in column.checks:
        test = _TESTS.get(check.name)
        if test is None or not check.ignore_na or check.groupby is not None:
            return False
        if check.element_wise or pc.all(test(values, check.statistics)).as_py() is False:
            return False  # None: no value to check, which passes as pandera skips nulls
    return True


def _unique_rows(typed: Mapping[str, pa.Array], keys: list[str]) -> bool:
    table = pa.table({k: typed[k] for k in keys})
    if any(table.column(k).null_count for k in keys):
        return False
    return bool(table.group_by(keys).aggregate([]).num_rows == table.num_rows)


def _length(values: pa.Array, statistics: Mapping[str, Any]) -> pa.Array:
    length = pc.utf8_length(values)
    if statistics.get("exact_value") is not None:
        return pc.equal(length, statistics["exact_value"])
    low, high = statistics.get("min_value"), statistics.get("max_value")
    result = pc.greater_equal(length, low if low is not None else 0)
    return result if high is None else pc.and_(result, pc.less_equal(length, high))


def _anchored(pattern: object) -> str:
    """The pattern as pandas' ``str.match`` hands it to Arrow: anchored at the start."""
    if not isinstance(pattern, str):
        raise TypeError("a compiled pattern: pandera decides")
    return pattern if pattern.startswith("^") else f"^{pattern}"
