"""What a source may fix about how its files are written, instead of letting the sniffer decide.

Each pin is typed and checked where the YAML is read (``has_header: "no"`` is refused, not
taken as true); a pin left out is sniffed. ``as_pins`` gives the stages the pins that were set,
an explicit ``null`` included (``quotechar: null``: the files quote nothing).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

# Plain annotations, bounds in validators: Dagster resolves the component's YAML into these
# fields too, and takes no constrained types nested in an optional.


class DialectPins(BaseModel):
    """The dialect fields a source fixes; every one optional."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    encoding: str | None = Field(default=None, description="A text encoding: utf-8, cp1252...")
    delimiter: str | None = Field(default=None, description="The one character between cells.")
    quotechar: str | None = Field(default=None, description="The quote; null: none.")
    escapechar: str | None = Field(default=None, description="The escape; null: none.")
    doublequote: bool | None = Field(default=None, description="Whether quotes are doubled.")
    has_header: bool | None = Field(default=None, description="Whether a header row comes first.")
    preamble_lines: int | None = Field(default=None, description="Lines above the header.")
    footer_rows: int | None = Field(default=None, description="Rows below the table.")
    comment_prefix: str | list[str] | None = Field(
        default=None, description="What starts a comment line: one prefix, or several."
    )
    null_tokens: list[str] | None = Field(default=None, description="Cell texts read as null.")
    decimal: Literal[".", ","] | None = Field(default=None, description="The decimal mark.")
    thousands: str | None = Field(default=None, description="The thousands separator.")
    date_formats: dict[str, str] | None = Field(
        default=None, description="strptime formats by column: {booked: '%d.%m.%Y'}."
    )

    @field_validator("encoding")
    @classmethod
    def _text_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                "x".encode(value)  # rot13 is a codec, not a text encoding
            except LookupError as error:
                raise ValueError(f"dialect encoding {value!r}: {error}") from None
        return value

    @field_validator("delimiter", "quotechar", "escapechar", "thousands")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError(f"{value!r} is not one character")
        return value

    @field_validator("preamble_lines", "footer_rows")
    @classmethod
    def _a_count(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= 10_000:
            raise ValueError(f"{value} is not a number of lines from 0 to 10,000")
        return value

    @model_serializer(mode="wrap")
    def _only_what_was_set(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A dump read back must pin what was pinned, no more: an unset quotechar is sniffed,
        # a quotechar set to null means the files quote nothing.
        dumped: dict[str, Any] = handler(self)
        return {name: value for name, value in dumped.items() if name in self.model_fields_set}

    def as_pins(self) -> dict[str, Any]:
        """The pins that were set, by field name, as the stages take them."""
        return self.model_dump()


DIALECT_PINS = frozenset(DialectPins.model_fields)
"""Every dialect field a source may fix in its YAML instead of letting the sniffer decide."""
