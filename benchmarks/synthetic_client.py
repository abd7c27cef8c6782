"""A large synthetic client on disk, in the real export formats, at a configurable scale.

Default scale (the performance issue): 2,000,000 order lines a year over 5,000 SKUs, 60
staff, Amazon US + Amazon JP + a Shopify store. One file per channel and month, as a
consultant receives them:

* ``raw/amazon/US-Main/orders/All-Orders-YYYY-MM.txt`` — All Orders flat file, UTF-8 (50 %);
* ``raw/amazon/JP-Main/orders/All-Orders-YYYY-MM.txt`` — the same in cp932 (35 %);
* ``raw/shopify/orders_export-YYYY-MM.csv`` — Shopify's order export, one row per line
  item, order fields on the first line only (15 %);
* ``hr/roster.csv`` and ``hr/ownership.csv`` — 30 operators owning SKU categories per
  market, 15 advertisers owning campaign patterns, 15 CS agents owning one store each;
* ``client_configs/<client>.yaml`` with dated FX rates.

Deterministic for a seed; writes ~130 MB per million order lines.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

YEAR = 2026
CATEGORIES = 50
STAFF = {"运营": 30, "广告": 15, "客服": 15}
CHANNEL_SHARE = {"US-Main": 0.50, "JP-Main": 0.35, "Shopify-US": 0.15}
AMAZON_HEADER = (
    "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\t"
    "sales-channel\torder-channel\turl\tship-service-level\tproduct-name\tsku\tasin\titem-status\tquantity\t"
    "currency\titem-price\titem-tax\tshipping-price\tshipping-tax\tgift-wrap-price\tgift-wrap-tax\t"
    "item-promotion-discount\tship-promotion-discount\tship-city\tship-state\tship-postal-code\tship-country\t"
    "promotion-ids\tis-business-order\tpurchase-order-number\tprice-designation")
SHOPIFY_HEADER = ("Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Currency,Subtotal,Shipping,"
                  "Taxes,Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,"
                  "Lineitem price,Lineitem sku,Lineitem fulfillment status,Billing Name,Id,Vendor")
TITLES = {"US": ["Stainless Knife Set", "Folding Camp Chair", "Pet Water Fountain", "Storage Box 3-Pack"],
          "JP": ["ステンレス包丁セット", "折りたたみアウトドアチェア", "ペット用自動給水器", "収納ボックス 3個組"]}
AMAZON = {"US-Main": ("US", "utf-8", "Amazon.com", "USD", "Los Angeles", "111-"),
          "JP-Main": ("JP", "cp932", "Amazon.co.jp", "JPY", "東京都", "503-")}
FX = {"USD": 7.1, "JPY": 0.048}


@dataclass(frozen=True)
class Scale:
    """How big the client is."""

    order_lines: int = 2_000_000
    skus: int = 5_000
    months: int = 12
    seed: int = 17

    @classmethod
    def tiny(cls) -> "Scale":
        return cls(order_lines=6_000, skus=200, months=3)


@dataclass
class SyntheticClient:
    config_path: Path
    data_dir: Path
    raw_files: list[Path]
    order_lines: int

    @property
    def input_mb(self) -> float:
        return sum(p.stat().st_size for p in self.raw_files) / 2**20


def sku_codes(skus: int) -> np.ndarray:
    ids = np.arange(skus)
    return np.array([f"C{c:02d}-{i:05d}" for c, i in zip(ids % CATEGORIES, ids)], dtype=object)


def amazon_orders_text(lines: int, store: str, month: str, skus: np.ndarray, rng: np.random.Generator,
                       first_id: int = 0, header: bool = True) -> str:
    """One month of an All Orders flat file for ``store`` (with its header line unless not ``header``)."""
    market, _, channel, currency, city, prefix = AMAZON[store]
    start = pd.Timestamp(f"{month}-01")
    seconds = np.sort(rng.integers(0, start.days_in_month * 86400, size=lines))
    stamps = (start.to_datetime64() + seconds.astype("timedelta64[s]")).astype("datetime64[s]").astype(str)
    which = rng.integers(0, len(skus), size=lines)
    qty = rng.choice([1, 2, 3], size=lines, p=[0.8, 0.15, 0.05])
    unit = (1200 + (which % 40) * 150) if market == "JP" else (12 + (which % 40))
    price = unit * qty
    status = np.where(rng.random(lines) < 0.015, "Cancelled", "Shipped")
    titles = np.array(TITLES[market], dtype=object)[which % 4]
    ids = np.arange(first_id, first_id + lines)
    rows = [f"{prefix}{i:07d}-{i % 9973:07d}\t\t{t}+00:00\t{t}+00:00\t{st}\tAmazon\t{channel}\t\t\tStandard\t{nm}\t"
            f"{skus[w]}\tB0{w:08d}\t{st}\t{q}\t{currency}\t{p}\t0\t0\t0\t0\t0\t0\t0\t{city}\t\t100-0001\t{market}"
            f"\t\tfalse\t\t\n"
            for i, t, st, nm, w, q, p in zip(ids, stamps, status, titles, which, qty, price)]
    return (AMAZON_HEADER + "\n" if header else "") + "".join(rows)


def write_amazon_orders(path: Path, lines: int, store: str = "JP-Main", month: str = f"{YEAR}-10",
                        skus: int = 5_000, seed: int = 7, chunk: int = 100_000) -> Path:
    """A single large All Orders file (cp932 for JP), written a chunk at a time."""
    rng = np.random.default_rng(seed)
    codes = sku_codes(skus)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=AMAZON[store][1], newline="\n") as fh:
        for start in range(0, lines, chunk):
            fh.write(amazon_orders_text(min(chunk, lines - start), store, month, codes, rng, first_id=start,
                                        header=start == 0))
    return path


def shopify_orders_text(lines: int, month: str, skus: np.ndarray, rng: np.random.Generator,
                        first_id: int = 0) -> str:
    """One month of Shopify's order export: 1–3 line items per order, order fields on the first."""
    start = pd.Timestamp(f"{month}-01")
    out = [SHOPIFY_HEADER + "\n"]
    written, order = 0, first_id
    while written < lines:
        n = int(min(rng.integers(1, 4), lines - written))
        created = start + pd.Timedelta(seconds=int(rng.integers(0, start.days_in_month * 86400)))
        stamp = created.strftime("%Y-%m-%d %H:%M:%S -0700")
        which = rng.integers(0, len(skus), size=n)
        qty = rng.choice([1, 2], size=n, p=[0.85, 0.15])
        price = 15 + (which % 40)
        subtotal = float((price * qty).sum())
        for k in range(n):
            if k == 0:
                head = (f"#{1000 + order},,paid,{stamp},fulfilled,{stamp},USD,{subtotal:.2f},0.00,0.00,"
                        f"{subtotal:.2f},,0.00,{stamp},")
            else:
                head = f"#{1000 + order},,,,,,,,,,,,,{stamp},"
            out.append(f"{head}{qty[k]},Item {which[k] % 40},{price[k]:.2f},{skus[which[k]]},fulfilled,,"
                       f"{9000000 + order},DemoVendor\n")
        written += n
        order += 1
    return "".join(out)


def roster_and_ownership(skus: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """60 staff and who owns what (operators: categories per market; CS: one store each)."""
    people, own = [], []
    counter = 0

    def hire(role: str, market: str) -> str:
        nonlocal counter
        counter += 1
        pid = f"E{counter:03d}"
        people.append({"Employee ID": pid, "Name": f"员工{counter:03d}", "Role": role,
                       "Level": "资深" if counter % 4 == 0 else "初级", "Team": f"{market}{role}",
                       "Markets": market, "Start date": "2024-03-01"})
        return pid

    start = f"{YEAR - 1}-01-01"
    for market, ops, ads in (("US", 18, 9), ("JP", 12, 6)):
        operators = [hire("运营", market) for _ in range(ops)]
        for c in range(CATEGORIES):
            own.append({"Employee ID": operators[c % ops], "Market": market, "Store": "", "Scope type": "SKU",
                        "Scope": f"C{c:02d}-*", "From": start})
        advertisers = [hire("广告", market) for _ in range(ads)]
        for c in range(CATEGORIES):
            own.append({"Employee ID": advertisers[c % ads], "Market": market, "Store": "", "Scope type": "广告活动",
                        "Scope": f"SP-C{c:02d}-*", "From": start})
    for store, market, agents in (("US-Main", "US", 7), ("JP-Main", "JP", 5), ("Shopify-US", "US", 3)):
        for k in range(agents):
            pid = hire("客服", market)
            if k == 0:
                own.append({"Employee ID": pid, "Market": market, "Store": store, "Scope type": "店铺",
                            "Scope": store, "From": start})
    return pd.DataFrame(people), pd.DataFrame(own)


CONFIG = """client_id: "{client}"
name: 基准客户 {client}
report_language: zh
base_currency: CNY
markets:
  - id: US
    stores:
      - {{id: US-Main, platform: amazon}}
      - {{id: Shopify-US, platform: shopify}}
  - id: JP
    stores:
      - {{id: JP-Main, platform: amazon}}
fx_rates:
  USD: {{{usd}}}
  JPY: {{{jpy}}}
data_dir: {data_dir}
sources:
  - {{type: amazon_orders, market: US, store: US-Main, path: "raw/amazon/US-Main/orders/*.txt"}}
  - {{type: amazon_orders, market: JP, store: JP-Main, path: "raw/amazon/JP-Main/orders/*.txt"}}
  - {{type: shopify_orders, market: US, store: Shopify-US, path: "raw/shopify/*.csv"}}
  - {{type: people, path: "hr/roster.csv"}}
  - {{type: ownership, path: "hr/ownership.csv"}}
"""


def month_list(months: int, first: str = f"{YEAR}-01") -> list[str]:
    return [str(p) for p in pd.period_range(first, periods=months, freq="M")]


def generate(root: Path, scale: Scale = Scale(), client: str = "bigclient") -> SyntheticClient:
    """Write the client under ``root`` (``root/data/<client>``, ``root/client_configs``)."""
    rng = np.random.default_rng(scale.seed)
    data = Path(root) / "data" / client
    skus = sku_codes(scale.skus)
    months = month_list(scale.months)
    per_month = scale.order_lines / len(months)
    raw: list[Path] = []
    for store, share in CHANNEL_SHARE.items():
        lines = int(round(per_month * share))
        for k, month in enumerate(months):
            if store == "Shopify-US":
                path = data / "raw" / "shopify" / f"orders_export-{month}.csv"
                text, encoding = shopify_orders_text(lines, month, skus, rng, first_id=k * lines), "utf-8"
            else:
                path = data / "raw" / "amazon" / store / "orders" / f"All-Orders-{month}.txt"
                text, encoding = amazon_orders_text(lines, store, month, skus, rng, first_id=k * lines), AMAZON[store][1]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding=encoding, newline="\n")
            raw.append(path)
    people, ownership = roster_and_ownership(skus)
    (data / "hr").mkdir(parents=True, exist_ok=True)
    for name, frame in (("roster.csv", people), ("ownership.csv", ownership)):
        frame.to_csv(data / "hr" / name, index=False, encoding="utf-8-sig")
        raw.append(data / "hr" / name)
    configs = Path(root) / "client_configs"
    configs.mkdir(parents=True, exist_ok=True)
    # A rate for the month either side too: UTC timestamps at a month's edge fall on the
    # neighbouring local day in Los Angeles or Tokyo.
    fx_months = month_list(scale.months + 2, first=str(pd.Period(f"{YEAR}-01", freq="M") - 1))
    rates = ", ".join(f"{m}: {FX['USD']}" for m in fx_months)
    yen = ", ".join(f"{m}: {FX['JPY']}" for m in fx_months)
    config_path = configs / f"{client}.yaml"
    config_path.write_text(CONFIG.format(client=client, usd=rates, jpy=yen, data_dir=f"../data/{client}"),
                           encoding="utf-8")
    return SyntheticClient(config_path, data, raw, int(round(per_month * sum(CHANNEL_SHARE.values()))) * len(months))
