"""``SchemaEvolution``: what a source does when a feed changes, one declared mode per change.

The defaults are the strictest: a new column or a missing one rejects the file, and a value
that does not fit its column's type sends its row to quarantine.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

NewColumn = Literal["fail", "ignore", "add", "rescue"]
MissingColumn = Literal["fail", "null"]
DataType = Literal["quarantine", "rescue", "widen"]


class SchemaEvolution(BaseModel):
    """A source's ``schema_evolution`` block: Auto Loader's evolution modes, dlt's contracts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    new_column: NewColumn = Field(
        default="fail",
        description="A column the model does not know: fail (reject the file), ignore (not "
        "loaded), add (a new nullable column of the table, in the load's transaction) or "
        "rescue (its cells kept as text in the row's _rescued_data).",
    )
    missing_column: MissingColumn = Field(
        default="fail",
        description="A column of the model missing from the file: fail (reject the file), or "
        "null (load NULL in it, for a column the model declares nullable; a column that may "
        "not be null still rejects the file).",
    )
    data_type: DataType = Field(
        default="quarantine",
        description="A value that does not fit its column's type: quarantine (its row), "
        "rescue (the row loads with NULL there, the cell's text kept in its _rescued_data; "
        "a column that may not be null still quarantines the row), or "
        "widen (the column's type grows, in place and in the load's transaction, when a wider "
        "type holds every value exactly: integer to decimal, more decimal digits, date to "
        "timestamp, and to text only with widen_to_text; otherwise the row is quarantined).",
    )

    @field_validator("missing_column", mode="before")
    @classmethod
    def _yaml_null(cls, value: object) -> object:
        # ``missing_column: null`` is YAML's null: the mode of that name is meant.
        return "null" if value is None else value

    widen_to_text: bool = Field(
        default=False,
        description="With data_type: widen, a column whose values fit no wider type of its "
        "kind becomes text (nothing is lost, but the column is no longer typed); only a "
        "column the model declares no checks for, as checks could not judge text.",
    )
