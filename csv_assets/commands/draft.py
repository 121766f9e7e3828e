"""Draft a new source from a sample file: its component YAML and a pandera model, to edit."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from csv_assets.pipeline.cells import ColumnGuess
from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.read import IrregularRows, iter_chunks

KEY_NAME = re.compile(r"(^|_)(id|key|code|number|no|nr)$")
ZONE = r"(Z|[+-]\d{2}:?\d{2})$"
PROFILE_ROWS = 200_000
"""Rows of the sample read to suggest a key and see datetime zones: memory stays bounded."""
ANNOTATIONS = {
    "integer": "int",
    "float": "float",
    "boolean": "bool",
    "date": "dt.date",
    "time": 'pd.ArrowDtype(pyarrow.time64("us"))',
    "string": "str",
}


@dataclass(frozen=True)
class Draft:
    """What ``init-source`` writes: the component YAML and the schema module, as text."""

    defs_yaml: str
    model_source: str
    class_name: str
    key_columns: tuple[str, ...]


def draft_source(
    name: str, path: Path, dialect: Dialect, pins: Mapping[str, Any] | None = None
) -> Draft:
    """Draft source ``name`` from the sample file at ``path``, sniffed as ``dialect``.

    ``pins`` are the dialect fields the sample was sniffed with fixed (``--pin``): the drafted
    YAML pins them too, so the source reads its files the way its sample was read.
    """
    unique, zoned = _profile(path, dialect)
    keys = _key_columns(dialect, unique)
    class_name = "".join(part.title() for part in name.split("_"))
    model = _model(name, path.name, class_name, dialect, keys, zoned)
    defs = _defs(name, path.name, class_name, dialect, keys, dict(pins or {}))
    return Draft(defs, model, class_name, keys)


def _profile(path: Path, dialect: Dialect) -> tuple[set[str], set[str]]:
    """Columns whose values never repeat nor go missing; datetime columns written with a zone.

    Judged on the sample's first ``PROFILE_ROWS`` rows (nulls on all of them, as sniffed).
    """
    table = _head(path, dialect)
    if table is None:
        return set(), set()
    unique = {
        name
        for name in table.column_names
        if dialect.column_types[name].nulls == 0
        and pc.count_distinct(table.column(name)).as_py() == table.num_rows
    }
    zoned = {
        name
        for name, guess in dialect.column_types.items()
        if guess.kind == "datetime"
        and pc.any(pc.match_substring_regex(table.column(name), ZONE)).as_py()
    }
    return unique, zoned


def _head(path: Path, dialect: Dialect) -> pa.Table | None:
    """The cell text of the sample's first ``PROFILE_ROWS`` rows, or ``None`` if it has none."""
    for exact in (False, True):
        kept: list[pa.Table] = []
        rows = 0
        try:
            with closing(iter_chunks(path, dialect, exact=exact)) as chunks:
                for chunk in chunks:
                    kept.append(chunk.cells.slice(0, PROFILE_ROWS - rows))
                    rows += kept[-1].num_rows
                    if rows >= PROFILE_ROWS:
                        break
        except IrregularRows:
            continue  # a ragged row: the exact reader sets it aside
        return pa.concat_tables(kept) if kept else None
    return None


def _key_columns(dialect: Dialect, unique: set[str]) -> tuple[str, ...]:
    """A column named like a key whose values are unique, else the first unique column."""
    candidates = [
        c
        for c in dialect.columns
        if c in unique and dialect.column_types[c].kind in ("integer", "string")
    ]
    named = [c for c in candidates if KEY_NAME.search(c)]
    chosen = named[:1] or candidates[:1]
    return tuple(chosen)


def _annotation(guess: ColumnGuess, zoned: bool) -> tuple[str, str]:
    """The ``Series[...]`` type and any ``dtype_kwargs`` for a column."""
    if guess.kind == "decimal":
        precision = min(38, (guess.precision or 10) + 4)
        return "pa.dtypes.Decimal", f'{{"precision": {precision}, "scale": {guess.scale or 0}}}'
    if guess.kind == "datetime":
        if zoned:
            return "pd.DatetimeTZDtype", '{"unit": "ns", "tz": "UTC"}'
        return "pd.Timestamp", ""
    return ANNOTATIONS[guess.kind], ""


def _model(
    name: str,
    file: str,
    class_name: str,
    dialect: Dialect,
    keys: tuple[str, ...],
    zoned: set[str],
) -> str:
    fields = []
    for column, raw in zip(dialect.columns, dialect.raw_header, strict=True):
        guess = dialect.column_types[column]
        annotation, kwargs = _annotation(guess, column in zoned)
        arguments = []
        if guess.nulls:
            arguments.append("nullable=True")
        if column in keys:
            arguments.append("unique=True")
        if kwargs:
            arguments.append(f"dtype_kwargs={kwargs}")
        seen = guess.kind + (f" {guess.format}" if guess.format else "")
        description = f"Column {raw!r}, sniffed as {seen} ({guess.confidence:.0%} sure)."
        arguments.append(f"description={description!r}")
        fields.append(f"    {column}: Series[{annotation}] = pa.Field(")
        fields.extend(f"        {argument}," for argument in arguments)
        fields.append("    )")
    body = "\n".join(fields)
    imports = [
        *(["import datetime as dt", ""] if "dt." in body else []),
        *(["import pandas as pd"] if "pd." in body else []),
        *(["import pyarrow"] if "pyarrow." in body else []),
        "import pandera.pandas as pa",
        "from pandera.typing import Series",
    ]
    return "\n".join(
        [
            f'"""The {name} contract, drafted by `csv-assets init-source` from {file}."""',
            "",
            *imports,
            "",
            "",
            f"class {class_name}(pa.DataFrameModel):",
            f'    """One row of {name}.',
            "",
            "    Drafted from a sample: review each kind and nullability, then add the rules",
            "    the data must meet (ranges, allowed values, patterns); each is a check in the UI.",
            '    """',
            "",
            body,
            "",
            "    class Config:",
            "        strict = True",
            "",
        ]
    )


def _defs(
    name: str,
    file: str,
    class_name: str,
    dialect: Dialect,
    keys: tuple[str, ...],
    pins: dict[str, Any],
) -> str:
    sniffed = [
        f"#   {field}: {json.dumps(getattr(dialect, field))}"
        f"  (confidence {dialect.confidence[decision]:.2f})"
        for field, decision in (
            ("encoding", "encoding"),
            ("delimiter", "dialect"),
            ("quotechar", "dialect"),
            ("has_header", "header"),
            ("preamble_lines", "preamble"),
            ("footer_rows", "footer"),
        )
    ]
    return "\n".join(
        [
            "type: csv_assets.components.CsvSource",
            "",
            "attributes:",
            f"  name: {name}",
            f"  schema_model: csv_assets.schemas.{name}:{class_name}",
            f"  description: Rows of {file} deliveries (drafted by csv-assets init-source).",
            "  load_mode: append",
            f"  key_columns: [{', '.join(keys)}]",
            "  owners: []",
            "  settle_seconds: 10",
            "  on_drift: warn",
            *(
                [f"  dialect: {yaml.safe_dump(pins, default_flow_style=True, width=10**6).strip()}"]
                if pins
                else []
            ),
            "  # What the sniffer decided on the sample; pin any it should not guess, e.g.",
            f"  # dialect: {{delimiter: {json.dumps(dialect.delimiter)}}}",
            *(f"  {line}" for line in sniffed),
            "",
        ]
    )
