"""The payments contract: one row per settled payment from the payment provider."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

CURRENCIES = ["EUR", "USD", "GBP", "CHF"]
METHODS = ["card", "bank_transfer", "paypal", "invoice"]


class Payments(pa.DataFrameModel):
    """A settled payment; the key is ``payment_id``."""

    payment_id: Series[str] = pa.Field(
        str_matches=r"^PAY-\d{6}$", unique=True, description="Provider payment reference."
    )
    order_id: Series[int] = pa.Field(ge=1, description="Shop order the payment settles.")
    paid_at: Series[pd.DatetimeTZDtype] = pa.Field(
        dtype_kwargs={"unit": "ns", "tz": "UTC"}, description="Settlement time (UTC)."
    )
    amount: Series[pa.dtypes.Decimal] = pa.Field(
        gt=0, dtype_kwargs={"precision": 12, "scale": 2}, description="Amount settled."
    )
    currency: Series[str] = pa.Field(isin=CURRENCIES, description="ISO 4217 currency code.")
    method: Series[str] = pa.Field(isin=METHODS, description="Payment method.")
    captured: Series[bool] = pa.Field(description="Whether the provider captured the funds.")

    class Config:
        strict = True
