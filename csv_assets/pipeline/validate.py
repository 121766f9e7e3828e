"""Validate a chunk: type every cell, then check the source's pandera rules, lazily."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from csv_assets.errors import BadFileError
from csv_assets.pipeline.cells import NULL_TOKENS, WEAK_NULL_TOKENS
from csv_assets.pipeline.coerce import coerce_column
from csv_assets.pipeline.columns import ColumnPlan, ColumnSpec, columns_of
from csv_assets.pipeline.read import RawChunk
from csv_assets.pipeline.sniff import Dialect

LINE = "_source_line"
MAX_PASSES = 3


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
    """A chunk's valid rows (typed, with ``_source_line``) and its rejected rows."""

    frame: pd.DataFrame
    rejected: list[RejectedRow]
    rows_read: int


@dataclass(frozen=True)
class Contract:
    """What a source's rows must satisfy: its columns and its pandera rules (dtypes excluded)."""

    columns: tuple[ColumnSpec, ...]
    rules: pa.DataFrameSchema

    @classmethod
    def from_model(cls, model: type[pa.DataFrameModel]) -> Contract:
        """Build the contract of a pandera model; our coercion replaces pandera's dtype checks."""
        schema = model.to_schema()
        rules = schema.update_columns({name: {"dtype": None} for name in schema.columns})
        rules.coerce = False
        return cls(columns_of(schema), rules)


def validate_chunk(
    chunk: RawChunk,
    contract: Contract,
    plan: ColumnPlan,
    dialect: Dialect,
    file: str,
) -> ChunkValidation:
    """Type and check one chunk; no row is dropped without a ``RejectedRow`` saying why.

    Raises:
        BadFileError: A rule failed for the chunk as a whole, not for particular rows.
    """
    text = _text_frame(chunk, contract.columns, plan)
    failures: dict[int, list[RowFailure]] = defaultdict(list)
    typed: dict[str, pd.Series] = {}
    for column in contract.columns:
        guess = dialect.column_types.get(column.name)
        date_format = guess.format if guess and guess.kind == column.kind else None
        values, bad = coerce_column(text[column.name], column, dialect.number_style, date_format)
        typed[column.name] = values
        for index in bad[bad].index:
            value = text.at[index, column.name]
            failures[index].append(
                RowFailure(
                    chunk.lines[index],
                    column.name,
                    f"type:{column.kind}",
                    f"{value!r} is not a valid {column.sql_type}",
                    value,
                )
            )
    frame = pd.DataFrame(typed, index=text.index)
    _check_rules(frame.drop(index=list(failures)), contract, chunk.lines, failures, file)
    rejected = [
        RejectedRow(chunk.lines[i], tuple(chunk.rows[i]), tuple(f)) for i, f in failures.items()
    ]
    rejected.extend(
        RejectedRow(r.line, r.cells, (RowFailure(r.line, None, "ragged_row", r.reason),))
        for r in chunk.ragged
    )
    valid = frame.drop(index=list(failures))
    valid[LINE] = [chunk.lines[i] for i in valid.index]
    return ChunkValidation(valid, sorted(rejected, key=lambda r: r.line), chunk.rows_read)


def _text_frame(chunk: RawChunk, columns: tuple[ColumnSpec, ...], plan: ColumnPlan) -> pd.DataFrame:
    data: dict[str, list[str | None]] = {}
    for column, position in zip(columns, plan.positions, strict=True):
        tokens = NULL_TOKENS if column.kind != "string" else NULL_TOKENS - WEAK_NULL_TOKENS
        if position is None:
            data[column.name] = [None] * len(chunk.rows)
        else:
            data[column.name] = [
                None if row[position].strip() in tokens else row[position] for row in chunk.rows
            ]
    return pd.DataFrame(data, dtype=object)


def _check_rules(
    frame: pd.DataFrame,
    contract: Contract,
    lines: list[int],
    failures: dict[int, list[RowFailure]],
    file: str,
) -> None:
    """Run pandera lazily; rows that fail are set aside and the rest checked again.

    A dataframe-wide check can error on a row another rule already rejected (a null in a
    comparison), so a failure without a row index only counts once the failing rows are gone.
    """
    for _ in range(MAX_PASSES):
        try:
            contract.rules.validate(frame, lazy=True)
            return
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases
        by_row = cases[cases["index"].notna()]
        if by_row.empty:
            first = cases.iloc[0]
            raise BadFileError(
                file,
                f"rule {first['check']} failed for the data as a whole: {first['failure_case']}",
                column=_column_name(first, contract),
                rule=str(first["check"]),
            )
        for case in by_row.itertuples(index=False):
            index = int(case.index)
            column = _column_name(case._asdict(), contract)
            failures[index].append(
                RowFailure(
                    lines[index],
                    column,
                    str(case.check),
                    _message(case.check, column, case.failure_case),
                    case.failure_case,
                )
            )
        frame = frame.drop(index=[i for i in by_row["index"].astype(int) if i in frame.index])


def _column_name(case: Mapping[str, Any], contract: Contract) -> str | None:
    name = case["column"]
    return name if any(c.name == name for c in contract.columns) else None


def _message(check: object, column: str | None, value: object) -> str:
    shown = repr(value) if isinstance(value, str) else str(value)
    subject = f"{column} = {shown}" if column else "row"
    return f"{subject} fails {check}"
