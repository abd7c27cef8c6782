"""Canonical table contracts, declared once (pandera), checked after loading.

Every adapter returns frames with these columns; everything downstream (metrics,
attribution, exports) reads them. Money columns are in the row's local ``currency``;
:mod:`kpi_lib.fx` adds ``<column>_base`` and ``fx_rate`` beside them. Times ending in
``_at`` are UTC; ``*_date`` columns are the marketplace-local calendar day (naive).
``source_file`` keeps the raw file (relative to ``data_dir``) each row came from, so every
published number can be traced to its files.
"""
from __future__ import annotations

import functools

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from kpi_lib.errors import ContractError, KpiErrors

UTC = pd.DatetimeTZDtype(tz="UTC")


class _Base(pa.DataFrameModel):
    class Config:
        strict = False      # adapters may add columns (layout, b2b splits...)
        coerce = True


class Orders(_Base):
    """Order lines. ``item_sales`` = line revenue (price × quantity) before tax, local currency."""

    order_id: Series[str]
    market: Series[str]
    platform: Series[str] = pa.Field(isin=["amazon", "shopify", "tiktok", "erp"])
    store: Series[str]
    sku: Series[str] = pa.Field(nullable=True)
    asin: Series[str] = pa.Field(nullable=True)
    quantity: Series[float]
    item_sales: Series[float] = pa.Field(nullable=True)
    currency: Series[str]
    ordered_at: Series[UTC] = pa.Field(nullable=True)
    order_date: Series[pd.Timestamp]
    status: Series[str]
    source_file: Series[str]


class Traffic(_Base):
    """Sessions and sales per child ASIN (or per day for by-date reports) over a period."""

    period_start: Series[pd.Timestamp]
    period_end: Series[pd.Timestamp]
    market: Series[str]
    store: Series[str]
    asin: Series[str] = pa.Field(nullable=True)
    sku: Series[str] = pa.Field(nullable=True)
    sessions: Series[float] = pa.Field(nullable=True, ge=0)
    page_views: Series[float] = pa.Field(nullable=True, ge=0)
    units_ordered: Series[float] = pa.Field(nullable=True)
    ordered_sales: Series[float] = pa.Field(nullable=True)
    currency: Series[str]
    source_file: Series[str]


class Ads(_Base):
    """Advertising per campaign / ad group / product (/ search term) over a day or period."""

    period_start: Series[pd.Timestamp]
    period_end: Series[pd.Timestamp]
    market: Series[str]
    store: Series[str]
    campaign: Series[str] = pa.Field(nullable=True)
    ad_group: Series[str] = pa.Field(nullable=True)
    sku: Series[str] = pa.Field(nullable=True)
    asin: Series[str] = pa.Field(nullable=True)
    impressions: Series[float] = pa.Field(nullable=True, ge=0)
    clicks: Series[float] = pa.Field(nullable=True, ge=0)
    spend: Series[float] = pa.Field(nullable=True)
    attributed_sales: Series[float] = pa.Field(nullable=True)
    attributed_orders: Series[float] = pa.Field(nullable=True)
    currency: Series[str]
    source_file: Series[str]


class Returns(_Base):
    """Customer return lines."""

    returned_at: Series[UTC] = pa.Field(nullable=True)
    return_date: Series[pd.Timestamp]
    market: Series[str]
    store: Series[str]
    order_id: Series[str] = pa.Field(nullable=True)
    sku: Series[str] = pa.Field(nullable=True)
    asin: Series[str] = pa.Field(nullable=True)
    quantity: Series[float]
    reason: Series[str] = pa.Field(nullable=True)
    source_file: Series[str]


class Inventory(_Base):
    """Inventory per SKU at a snapshot date. ``days_of_supply`` in days."""

    snapshot_date: Series[pd.Timestamp]
    market: Series[str]
    store: Series[str]
    sku: Series[str]
    asin: Series[str] = pa.Field(nullable=True)
    available: Series[float] = pa.Field(nullable=True)
    inbound: Series[float] = pa.Field(nullable=True)
    days_of_supply: Series[float] = pa.Field(nullable=True)
    aged_90_plus: Series[float] = pa.Field(nullable=True)
    source_file: Series[str]


class Profit(_Base):
    """Profit per SKU × month (LingXing 利润报表 or an ERP). Money in local currency.

    ``gross_profit`` = revenue − cogs − fees − ad_cost − freight − refunds, as the
    source states it (kept, not recomputed, so disagreements can be reported).
    """

    month: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}$")
    market: Series[str]
    store: Series[str]
    sku: Series[str] = pa.Field(nullable=True)
    asin: Series[str] = pa.Field(nullable=True)
    revenue: Series[float] = pa.Field(nullable=True)
    cogs: Series[float] = pa.Field(nullable=True)
    fees: Series[float] = pa.Field(nullable=True)
    ad_cost: Series[float] = pa.Field(nullable=True)
    freight: Series[float] = pa.Field(nullable=True)
    gross_profit: Series[float] = pa.Field(nullable=True)
    currency: Series[str]
    source_file: Series[str]


class CsMessages(_Base):
    """Buyer messages with received and responded times (UTC) and the answering agent."""

    received_at: Series[UTC]
    responded_at: Series[UTC] = pa.Field(nullable=True)
    market: Series[str]
    agent: Series[str] = pa.Field(nullable=True)
    source_file: Series[str]


class AccountHealth(_Base):
    """Account-health rates per market and reporting window (fractions, 0.009 = 0.9%)."""

    period_start: Series[pd.Timestamp]
    period_end: Series[pd.Timestamp]
    market: Series[str]
    metric: Series[str]
    rate: Series[float] = pa.Field(nullable=True)
    count: Series[float] = pa.Field(nullable=True)
    denominator: Series[float] = pa.Field(nullable=True)
    source_file: Series[str]


class Transactions(_Base):
    """Settlement transactions (Date Range report). Amounts in local currency."""

    posted_at: Series[UTC]
    market: Series[str]
    store: Series[str]
    type: Series[str]
    order_id: Series[str] = pa.Field(nullable=True)
    sku: Series[str] = pa.Field(nullable=True)
    quantity: Series[float] = pa.Field(nullable=True)
    product_sales: Series[float] = pa.Field(nullable=True)
    fees: Series[float] = pa.Field(nullable=True)
    total: Series[float] = pa.Field(nullable=True)
    currency: Series[str]
    source_file: Series[str]


class People(_Base):
    """The roster. ``markets`` is a comma-separated list of market ids."""

    person_id: Series[str] = pa.Field(unique=True)
    name: Series[str]
    role: Series[str]
    level: Series[str] = pa.Field(isin=["junior", "senior"])
    team: Series[str] = pa.Field(nullable=True)
    markets: Series[str] = pa.Field(nullable=True)
    start_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    end_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    source_file: Series[str]


class Ownership(_Base):
    """Who owns what, from when: a scope (store/sku/asin/campaign) and a pattern.

    Patterns are exact values or shell-style wildcards (``JP-KIT-*``).
    """

    person_id: Series[str]
    market: Series[str]
    store: Series[str] = pa.Field(nullable=True)
    scope: Series[str] = pa.Field(isin=["store", "sku", "asin", "campaign"])
    pattern: Series[str]
    from_date: Series[pd.Timestamp]
    to_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    source_file: Series[str]


class Costs(_Base):
    """Unit costs per SKU: purchase cost and first-leg freight, in ``currency``."""

    sku: Series[str]
    market: Series[str] = pa.Field(nullable=True)
    unit_cogs: Series[float] = pa.Field(nullable=True, ge=0)
    unit_first_leg: Series[float] = pa.Field(nullable=True, ge=0)
    currency: Series[str]
    source_file: Series[str]


class Budget(_Base):
    """Budget lines: a measure (gmv, net_profit, ad_spend...) per month and market."""

    month: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}$")
    market: Series[str]
    store: Series[str] = pa.Field(nullable=True)
    measure: Series[str]
    amount: Series[float]
    currency: Series[str]
    source_file: Series[str]


class Survey(_Base):
    """Staff survey answers. ``respondent`` is an anonymous code, never a name."""

    respondent: Series[str]
    team: Series[str] = pa.Field(nullable=True)
    question: Series[str]
    score: Series[float] = pa.Field(nullable=True, ge=1, le=5)
    comment: Series[str] = pa.Field(nullable=True)
    source_file: Series[str]


class Reviews(_Base):
    """Product reviews with the seller's response, one row per review (review template or
    an ERP's 评价管理 export). ``rating`` in stars (1–5); ``review_date`` is the
    market-local day; ``response_hours`` = responded_at − reviewed_at in hours (blank when
    not answered). Reviewer names and review text are not kept (personal data)."""

    review_id: Series[str] = pa.Field(nullable=True)
    reviewed_at: Series[UTC] = pa.Field(nullable=True)
    review_date: Series[pd.Timestamp]
    market: Series[str]
    store: Series[str] = pa.Field(nullable=True)
    asin: Series[str] = pa.Field(nullable=True)
    sku: Series[str] = pa.Field(nullable=True)
    rating: Series[float] = pa.Field(ge=1, le=5)
    responded_at: Series[UTC] = pa.Field(nullable=True)
    response_hours: Series[float] = pa.Field(nullable=True)
    source_file: Series[str]


class ListingChanges(_Base):
    """Listing change log: one row per change shipped (main image, title, bullets, A+...)
    on a market-local ``change_date``; ``changed_by`` is the employee ID (工号)."""

    change_date: Series[pd.Timestamp]
    market: Series[str]
    store: Series[str] = pa.Field(nullable=True)
    asin: Series[str] = pa.Field(nullable=True)
    sku: Series[str] = pa.Field(nullable=True)
    change_type: Series[str] = pa.Field(nullable=True)
    changed_by: Series[str] = pa.Field(nullable=True)
    source_file: Series[str]


class Shipments(_Base):
    """FBA inbound shipments, one row per shipment × SKU. Dates are market-local days:
    ``ship_date`` (left the origin), the delivery appointment window
    ``appointment_start`` … ``appointment_end`` and ``arrival_date`` (delivered to the
    FC; blank = not arrived yet). ``freight_cost`` is the first-leg freight of the line in
    ``currency``."""

    shipment_id: Series[str]
    market: Series[str]
    store: Series[str] = pa.Field(nullable=True)
    sku: Series[str] = pa.Field(nullable=True)
    asin: Series[str] = pa.Field(nullable=True)
    units_shipped: Series[float] = pa.Field(nullable=True, ge=0)
    ship_date: Series[pd.Timestamp]
    appointment_start: Series[pd.Timestamp] = pa.Field(nullable=True)
    appointment_end: Series[pd.Timestamp]
    arrival_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    freight_cost: Series[float] = pa.Field(nullable=True, ge=0)
    currency: Series[str]
    source_file: Series[str]


class ManagerRatings(_Base):
    """Each month's manager rating per employee (主管评级 template): S/A/B/C/D, with the
    rater and a comment when given. Compared with metric scores in the monthly retro."""

    person_id: Series[str]
    month: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}$")
    rating: Series[str] = pa.Field(isin=["S", "A", "B", "C", "D"])
    rater: Series[str] = pa.Field(nullable=True)
    comment: Series[str] = pa.Field(nullable=True)
    source_file: Series[str]


CONTRACTS: dict[str, type[_Base]] = {
    "orders": Orders,
    "traffic": Traffic,
    "ads": Ads,
    "returns": Returns,
    "inventory": Inventory,
    "profit": Profit,
    "cs_messages": CsMessages,
    "account_health": AccountHealth,
    "transactions": Transactions,
    "people": People,
    "ownership": Ownership,
    "costs": Costs,
    "budget": Budget,
    "survey": Survey,
    "reviews": Reviews,
    "listing_changes": ListingChanges,
    "shipments": Shipments,
    "manager_ratings": ManagerRatings,
}


def columns_of(table: str) -> list[str]:
    """The declared columns of a canonical table, in order."""
    return list(_schema(table).columns)


@functools.cache
def _schema(table: str):
    # Building a pandera schema from its model is slow; adapters ask for it per file.
    return CONTRACTS[table].to_schema()


def empty_table(table: str) -> pd.DataFrame:
    """A zero-row frame with the table's declared columns and dtypes."""
    schema = _schema(table)
    return schema.coerce_dtype(pd.DataFrame({c: pd.Series(dtype="object") for c in schema.columns}))


def validate_table(table: str, frame: pd.DataFrame, *, file: str | None = None,
                   client: str | None = None, max_errors: int = 20, owned: bool = False) -> pd.DataFrame:
    """Check ``frame`` against its contract, collecting every failure (lazy).

    Returns the coerced frame (a new object). Raises :class:`KpiErrors` of
    :class:`ContractError`, each naming the column, the row index and the check.
    ``owned=True`` is for a caller that built ``frame`` and drops it afterwards (the ingest
    pipeline): the columns are then coerced in place instead of in a full copy.
    """
    schema = _schema(table)
    try:
        return schema.validate(frame, lazy=True, inplace=owned)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        errors = []
        for rec in cases.head(max_errors).to_dict("records"):
            column = rec.get("column")
            index = rec.get("index")
            errors.append(ContractError(
                f"table '{table}' breaks its contract: {rec.get('check')}",
                client=client, file=file, column=None if pd.isna(column) else str(column),
                row=None if index is None or pd.isna(index) else int(index),
                found=rec.get("failure_case"),
                fix="check the source file's values in this column, or the adapter mapping",
            ))
        more = len(cases) - len(errors)
        summary = f"table '{table}' has {len(cases)} contract failure(s)" + (f" (first {len(errors)} shown)" if more > 0 else "")
        raise KpiErrors(errors, summary=summary) from None
