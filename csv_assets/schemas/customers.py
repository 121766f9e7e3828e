"""The customers contract: one row per customer account, as exported by the CRM."""

import datetime as dt

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series


class Customers(pa.DataFrameModel):
    """A customer account; the key is ``customer_id``."""

    customer_id: Series[int] = pa.Field(ge=1, unique=True, description="CRM account number.")
    name: Series[str] = pa.Field(str_length={"min_value": 1}, description="Account name.")
    email: Series[str] = pa.Field(
        nullable=True,
        str_matches=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$",
        description="Billing email address.",
    )
    country: Series[str] = pa.Field(
        str_matches=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code."
    )
    signup_date: Series[dt.date] = pa.Field(description="Day the account was opened.")
    credit_limit: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, ge=0, description="Credit limit in EUR; empty when none was granted."
    )

    class Config:
        strict = True
