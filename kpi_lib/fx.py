"""Currency conversion to the client's base currency with dated (monthly) rates.

Every converted figure keeps its rate: for a money column ``x`` the frame gains ``x_base``
(base-currency amount) and one ``fx_rate`` column (base units per unit of the row's
``currency``, for the row's month). Rates come from the config's ``fx_rates``.
"""
from __future__ import annotations

import pandas as pd

from kpi_lib.config.models import ClientConfig
from kpi_lib.errors import ConfigError

# Money columns and the column that dates each row, per canonical table.
MONEY_COLUMNS: dict[str, tuple[tuple[str, ...], str]] = {
    "orders": (("item_sales",), "order_date"),
    "traffic": (("ordered_sales",), "period_start"),
    "ads": (("spend", "attributed_sales"), "period_start"),
    "profit": (("revenue", "cogs", "fees", "ad_cost", "freight", "gross_profit"), "month"),
    "transactions": (("product_sales", "fees", "total"), "posted_at"),
    "budget": (("amount",), "month"),
    "shipments": (("freight_cost",), "ship_date"),
}


def row_months(frame: pd.DataFrame, date_column: str) -> pd.Series:
    """YYYY-MM of each row's date (or the month string itself)."""
    col = frame[date_column]
    if pd.api.types.is_datetime64_any_dtype(col):
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            col = col.dt.tz_convert(None)
        return col.dt.strftime("%Y-%m").astype("string")
    return col.astype("string").str.slice(0, 7)


def rate_table(config: ClientConfig) -> pd.DataFrame:
    """All configured rates as rows (currency, month, fx_rate)."""
    rows = [(cur, month, rate) for cur, by_month in config.fx_rates.items() for month, rate in by_month.items()]
    return pd.DataFrame(rows, columns=["currency", "month", "fx_rate"]).astype(
        {"currency": "string", "month": "string", "fx_rate": "float64"})


def to_base(frame: pd.DataFrame, table: str, config: ClientConfig) -> tuple[pd.DataFrame, list[ConfigError]]:
    """A copy of ``frame`` with ``<money>_base`` and ``fx_rate`` columns added.

    Rows whose (currency, month) has no rate get NaN base amounts, and one ConfigError per
    missing (currency, month) is returned so the consultant can add the rates.
    """
    if table not in MONEY_COLUMNS or frame.empty:
        return frame, []
    money, date_column = MONEY_COLUMNS[table]
    months = row_months(frame, date_column)
    currency = frame["currency"].astype("string")
    keys = pd.DataFrame({"currency": currency, "month": months})
    rates = keys.merge(rate_table(config), on=["currency", "month"], how="left")["fx_rate"].to_numpy()
    is_base = (currency == config.base_currency).fillna(False).to_numpy()
    rates = pd.Series(rates, index=frame.index, dtype="float64").mask(is_base, 1.0)
    out = frame.assign(fx_rate=rates)
    for col in money:
        if col in out.columns:
            out[f"{col}_base"] = out[col] * rates
    missing = keys[rates.isna().to_numpy() & currency.notna().to_numpy() & months.notna().to_numpy()]
    errors = [
        ConfigError(
            f"no FX rate for {cur} in {month} ({table} rows left without a base-currency amount)",
            client=config.client_id, file=config.config_path, key=f"fx_rates.{cur}.{month}",
            expected=f"the rate of 1 {cur} in {config.base_currency}",
            fix=f"add `{month}: <rate>` under fx_rates.{cur} in the config")
        for cur, month in sorted(set(map(tuple, missing.drop_duplicates().to_numpy().tolist())))
    ]
    return out, errors
