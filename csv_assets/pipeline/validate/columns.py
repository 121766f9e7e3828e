"""A source's columns, read off its pandera model, and how a file's header maps onto them."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandera.pandas as pa

from csv_assets.pipeline.cells import Kind
from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.errors import BadFileError, Refusal
from csv_assets.pipeline.names import fold, safe_names

NewColumnPolicy = Literal["fail", "ignore", "add", "rescue"]
MissingColumnPolicy = Literal["fail", "null"]
ADD_CONFIDENCE = 0.99  # below this, a new column is added as TEXT rather than a guessed type


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
    """The columns to load (the model's, then any added) and where each sits in the file.

    Attributes:
        columns: The model's columns, then the file's new columns when the policy is ``add``.
        positions: Each column's index in the file (``None``: absent, left null).
        ignored: New columns of the file that are not loaded (policy ``ignore``).
        added: New columns of the file that are loaded, and added to the table if missing.
        rescued: New columns of the file kept as text in each row's rescued data (policy
            ``rescue``): their safe names and places in the file.
    """

    columns: tuple[ColumnSpec, ...]
    positions: tuple[int | None, ...]
    ignored: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    rescued: tuple[tuple[str, int], ...] = ()


def import_model(reference: str) -> type[pa.DataFrameModel]:
    """Import a pandera model from ``"package.module:ClassName"``.

    A module not yet imported is read before it runs: it must be Python source with a
    top-level ``class ClassName``, so a mistyped or hostile reference (``this:s``) runs
    nothing. Its parent packages are imported to find it, as any import does.

    Raises:
        ImportError: No such module.
        TypeError: The module declares no such class, or it is not a pandera model.
    """
    module_name, _, class_name = reference.partition(":")
    if module_name not in sys.modules:
        _declares_class(module_name, class_name)
    model = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(model, type) and issubclass(model, pa.DataFrameModel)):
        raise TypeError(f"{reference} is not a pandera DataFrameModel")
    return model


def _declares_class(module_name: str, class_name: str) -> None:
    """Refuse, before it runs, a module without a top-level ``class class_name``."""
    if not all(part.isidentifier() for part in [*module_name.split("."), class_name]):
        raise ImportError(f"{module_name}:{class_name} is not 'package.module:ClassName'")
    spec = importlib.util.find_spec(module_name)
    if spec is None:
        raise ImportError(f"no module named {module_name!r}")
    origin = spec.origin or ""
    if not origin.endswith(".py"):
        raise TypeError(f"{module_name} is not a Python source module; not imported")
    tree = ast.parse(Path(origin).read_bytes(), origin)
    if not any(isinstance(n, ast.ClassDef) and n.name == class_name for n in tree.body):
        raise TypeError(f"{module_name} declares no class {class_name}; not imported")


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
    elif text.startswith("time64"):  # pd.ArrowDtype(pyarrow.time64(...)): a time of day
        kind = "time"
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
    dialect: Dialect,
    columns: tuple[ColumnSpec, ...],
    policy: NewColumnPolicy,
    file: str,
    known: Mapping[str, Kind] | None = None,
    missing: MissingColumnPolicy = "fail",
) -> ColumnPlan:
    """Map the model's columns onto the file's header by name (raw or normalised).

    Args:
        dialect: The file's dialect (header and sniffed column types).
        columns: The model's columns.
        policy: What a column the model does not know means: ``fail``, ``ignore`` or ``add``.
        file: The file's name, for errors.
        known: Kinds of the table's existing columns; a column added by an earlier file keeps
            its type.
        missing: What a required column absent from the header means: ``fail``, or ``null``
            (loaded as NULL) for a column the model declares nullable.

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
                rule=Refusal.COLUMN_COUNT,
            )
        return ColumnPlan(columns, tuple(range(len(columns))))
    # A cell spelled as the column's name wins over one that folds to it; names folded as
    # before 0.3 (letters like ß dropped) come last, so older models keep their columns.
    raw_header = dialect.raw_header
    lookup = {fold(raw, i + 1, spell=False): i for i, raw in enumerate(raw_header)}
    lookup.update({safe: i for i, safe in enumerate(dialect.columns)})
    lookup.update({raw: i for i, raw in enumerate(raw_header)})
    positions: list[int | None] = []
    for column in columns:
        position = lookup.get(column.name, lookup.get(safe_names([column.name])[0]))
        if position is None and column.required and not (missing == "null" and column.nullable):
            may = "; set schema_evolution: {missing_column: null} to load it as NULL"
            raise BadFileError(
                file,
                f"required column {column.name!r} is missing from the header"
                + (may if column.nullable else ""),
                line=header_line,
                column=column.name,
                rule=Refusal.MISSING_COLUMN,
            )
        positions.append(position)
    taken = set(positions)
    new = [i for i, raw in enumerate(dialect.raw_header) if i not in taken and raw.strip()]
    ignored = tuple(dialect.raw_header[i] for i in new)
    if ignored and policy == "rescue":
        kept = tuple((dialect.columns[i], i) for i in new)
        return ColumnPlan(columns, tuple(positions), rescued=kept)
    if ignored and policy == "add":
        extra = tuple(_added_column(dialect, i, known or {}) for i in new)
        return ColumnPlan(columns + extra, (*positions, *new), added=tuple(c.name for c in extra))
    if ignored and policy == "fail":
        raise BadFileError(
            file,
            f"unexpected column(s) {', '.join(map(repr, ignored))}; declare them in the schema, "
            "set schema_evolution: {new_column: add} (a new column of the table) or ignore "
            "(not loaded)",
            line=header_line,
            column=ignored[0],
            rule=Refusal.UNEXPECTED_COLUMN,
        )
    return ColumnPlan(columns, tuple(positions), ignored=ignored)


def _added_column(dialect: Dialect, position: int, known: Mapping[str, Kind]) -> ColumnSpec:
    """A file's new column: nullable, typed as the table has it or as the sniffer is sure of."""
    name = dialect.columns[position]
    guess = dialect.column_types.get(name)
    kind: Kind = known.get(name, "string")
    if name not in known and guess is not None and guess.confidence >= ADD_CONFIDENCE:
        kind = guess.kind
    precision, scale = (38, 10) if kind == "decimal" else (None, None)
    return ColumnSpec(
        name,
        kind,
        nullable=True,
        required=False,
        precision=precision,
        scale=scale,
        description=f"Added from {dialect.raw_header[position]!r} (new_column: add).",
    )
