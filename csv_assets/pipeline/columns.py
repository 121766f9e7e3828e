"""A source's columns, read off its pandera model, and how a file's header maps onto them."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Literal

import pandera.pandas as pa

from csv_assets.errors import BadFileError
from csv_assets.pipeline.cells import Kind, safe_names
from csv_assets.pipeline.sniff import Dialect

NewColumnPolicy = Literal["fail", "ignore"]


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a source's table, as its pandera model declares it."""

    name: str
    kind: Kind
    nullable: bool
    required: bool
    description: str | None = None
    precision: int | None = None
    scale: int | None = None
    timezone: bool = False

    @property
    def sql_type(self) -> str:
        """The portable SQL type name shown in the UI's column schema."""
        if self.kind == "decimal":
            return f"NUMERIC({self.precision or 18},{self.scale or 0})"
        return {
            "integer": "BIGINT",
            "float": "DOUBLE",
            "boolean": "BOOLEAN",
            "date": "DATE",
            "datetime": "TIMESTAMPTZ" if self.timezone else "TIMESTAMP",
            "time": "TIME",
            "string": "TEXT",
        }[self.kind]


@dataclass(frozen=True)
class ColumnPlan:
    """Where each model column sits in the file (``None``: absent, left null)."""

    positions: tuple[int | None, ...]
    ignored: tuple[str, ...]


def import_model(reference: str) -> type[pa.DataFrameModel]:
    """Import a pandera model from ``"package.module:ClassName"``."""
    module_name, _, class_name = reference.partition(":")
    model = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(model, type) and issubclass(model, pa.DataFrameModel)):
        raise TypeError(f"{reference} is not a pandera DataFrameModel")
    return model


def columns_of(schema: pa.DataFrameSchema) -> tuple[ColumnSpec, ...]:
    """Read each column's kind, nullability and description off a pandera schema."""
    return tuple(_column_spec(name, column) for name, column in schema.columns.items())


def _column_spec(name: str, column: pa.Column) -> ColumnSpec:
    dtype = column.dtype
    type_name = type(dtype).__name__.lower()
    text = str(dtype).lower()
    kind: Kind = "string"
    if "decimal" in type_name:
        kind = "decimal"
    elif text == "date":
        kind = "date"
    elif "datetime" in type_name or text.startswith("datetime64"):
        kind = "datetime"
    elif "bool" in type_name:
        kind = "boolean"
    elif text.startswith(("int", "uint")):
        kind = "integer"
    elif text.startswith("float"):
        kind = "float"
    return ColumnSpec(
        name=name,
        kind=kind,
        nullable=column.nullable,
        required=column.required,
        description=column.description,
        precision=getattr(dtype, "precision", None),
        scale=getattr(dtype, "scale", None),
        timezone=getattr(dtype, "tz", None) is not None,
    )


def plan_columns(
    dialect: Dialect, columns: tuple[ColumnSpec, ...], policy: NewColumnPolicy, file: str
) -> ColumnPlan:
    """Map the model's columns onto the file's header by name (raw or normalised).

    Raises:
        BadFileError: A required column is missing, or the file has a column the model does
            not know and the policy is ``fail``.
    """
    header_line = dialect.preamble_lines + 1
    if not dialect.has_header:
        if len(dialect.columns) != len(columns):
            raise BadFileError(
                file,
                f"the file has no header and {len(dialect.columns)} columns; "
                f"the source expects {len(columns)}",
                line=header_line,
                rule="column_count",
            )
        return ColumnPlan(tuple(range(len(columns))), ())
    lookup = {raw: i for i, raw in enumerate(dialect.raw_header)}
    lookup.update({safe: i for i, safe in enumerate(dialect.columns)})
    positions: list[int | None] = []
    for column in columns:
        position = lookup.get(column.name, lookup.get(safe_names([column.name])[0]))
        if position is None and column.required:
            raise BadFileError(
                file,
                f"required column {column.name!r} is missing from the header",
                line=header_line,
                column=column.name,
                rule="missing_column",
            )
        positions.append(position)
    ignored = tuple(
        raw for i, raw in enumerate(dialect.raw_header) if i not in set(positions) and raw.strip()
    )
    if ignored and policy == "fail":
        raise BadFileError(
            file,
            f"unexpected column(s) {', '.join(map(repr, ignored))}; declare them in the schema "
            "or set on_new_column: ignore",
            line=header_line,
            column=ignored[0],
            rule="unexpected_column",
        )
    return ColumnPlan(tuple(positions), ignored)
