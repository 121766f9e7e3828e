"""Validate a chunk: type every cell, then check the source's pandera rules, lazily."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pandera  # not ``pa``: that name is pyarrow's in this module
import pyarrow as pa

from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.read import RawChunk
from csv_assets.pipeline.validate.arrow_checks import all_rows_pass
from csv_assets.pipeline.validate.cell_text import text_at, text_column
from csv_assets.pipeline.validate.coerce import coerce_column
from csv_assets.pipeline.validate.columns import ColumnPlan, ColumnSpec, columns_of
from csv_assets.pipeline.validate.rescue import (
    RESCUED,
    new_column_cells,
    rescued_array,
    rescues,
)

LINE = "_source_line"
MAX_PASSES = 3
RULE_NAMES = {"multiple_fields_uniqueness": "unique_key"}
"""pandera's names for rules that read better under ours (the same rule across chunks)."""


@dataclass(frozen=True)
class RowFailure:
    """One broken rule in one row."""

    line: int
    column: str | None
    rule: str
    message: str
    value: Any = None


@dataclass(frozen=True)
class RejectedRow:
    """A row kept out of the table, with its raw cells and every rule it broke."""

    line: int
    cells: tuple[str, ...]
    failures: tuple[RowFailure, ...]


@dataclass(frozen=True)
class ChunkValidation:
    """A chunk's valid rows (typed Arrow columns, then ``_source_line``) and its rejected rows."""

    table: pa.Table
    rejected: list[RejectedRow]
    rows_read: int
    rules_seconds: float = 0.0
    rescued: Counter[str] = field(default_factory=Counter)
    """Cells of the valid rows kept in ``_rescued_data`` instead of their column, by column."""


@dataclass(frozen=True)
class Contract:
    """What a source's rows must satisfy: its columns and its pandera rules (dtypes excluded)."""

    columns: tuple[ColumnSpec, ...]
    rules: pandera.DataFrameSchema

    @classmethod
    def from_model(
        cls, model: type[pandera.DataFrameModel], key_columns: Sequence[str] = ()
    ) -> Contract:
        """Build the contract of a pandera model; our coercion replaces pandera's dtype checks.

        ``key_columns`` become a uniqueness rule over the chunk (``unique_key``) on top of the
        model's own rules; uniqueness across chunks is checked after the load.
        """
        schema = model.to_schema()
        rules = schema.update_columns({name: {"dtype": None} for name in schema.columns})
        rules.coerce = False
        if key_columns:
            rules.unique = list(key_columns)
        return cls(columns_of(schema), rules)

    def has_checks(self, column: str) -> bool:
        """Whether the model checks ``column``'s values (a range, a set, a pattern...)."""
        found = self.rules.columns.get(column)
        return bool(found is not None and found.checks)

    @property
    def checks_rows(self) -> bool:
        """Whether pandera has anything to check once types are coerced (else it is skipped)."""
        rules = self.rules
        return bool(
            rules.checks
            or rules.unique
            or any(
                column.checks or column.unique or not column.nullable
                for column in rules.columns.values()
            )
        )


def validate_chunk(
    chunk: RawChunk,
    contract: Contract,
    plan: ColumnPlan,
    dialect: Dialect,
    file: str,
    *,
    rescue_misfits: bool = False,
) -> ChunkValidation:
    """Type and check one chunk; no row is dropped without a ``RejectedRow`` saying why.

    ``rescue_misfits``: a cell that does not fit its nullable column is kept in the row's
    rescued data (the column holds NULL) instead of rejecting the row. The plan's ``rescued``
    new columns are kept there too.

    Raises:
        BadFileError: A rule failed for the chunk as a whole, not for particular rows.
    """
    count = chunk.cells.num_rows
    failures: dict[int, list[RowFailure]] = defaultdict(list)
    kept: dict[int, dict[str, str]] = {}
    typed: dict[str, pa.Array] = {}
    for column, position in zip(plan.columns, plan.positions, strict=True):
        text, trimmed = text_column(chunk, column, position, dialect)
        guess = dialect.column_types.get(column.name)
        date_format = guess.format if guess and guess.kind == column.kind else None
        values, bad = coerce_column(text, column, dialect.number_style, date_format, trimmed)
        typed[column.name] = values
        for index in np.flatnonzero(bad).tolist():
            value = text[index].as_py()
            if rescue_misfits and column.nullable:
                kept.setdefault(index, {})[column.name] = value
                continue
            failures[index].append(
                RowFailure(
                    int(chunk.lines[index]),
                    column.name,
                    f"type:{column.kind}",
                    f"{value!r} is not a valid {column.sql_type}",
                    value,
                )
            )
    started = time.perf_counter()
    if contract.checks_rows and (failures or not all_rows_pass(typed, contract.rules)):
        frame = pd.DataFrame(
            {c.name: pd.arrays.ArrowExtensionArray(typed[c.name]) for c in contract.columns},
            index=pd.RangeIndex(count),
        )
        # Rows that failed a cast are checked too, so every failure of a row is known at once;
        # only the rules of the cell that failed (null now) are not asked again.
        miscast = {(i, f.column) for i, found in failures.items() for f in found}
        _check_rules(frame, contract, chunk.lines, failures, file, miscast)
    rules_seconds = time.perf_counter() - started
    keep = np.ones(count, dtype=bool)
    keep[list(failures)] = False
    valid = pa.table(typed) if typed else pa.table({})
    lines = chunk.lines
    if failures:
        valid, lines = valid.filter(keep), lines[keep]
    if rescues(plan, rescue_misfits):
        new = {name: text_at(chunk, position, dialect) for name, position in plan.rescued}
        rescued, counts = rescued_array(new_column_cells(new, kept), count, keep)
        if rescued is not None:
            valid = valid.append_column(RESCUED, rescued)
    else:
        counts = Counter()
    valid = valid.append_column(LINE, pa.array(lines, pa.int64()))
    indices = sorted(failures)
    rejected = [
        RejectedRow(int(chunk.lines[i]), cells, tuple(failures[i]))
        for i, cells in zip(indices, chunk.rows_at(indices), strict=True)
    ]
    rejected.extend(
        RejectedRow(r.line, r.cells, (RowFailure(r.line, None, "ragged_row", r.reason),))
        for r in chunk.ragged
    )
    rejected.sort(key=lambda r: r.line)
    return ChunkValidation(valid, rejected, chunk.rows_read, rules_seconds, counts)


def _check_rules(
    frame: pd.DataFrame,
    contract: Contract,
    lines: np.ndarray,
    failures: dict[int, list[RowFailure]],
    file: str,
    miscast: set[tuple[int, str | None]],
) -> None:
    """Run pandera lazily; rows that fail are set aside and the rest checked again.

    A dataframe-wide check can error on a row another rule already rejected (a null in a
    comparison), so a failure without a row index only counts once the failing rows are gone.
    """
    for _ in range(MAX_PASSES):
        try:
            contract.rules.validate(frame, lazy=True)
            return
        except pandera.errors.SchemaErrors as errors:
            cases = errors.failure_cases
        by_row = cases[cases["index"].notna()]
        if by_row.empty:
            first = cases.iloc[0]
            rule = _rule_name(first, contract)
            raise BadFileError(
                file,
                f"rule {rule} ({first['check']}) failed for the data as a whole: "
                f"{first['failure_case']}",
                column=None if _frame_check(first) else _column_name(first, contract),
                rule=rule,
            )
        for index, found in _row_failures(by_row, contract, lines):
            if (index, found.column) not in miscast:
                failures[index].append(found)
        frame = frame.drop(index=[i for i in by_row["index"].astype(int) if i in frame.index])


def _row_failures(
    cases: pd.DataFrame, contract: Contract, lines: np.ndarray
) -> list[tuple[int, RowFailure]]:
    """One failure per row and rule.

    A dataframe check lists every cell of a failing row: those cells become one frame failure
    whose value shows them all.
    """
    found: list[tuple[int, RowFailure]] = []
    frame_cells: dict[tuple[int, str], list[str]] = defaultdict(list)
    frame_text: dict[tuple[int, str], str] = {}
    for case in cases.to_dict("records"):
        index, rule = int(case["index"]), _rule_name(case, contract)
        if _frame_check(case):
            frame_cells[index, rule].append(f"{case['column']}={case['failure_case']}")
            frame_text[index, rule] = str(case["check"])
            continue
        column = _column_name(case, contract)
        message = _message(case["check"], column, case["failure_case"])
        found.append(
            (index, RowFailure(int(lines[index]), column, rule, message, case["failure_case"]))
        )
    for (index, rule), cells in frame_cells.items():
        value = ", ".join(cells)
        message = f"row fails {rule} ({frame_text[index, rule]}): {value}"
        found.append((index, RowFailure(int(lines[index]), None, rule, message, value)))
    return found


def _frame_check(case: Mapping[Hashable, Any]) -> bool:
    """Whether a failure case comes from one of the model's dataframe-wide checks."""
    return case["schema_context"] == "DataFrameSchema" and _number(case) is not None


def _rule_name(case: Mapping[Hashable, Any], contract: Contract) -> str:
    """The failing check's name, as the model declares it (pandera reports its error text)."""
    number = _number(case)
    checks: list[pandera.Check] = []
    if number is not None and case["schema_context"] == "DataFrameSchema":
        checks = contract.rules.checks
    elif number is not None and case["column"] in contract.rules.columns:
        checks = contract.rules.columns[case["column"]].checks
    if number is not None and number < len(checks) and checks[number].name:
        return str(checks[number].name)
    return RULE_NAMES.get(str(case["check"]), str(case["check"]))


def _number(case: Mapping[Hashable, Any]) -> int | None:
    number = case.get("check_number")
    return None if number is None or pd.isna(number) else int(number)


def _column_name(case: Mapping[Hashable, Any], contract: Contract) -> str | None:
    name = case["column"]
    return name if any(c.name == name for c in contract.columns) else None


def _message(check: object, column: str | None, value: object) -> str:
    shown = repr(value) if isinstance(value, str) else str(value)
    subject = f"{column} = {shown}" if column else "row"
    return f"{subject} fails {check}"
