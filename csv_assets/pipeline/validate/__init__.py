"""Validate: type a chunk's cells and check the source's pandera contract, lazily.

A source's columns come from its pandera model (``columns_of``), a file's header maps onto them
(``plan_columns``), and ``validate_chunk`` splits a chunk into typed good rows and rejected rows
with every rule they broke. ``wider_column`` says which wider type holds cells that did not fit.
"""

from csv_assets.pipeline.validate.coerce import typed_value
from csv_assets.pipeline.validate.columns import (
    ColumnPlan,
    ColumnSpec,
    columns_of,
    import_model,
    plan_columns,
)
from csv_assets.pipeline.validate.contract import (
    LINE,
    ChunkValidation,
    Contract,
    RejectedRow,
    RowFailure,
    validate_chunk,
)
from csv_assets.pipeline.validate.rescue import RESCUED
from csv_assets.pipeline.validate.rules import Rule, contract_rules, rule_key
from csv_assets.pipeline.validate.widen import TypeChange, is_widening, wider_column

__all__ = [
    "LINE",
    "RESCUED",
    "ChunkValidation",
    "ColumnPlan",
    "ColumnSpec",
    "Contract",
    "RejectedRow",
    "RowFailure",
    "Rule",
    "TypeChange",
    "columns_of",
    "contract_rules",
    "import_model",
    "is_widening",
    "plan_columns",
    "rule_key",
    "typed_value",
    "validate_chunk",
    "wider_column",
]
