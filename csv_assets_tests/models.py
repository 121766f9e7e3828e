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
