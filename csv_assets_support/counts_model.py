"""Items counted per line."""

import pandera.pandas as pa
from pandera.typing import Series


class Counts(pa.DataFrameModel):
    """One counted line."""

    line_id: Series[int] = pa.Field(ge=1, description="Line number.")
    count: Series[int] = pa.Field(ge=0, description="Items counted.")  # a count, for now
    note: Series[str] = pa.Field(nullable=True, description="Free text.")
