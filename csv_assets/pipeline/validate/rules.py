"""The rules of a source's contract, each with a stable name: one asset check per rule."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandera.pandas as pandera  # not ``pa``: pyarrow's name elsewhere in the pipeline

from csv_assets.pipeline.validate.columns import ColumnSpec

FRAME = "frame"
FRAME_RULES = frozenset({"unique_key", "ragged_row"})
_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


@dataclass(frozen=True)
class Rule:
    """One rule a row can break: a column's type, nullability or check, or a frame-wide rule."""

    key: str
    description: str


def rule_key(column: str | None, rule: str) -> str:
    """The stable name of a broken rule: ``<column>__<check>`` or ``frame__<check>``.

    ``rule`` is a failure's rule as validation reports it (``type:integer``,
    ``isin(['a', 'b'])``, ``unique_key``...); its arguments are dropped from the name.
    """
    base = rule.split(":")[0] if rule.startswith("type:") else rule.split("(")[0]
    owner = FRAME if column is None or base in FRAME_RULES else column
    return _UNSAFE.sub("_", f"{owner}__{base}").strip("_")


def contract_rules(
    schema: pandera.DataFrameSchema, columns: Sequence[ColumnSpec], key_columns: Sequence[str]
) -> list[Rule]:
    """Every rule of a source, in column order, then the frame-wide ones."""
    rules: list[Rule] = []
    for column in columns:
        declared = schema.columns[column.name]
        if column.kind != "string":
            rules.append(Rule(rule_key(column.name, "type"), f"is a valid {column.sql_type}"))
        if not column.nullable:
            rules.append(Rule(rule_key(column.name, "not_nullable"), "is never empty"))
        if declared.unique:
            rules.append(Rule(rule_key(column.name, "field_uniqueness"), "is unique"))
        rules.extend(
            Rule(rule_key(column.name, check.name), f"{check.name} {_arguments(check)}".strip())
            for check in declared.checks
        )
    rules.extend(
        Rule(rule_key(None, check.name), check.error or check.name) for check in schema.checks
    )
    if key_columns:
        rules.append(Rule(rule_key(None, "unique_key"), f"({', '.join(key_columns)}) is unique"))
    rules.append(Rule(rule_key(None, "ragged_row"), "has as many fields as the header"))
    return rules


def _arguments(check: pandera.Check) -> str:
    statistics = getattr(check, "statistics", None) or {}
    return ", ".join(f"{k}={v!r}" for k, v in statistics.items())
