"""The whole demo business as DataFrames, from one seed: :func:`simulate`.

Each concept draws from its own random stream (``numpy.random.Generator(PCG64(...))``
seeded with the demo seed and the concept's name), so the same seed always gives the
same history, and changing one concept's model does not reshuffle the others.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_lib.demo import aftersales, finance, inbound, listing_log, marketing, people, reviews
from kpi_lib.demo.catalog import build_catalog, build_listings
from kpi_lib.demo.sales import SalesHistory, jp_delay_skus, simulate_sales

DEFAULT_SEED = 20261128


def rng_for(seed: int, concept: str) -> np.random.Generator:
    """The random stream of one concept (e.g. ``"orders"``) for a demo seed."""
    return np.random.Generator(np.random.PCG64([int(seed), zlib.crc32(concept.encode("utf-8"))]))


@dataclass(frozen=True)
class DemoData:
    """Every simulated table (local currency; see each producing function's docstring)."""

    seed: int
    catalog: pd.DataFrame          # one row per SKU
    listings: pd.DataFrame         # one row per store × SKU
    sales: SalesHistory            # orders, daily stock, month-end stock, FBA receipts
    facts: pd.DataFrame            # Amazon listing × month: units, sales, stock-outs
    traffic: pd.DataFrame          # Business Report rows
    ads: pd.DataFrame              # Sponsored Products rows (campaign × ad group × product × month)
    ads_search_terms: pd.DataFrame  # JP ads split by customer search term (LingXing grain)
    returns: pd.DataFrame
    channel_refunds: pd.DataFrame
    cs_messages: pd.DataFrame
    account_health: pd.DataFrame
    profit: pd.DataFrame           # LingXing 利润报表-MSKU rows with a month column
    costs: pd.DataFrame
    budget: pd.DataFrame
    roster: pd.DataFrame
    ownership: pd.DataFrame
    survey: pd.DataFrame
    jp_delay_skus: tuple[str, ...]
    reviews: pd.DataFrame          # reviews of Amazon listings with the seller's responses
    listing_changes: pd.DataFrame  # the designer's listing change log
    shipments: pd.DataFrame        # FBA inbound shipments with appointment windows
    manager_ratings: pd.DataFrame  # 主管评级: one S/A/B/C/D per active employee per month, 2026-07..10

    @property
    def orders(self) -> pd.DataFrame:
        return self.sales.orders


def simulate(seed: int = DEFAULT_SEED) -> DemoData:
    """Simulate 2025-07 … 2026-10 of the demo client (about 1–2 s)."""
    catalog = build_catalog()
    listings = build_listings(catalog)
    history = simulate_sales(listings, rng_for(seed, "sales"), pilot_rng=rng_for(seed, "pilot"))
    facts = marketing.monthly_listing_facts(listings, history)
    ads_rows = marketing.ads(facts, rng_for(seed, "ads"))
    jp_ads = marketing.split_search_terms(ads_rows[ads_rows["store"] == "JP-Main"], listings,
                                          rng_for(seed, "search_terms"))
    returns = aftersales.returns(history.orders, listings, rng_for(seed, "returns"))
    return DemoData(
        seed=int(seed), catalog=catalog, listings=listings, sales=history, facts=facts,
        traffic=marketing.traffic(facts, rng_for(seed, "traffic")),
        ads=ads_rows, ads_search_terms=jp_ads, returns=returns,
        channel_refunds=aftersales.channel_refunds(history.orders, rng_for(seed, "refunds")),
        cs_messages=aftersales.cs_messages(history.orders, rng_for(seed, "cs")),
        account_health=aftersales.account_health(history.orders, rng_for(seed, "health")),
        profit=finance.profit_report(facts, ads_rows, returns, listings, rng_for(seed, "profit")),
        costs=finance.costs(listings),
        budget=finance.budget(history.orders),
        roster=people.roster(),
        ownership=people.ownership(listings),
        survey=people.survey(rng_for(seed, "survey")),
        jp_delay_skus=tuple(jp_delay_skus(listings)),
        reviews=reviews.reviews(history.orders, listings, rng_for(seed, "reviews")),
        listing_changes=listing_log.listing_changes(listings, rng_for(seed, "listing_changes")),
        shipments=inbound.shipments(history, listings, jp_delay_skus(listings), rng_for(seed, "shipments")),
        manager_ratings=people.manager_ratings(),
    )
