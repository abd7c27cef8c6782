"""Scorecard benchmark: attribution + per person × month sums on a large synthetic client,
the suite's code vs DuckDB SQL computing the same aggregations, in the same run.

The client is generated directly as canonical tables (no raw files): a year of order lines
(default 2,000,000), 5,000 SKUs in 50 categories sold in 15 stores of 3 markets, monthly
ads and traffic rows per SKU, returns of ~3 % of the lines, and 60 staff — 30 operators
owning categories per market (with mid-year handovers), 15 advertisers owning campaign
patterns, 15 CS agents owning one store each. The aggregations: for every month, per
person, GMV and units sold (orders; operations and CS), units returned (returns;
operations and CS), sessions (monthly traffic rows split by owned days; operations) and ad
spend (monthly ads rows; advertising).

Each side runs in its own subprocess (generating the same data first); memory is the peak
resident memory sampled during the step above what was in use when it started (the data). Both
results are compared (they must agree to 1e-6) and the time and memory ratios printed as
JSON. Goal: within 2× of DuckDB.

Usage: python benchmarks/bench_scorecard.py [--lines N] [--skus N] [--out DIR] [--in-process]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from common import PeakMemory, in_child, report  # noqa: E402

MARKETS = ("US", "JP", "DE")
STORES_PER_MARKET = 5
CATEGORIES = 50
OPS_PER_MARKET, ADS_PER_MARKET = 10, 5
HANDOVER = pd.Timestamp("2026-06-16")
YEAR = 2026
METRICS = ("gmv_sales", "units_sold", "units_returned", "sessions", "ad_spend")


# -- the synthetic client ------------------------------------------------------------------
def make_client(lines: int = 2_000_000, skus: int = 5_000, seed: int = 11) -> dict[str, pd.DataFrame]:
    """Canonical tables of a large client (deterministic)."""
    rng = np.random.default_rng(seed)
    sku_ids = np.arange(skus)
    category = sku_ids % CATEGORIES
    market_of = (sku_ids // CATEGORIES) % len(MARKETS)
    store_no = (sku_ids // (CATEGORIES * len(MARKETS))) % STORES_PER_MARKET
    sku_name = np.array([f"C{c:02d}-{i:05d}" for c, i in zip(category, sku_ids)], dtype=object)
    markets = np.array(MARKETS, dtype=object)
    store_name = np.array([f"{markets[m]}-S{s}" for m, s in zip(market_of, store_no)], dtype=object)
    popularity = rng.lognormal(0, 1, skus)
    p = popularity / popularity.sum()

    days = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31")
    which = rng.choice(skus, size=lines, p=p)
    day = rng.integers(0, len(days), lines)
    qty = rng.choice([1.0, 2.0, 3.0], size=lines, p=[0.8, 0.15, 0.05])
    price = 10 + (which % 40)
    status = np.where(rng.random(lines) < 0.015, "cancelled", "shipped")
    orders = pd.DataFrame({
        "market": pd.array(markets[market_of[which]], dtype="string"),
        "store": pd.array(store_name[which], dtype="string"),
        "sku": pd.array(sku_name[which], dtype="string"), "asin": pd.array([None] * lines, dtype="string"),
        "order_date": days.values[day], "status": pd.array(status, dtype="string"), "quantity": qty,
        "item_sales_base": qty * price * 7.0, "currency": pd.array(["USD"] * lines, dtype="string"),
        "fx_rate": 7.0, "source_file": pd.array(["orders.txt"] * lines, dtype="string")})
    ret = rng.random(lines) < 0.03
    returns = pd.DataFrame({
        "market": orders["market"][ret].to_numpy(), "store": orders["store"][ret].to_numpy(),
        "sku": orders["sku"][ret].to_numpy(), "asin": pd.array([None] * int(ret.sum()), dtype="string"),
        "return_date": (orders["order_date"][ret] + pd.to_timedelta(rng.integers(3, 30, int(ret.sum())), unit="D")
                        ).clip(upper=days[-1]).to_numpy(),
        "quantity": orders["quantity"][ret].to_numpy(), "source_file": "returns.txt"})
    months = pd.period_range(f"{YEAR}-01", f"{YEAR}-12", freq="M")
    grid_sku = np.tile(sku_ids, len(months))
    grid_month = np.repeat(np.arange(len(months)), skus)
    starts = months.start_time.values[grid_month]
    ends = months.end_time.normalize().values[grid_month]
    traffic = pd.DataFrame({
        "market": pd.array(markets[market_of[grid_sku]], dtype="string"),
        "store": pd.array(store_name[grid_sku], dtype="string"), "sku": pd.array(sku_name[grid_sku], dtype="string"),
        "asin": pd.array([f"B0{i:08d}" for i in grid_sku], dtype="string"),
        "period_start": starts, "period_end": ends,
        "sessions": np.round(popularity[grid_sku] * 300 * rng.uniform(0.8, 1.2, len(grid_sku))),
        "units_ordered": np.round(popularity[grid_sku] * 30), "ordered_sales_base": popularity[grid_sku] * 3000,
        "currency": "USD", "fx_rate": 7.0, "source_file": "br.csv"})
    ads = pd.DataFrame({
        "market": traffic["market"], "store": traffic["store"], "sku": traffic["sku"], "asin": traffic["asin"],
        "campaign": pd.array([f"SP-C{c:02d}-Auto" for c in category[grid_sku]], dtype="string"),
        "period_start": starts, "period_end": ends,
        "spend_base": np.round(popularity[grid_sku] * 50 * rng.uniform(0.5, 1.5, len(grid_sku)), 2),
        "attributed_sales_base": popularity[grid_sku] * 200, "clicks": 10.0, "impressions": 1000.0,
        "attributed_orders": 1.0, "currency": "USD", "fx_rate": 7.0, "source_file": "ads.csv"})

    people, own = [], []
    pid = 0

    def person(role):
        nonlocal pid
        pid += 1
        people.append({"person_id": f"E{pid:03d}", "name": f"E{pid:03d}", "role": role, "level": "junior",
                       "team": role, "markets": "", "start_date": pd.NaT, "end_date": pd.NaT})
        return f"E{pid:03d}"

    start = pd.Timestamp(f"{YEAR - 1}-01-01")
    for m in MARKETS:
        ops = [person("operations") for _ in range(OPS_PER_MARKET)]
        for c in range(CATEGORIES):
            owner = ops[c % OPS_PER_MARKET]
            if c % 7 == 3:   # a handover mid-year: the next operator takes the category over
                nxt = ops[(c + 1) % OPS_PER_MARKET]
                own.append((owner, m, None, "sku", f"C{c:02d}-*", start, HANDOVER - pd.Timedelta(days=1)))
                own.append((nxt, m, None, "sku", f"C{c:02d}-*", HANDOVER, pd.NaT))
            else:
                own.append((owner, m, None, "sku", f"C{c:02d}-*", start, pd.NaT))
        adv = [person("advertising") for _ in range(ADS_PER_MARKET)]
        for c in range(CATEGORIES):
            own.append((adv[c % ADS_PER_MARKET], m, None, "campaign", f"SP-C{c:02d}-*", start, pd.NaT))
        for s in range(STORES_PER_MARKET):
            own.append((person("customer_service"), m, f"{m}-S{s}", "store", f"{m}-S{s}", start, pd.NaT))
    ownership = pd.DataFrame(own, columns=["person_id", "market", "store", "scope", "pattern", "from_date", "to_date"])
    ownership["source_file"] = "own.xlsx"
    return {"orders": orders, "returns": returns, "traffic": traffic, "ads": ads,
            "people": pd.DataFrame(people), "ownership": ownership}


# -- the suite's code ------------------------------------------------------------------------
PLAN = {"orders": ("operations", "customer_service"), "returns": ("operations", "customer_service"),
        "traffic": ("operations",), "ads": ("advertising",)}


def run_suite(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The suite's path: ownership rules, then per table and role the facts, attribution and
    per person × month sums, chunk by chunk (:func:`kpi_lib.metrics.compute.person_sums`)."""
    from kpi_lib.engine.attribution import prepare_rules
    from kpi_lib.metrics import facts as fx
    from kpi_lib.metrics.compute import person_sums

    rules = prepare_rules(tables["ownership"], tables["people"]).rules
    builders = {"orders": lambda t: fx.order_facts(t, None, None), "returns": fx.return_facts,
                "traffic": fx.traffic_facts, "ads": fx.ad_facts}
    wanted = {"orders": ["gmv_sales", "units_sold"], "returns": ["units_returned"], "traffic": ["sessions"],
              "ads": ["ad_spend"]}
    first, last = pd.Timestamp(f"{YEAR}-01-01"), pd.Timestamp(f"{YEAR}-12-31")
    parts = []
    for name, roles in PLAN.items():
        for role in roles:
            sums = person_sums(tables[name], builders[name], rules[rules["role"] == role], role, first, last,
                               wanted[name])
            sums = sums.drop(columns="market").groupby(["person_id", "month"]).sum().reset_index()
            parts.append(sums.melt(["person_id", "month"], var_name="metric", value_name="value").assign(role=role))
    return _tidy(pd.concat(parts, ignore_index=True))


# -- DuckDB ------------------------------------------------------------------------------------
SQL = """
WITH rules AS (
    SELECT o.person_id, p.role, o.market, o.store, o.scope,
           lower(replace(replace(o.pattern, '%', '\\%'), '*', '%')) AS pat,
           o.from_date::DATE AS f, coalesce(o.to_date::DATE, DATE '9999-12-31') AS t
    FROM ownership o JOIN people p USING (person_id)
),
order_rows AS (
    SELECT r.role, r.person_id, month(x.order_date) AS month,
           sum(CASE WHEN lower(x.status) <> 'cancelled' THEN x.item_sales_base ELSE 0 END) AS gmv_sales,
           sum(CASE WHEN lower(x.status) <> 'cancelled' THEN x.quantity ELSE 0 END) AS units_sold
    FROM orders x JOIN rules r
      ON r.market = x.market AND (r.store IS NULL OR r.store = x.store)
     AND x.order_date::DATE BETWEEN r.f AND r.t
     AND ((r.scope = 'sku' AND lower(x.sku) LIKE r.pat ESCAPE '\\')
       OR (r.scope = 'store' AND lower(x.store) LIKE r.pat ESCAPE '\\'))
    WHERE r.role IN ('operations', 'customer_service')
    GROUP BY ALL
),
return_rows AS (
    SELECT r.role, r.person_id, month(x.return_date) AS month, sum(x.quantity) AS units_returned
    FROM returns x JOIN rules r
      ON r.market = x.market AND (r.store IS NULL OR r.store = x.store)
     AND x.return_date::DATE BETWEEN r.f AND r.t
     AND ((r.scope = 'sku' AND lower(x.sku) LIKE r.pat ESCAPE '\\')
       OR (r.scope = 'store' AND lower(x.store) LIKE r.pat ESCAPE '\\'))
    WHERE r.role IN ('operations', 'customer_service')
    GROUP BY ALL
),
traffic_rows AS (
    SELECT r.role, r.person_id, month(x.period_start) AS month,
           sum(x.sessions * (date_diff('day', greatest(x.period_start::DATE, r.f), least(x.period_end::DATE, r.t)) + 1)
               / (date_diff('day', x.period_start::DATE, x.period_end::DATE) + 1)) AS sessions
    FROM traffic x JOIN rules r
      ON r.market = x.market AND (r.store IS NULL OR r.store = x.store)
     AND x.period_start::DATE <= r.t AND x.period_end::DATE >= r.f
     AND r.scope = 'sku' AND lower(x.sku) LIKE r.pat ESCAPE '\\'
    WHERE r.role = 'operations'
    GROUP BY ALL
),
ad_rows AS (
    SELECT r.role, r.person_id, month(x.period_start) AS month,
           sum(x.spend_base * (date_diff('day', greatest(x.period_start::DATE, r.f), least(x.period_end::DATE, r.t)) + 1)
               / (date_diff('day', x.period_start::DATE, x.period_end::DATE) + 1)) AS ad_spend
    FROM ads x JOIN rules r
      ON r.market = x.market AND (r.store IS NULL OR r.store = x.store)
     AND x.period_start::DATE <= r.t AND x.period_end::DATE >= r.f
     AND r.scope = 'campaign' AND lower(x.campaign) LIKE r.pat ESCAPE '\\'
    WHERE r.role = 'advertising'
    GROUP BY ALL
)
SELECT role, person_id, month, 'gmv_sales' AS metric, gmv_sales AS value FROM order_rows
UNION ALL SELECT role, person_id, month, 'units_sold', units_sold FROM order_rows
UNION ALL SELECT role, person_id, month, 'units_returned', units_returned FROM return_rows
UNION ALL SELECT role, person_id, month, 'sessions', sessions FROM traffic_rows
UNION ALL SELECT role, person_id, month, 'ad_spend', ad_spend FROM ad_rows
"""


def run_duckdb(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The same aggregations in DuckDB SQL. The synthetic ownership has one owner per key
    and day within a role, so a plain join by pattern and dates is the same attribution
    (the suite also resolves precedence and conflicts, which this data does not need)."""
    import duckdb

    con = duckdb.connect()
    for name in ("orders", "returns", "traffic", "ads", "people", "ownership"):
        con.register(name, tables[name])
    out = con.execute(SQL).df()
    con.close()
    return _tidy(out)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[frame["value"].fillna(0) != 0]
    frame = frame.assign(month=frame["month"].astype(int), value=frame["value"].astype(float))
    return frame[["role", "person_id", "month", "metric", "value"]].sort_values(
        ["role", "person_id", "month", "metric"]).reset_index(drop=True)


# -- measuring -----------------------------------------------------------------------------------
def measure(step: str, lines: int, skus: int) -> dict:
    """Generate the client, then time one step and sample its peak memory."""
    tables = make_client(lines, skus)
    input_mb = sum(t.memory_usage(deep=True).sum() for t in tables.values()) / 2**20
    with PeakMemory() as mem:
        result = run_suite(tables) if step == "suite" else run_duckdb(tables)
    return {"step": step, "seconds": mem.seconds, "peak_extra_mb": mem.extra_mb, "base_mb": mem.base,
            "input_mb": input_mb, "rows": len(result), "total": float(result["value"].sum()), "result": result}


def step_measure(step: str, lines: int, skus: int, out: str) -> dict:
    """:func:`measure` in its own process (via common.in_child); the sums go to ``out`` (parquet)."""
    m = measure(step, lines, skus)
    m.pop("result").to_parquet(out)
    return m


def run(lines: int = 2_000_000, skus: int = 5_000, *, in_process: bool = False) -> dict:
    if in_process:
        suite, duck = measure("suite", lines, skus), measure("duckdb", lines, skus)
        a, b = suite.pop("result"), duck.pop("result")
    else:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            got = {}
            for step in ("suite", "duckdb"):
                path = str(Path(tmp) / f"{step}.parquet")
                got[step] = in_child("bench_scorecard", "step_measure", step=step, lines=lines, skus=skus, out=path)
                got[step + "_frame"] = pd.read_parquet(path)
            suite, duck, a, b = got["suite"], got["duckdb"], got["suite_frame"], got["duckdb_frame"]
    merged = a.merge(b, on=["role", "person_id", "month", "metric"], how="outer", suffixes=("_suite", "_duckdb"))
    diff = (merged["value_suite"].fillna(0) - merged["value_duckdb"].fillna(0)).abs()
    result = {"lines": lines, "skus": skus, "staff": 60, "markets": len(MARKETS), "suite": suite, "duckdb": duck,
              "time_ratio": suite["seconds"] / duck["seconds"],
              "memory_ratio": suite["peak_extra_mb"] / max(duck["peak_extra_mb"], 1.0),
              "input_mb": suite["input_mb"], "memory_ratio_to_input": suite["peak_extra_mb"] / suite["input_mb"],
              "results_agree": bool((diff <= 1e-6 * (1 + merged["value_duckdb"].abs().fillna(0))).all()),
              "max_abs_difference": float(diff.max()) if len(diff) else 0.0}
    result["goals"] = {"time_within_2x": result["time_ratio"] <= 2.0, "memory_within_2x": result["memory_ratio"] <= 2.0}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--skus", type=int, default=5_000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()
    result = run(args.lines, args.skus, in_process=args.in_process)
    report(result, args.out, "scorecard.json")


if __name__ == "__main__":
    main()
