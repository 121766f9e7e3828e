"""A small contract for tests that need a source of their own (load modes, evolution, replay)."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series


class Readings(pa.DataFrameModel):
    """One meter reading; the key is ``reading_id``."""

    reading_id: Series[int] = pa.Field(ge=1, description="Reading number.")
    site: Series[str] = pa.Field(isin=["north", "south", "east"], description="Where.")
    value: Series[pa.dtypes.Decimal] = pa.Field(
        ge=0, dtype_kwargs={"precision": 8, "scale": 2}, description="kWh."
    )
    taken_at: Series[pd.DatetimeTZDtype] = pa.Field(
        dtype_kwargs={"unit": "ns", "tz": "UTC"}, description="When (UTC)."
    )


class ReadingsWithWest(Readings):
    """The same contract after the business opened a western site."""

    site: Series[str] = pa.Field(isin=["north", "south", "east", "west"], description="Where.")


class Shipments(pa.DataFrameModel):
    """A shipment leg: it must arrive after it leaves, and a file must move some weight."""

    leg_id: Series[int] = pa.Field(ge=1, description="Leg number.")
    departed: Series[pd.DatetimeTZDtype] = pa.Field(
        dtype_kwargs={"unit": "ns", "tz": "UTC"}, description="Departure (UTC)."
    )
    arrived: Series[pd.DatetimeTZDtype] = pa.Field(
        dtype_kwargs={"unit": "ns", "tz": "UTC"}, description="Arrival (UTC)."
    )
    kg: Series[float] = pa.Field(ge=0, description="Weight carried.")

    @pa.dataframe_check(error="arrives after it departs")
    @classmethod
    def arrives_after_departure(cls, df: pd.DataFrame) -> Series[bool]:
        return df["arrived"] >= df["departed"]

    @pa.dataframe_check(error="the file carries some weight")
    @classmethod
    def carries_weight(cls, df: pd.DataFrame) -> bool:
        return bool(df["kg"].sum() > 0)


class Amounts(pa.DataFrameModel):
    """Money at 18 digits, more than a binary float holds; the key is ``line_id``."""

    line_id: Series[int] = pa.Field(ge=1, description="Line number.")
    amount: Series[pa.dtypes.Decimal] = pa.Field(
        nullable=True, dtype_kwargs={"precision": 18, "scale": 2}, description="Amount."
    )


class EveryKind(pa.DataFrameModel):
    """One column of each kind a load writes, all but the key nullable."""

    row_id: Series[int] = pa.Field(ge=1, description="Row number.")
    big: Series[int] = pa.Field(nullable=True, description="A 64-bit integer.")
    ratio: Series[float] = pa.Field(nullable=True, description="A binary float.")
    price: Series[pa.dtypes.Decimal] = pa.Field(
        nullable=True, dtype_kwargs={"precision": 20, "scale": 6}, description="Exact."
    )
    flag: Series[bool] = pa.Field(nullable=True, description="A nullable boolean.")
    day: Series[pa.dtypes.Date] = pa.Field(nullable=True, description="A date.")
    seen: Series[pd.Timestamp] = pa.Field(nullable=True, description="A naive timestamp.")
    at: Series[pd.DatetimeTZDtype] = pa.Field(
        nullable=True, dtype_kwargs={"unit": "ns", "tz": "UTC"}, description="A UTC instant."
    )
    note: Series[str] = pa.Field(nullable=True, description="Free text.")


class ManyChecks(pa.DataFrameModel):
    """One of each built-in check the quick Arrow pass decides, for its agreement with pandera."""

    n: Series[int] = pa.Field(ge=0, lt=100, unique=True)
    m: Series[int] = pa.Field(nullable=True, gt=-5, le=5, ne=3)
    r: Series[float] = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 1})
    p: Series[pa.dtypes.Decimal] = pa.Field(
        nullable=True, ge=0, dtype_kwargs={"precision": 8, "scale": 2}
    )
    code: Series[str] = pa.Field(isin=["a", "b", "é"], str_length={"min_value": 1})
    tag: Series[str] = pa.Field(nullable=True, notin=["x"], str_length={"max_value": 3})
    mail: Series[str] = pa.Field(nullable=True, str_matches=r"[a-z]+@[a-z]+$")


class Counts(pa.DataFrameModel):
    """Items counted per line: whole numbers, until a partner's export says otherwise."""

    line_id: Series[int] = pa.Field(ge=1, description="Line number.")
    count: Series[int] = pa.Field(ge=0, description="Items counted.")
    price: Series[pa.dtypes.Decimal] = pa.Field(
        nullable=True, dtype_kwargs={"precision": 8, "scale": 2}, description="Unit price."
    )
    shipped: Series[pa.dtypes.Date] = pa.Field(nullable=True, description="Shipping day.")
    note: Series[str] = pa.Field(nullable=True, description="Free text.")


class CountsWithMeter(Counts):
    """The same lines, once the model learned the partner's new ``Meter No`` column."""

    meter_no: Series[str] = pa.Field(nullable=True, description="The meter read.")
