"""The orders contract: one row per order line placed in the web shop."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

STATUSES = ["placed", "paid", "shipped", "delivered", "cancelled", "returned"]


class Orders(pa.DataFrameModel):
    """An order line; the key is ``order_id``."""

    order_id: Series[int] = pa.Field(ge=1, unique=True, description="Shop order number.")
    customer_id: Series[int] = pa.Field(ge=1, description="CRM account that placed the order.")
    ordered_at: Series[pd.DatetimeTZDtype] = pa.Field(
        dtype_kwargs={"unit": "ns", "tz": "UTC"}, description="When the order was placed (UTC)."
    )
    status: Series[str] = pa.Field(isin=STATUSES, description="Fulfilment status.")
    sku: Series[str] = pa.Field(str_matches=r"^[A-Z]{3}-\d{4}$", description="Product SKU.")
    quantity: Series[int] = pa.Field(ge=1, le=10_000, description="Units ordered.")
    unit_price: Series[pa.dtypes.Decimal] = pa.Field(
        ge=0, dtype_kwargs={"precision": 10, "scale": 2}, description="Price per unit in EUR."
    )
    note: Series[str] = pa.Field(nullable=True, description="Free-text customer note.")

    class Config:
        strict = True
