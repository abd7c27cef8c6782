"""The demo catalogue: ~150 SKUs in five categories and their listings per store.

A *family* is a product with variations (one parent ASIN); a *SKU* is one variation;
a *listing* is a SKU sold in one store (its own ASIN on each Amazon marketplace).
Prices are local: USD for US stores, JPY (tax-inclusive integers ending in 80) for JP.
Unit cost and first-leg freight are CNY per unit.

The catalogue is fixed (its own internal seed), so SKU codes, ASINs and prices are the
same for every simulation seed — only the sales history changes with the seed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.demo.company import BRAND, SECOND_BRAND

CATALOG_SEED = 7_2025

# category: (zh name, [(english, japanese, chinese, usd price), ...])
PRODUCT_TYPES: dict[str, tuple[str, list[tuple[str, str, str, float]]]] = {
    "KIT": ("厨房", [
        ("Silicone Spatula Set", "シリコンスパチュラ セット 耐熱", "硅胶锅铲套装", 15.99),
        ("Bamboo Cutting Board", "竹製 まな板 溝付き", "竹制砧板", 24.99),
        ("Stainless Steel Mixing Bowls", "ステンレス ボウル セット", "不锈钢沙拉碗套装", 29.99),
        ("Magnetic Knife Strip", "マグネット 包丁ホルダー", "磁性刀架", 19.99),
        ("Spice Rack Organizer", "スパイスラック 調味料 収納", "调料收纳架", 22.99),
        ("Collapsible Colander", "折りたたみ ザル 水切り", "折叠沥水篮", 13.99),
        ("Oil Sprayer Bottle", "オイルスプレー ボトル", "喷油壶", 11.99),
        ("Gooseneck Pour Over Kettle", "ドリップケトル 細口", "手冲咖啡壶", 34.99),
        ("Vegetable Chopper", "野菜 みじん切り器", "多功能切菜器", 27.99),
        ("Reusable Silicone Food Bags", "シリコン 保存袋 繰り返し使える", "硅胶保鲜袋", 18.99),
        ("Digital Kitchen Scale", "デジタル キッチンスケール", "电子厨房秤", 16.99),
        ("Glass Meal Prep Containers", "耐熱ガラス 保存容器 セット", "玻璃保鲜盒", 32.99),
        ("Dish Drying Rack", "水切りラック 2段", "碗碟沥水架", 36.99),
        ("Measuring Cups and Spoons Set", "計量カップ スプーン セット", "量杯量勺套装", 14.99),
    ]),
    "HOM": ("家居", [
        ("Under Sink Organizer", "シンク下 収納ラック", "水槽下置物架", 26.99),
        ("Fabric Storage Bins", "収納ボックス 布製 折りたたみ", "布艺收纳箱", 21.99),
        ("Over the Door Hooks", "ドアフック 引っ掛け", "门后挂钩", 12.99),
        ("Bamboo Drawer Dividers", "竹製 引き出し 仕切り", "竹制抽屉分隔板", 23.99),
        ("Vacuum Storage Bags", "布団 圧縮袋", "真空压缩袋", 19.99),
        ("Shower Caddy", "シャワーラック 浴室 収納", "浴室置物架", 24.99),
        ("Cable Management Box", "ケーブル 収納ボックス", "电线收纳盒", 17.99),
        ("LED Motion Sensor Light", "LED センサーライト 充電式", "LED感应灯", 18.99),
        ("Velvet Hangers", "ベルベット ハンガー 滑らない", "植绒衣架", 25.99),
        ("Shoe Rack Organizer", "靴 収納ラック", "鞋架", 29.99),
        ("Makeup Organizer", "コスメ 収納ケース", "化妆品收纳盒", 22.99),
        ("Laundry Hamper", "ランドリーバスケット", "脏衣篮", 27.99),
        ("Desk Organizer", "デスク 収納 オーガナイザー", "桌面收纳架", 19.99),
        ("Floating Wall Shelves", "ウォールシェルフ 壁掛け", "墙面置物架", 31.99),
    ]),
    "OUT": ("户外", [
        ("Camping Lantern", "キャンプ ランタン LED", "露营灯", 24.99),
        ("Hammock with Tree Straps", "ハンモック 自立式 ストラップ付き", "吊床", 35.99),
        ("Portable Camping Chair", "アウトドアチェア 折りたたみ", "便携露营椅", 42.99),
        ("Insulated Water Bottle", "真空断熱 ボトル", "保温水杯", 21.99),
        ("Picnic Blanket", "レジャーシート 防水", "野餐垫", 26.99),
        ("Rechargeable Headlamp", "ヘッドライト 充電式", "充电头灯", 17.99),
        ("Solar String Lights", "ソーラー ガーデンライト", "太阳能串灯", 23.99),
        ("Garden Kneeler Seat", "ガーデン ニーラー", "园艺跪凳", 39.99),
        ("Waterproof Dry Bag", "防水バッグ ドライバッグ", "防水袋", 16.99),
        ("Camping Cookware Set", "キャンプ クッカー セット", "露营炊具套装", 33.99),
        ("Trekking Poles", "トレッキングポール 2本組", "登山杖", 37.99),
        ("Cooling Towel", "冷却タオル ひんやり", "冰凉毛巾", 12.99),
    ]),
    "PET": ("宠物", [
        ("Pet Water Fountain", "ペット 給水器 自動", "宠物饮水机", 29.99),
        ("Dog Poop Bags", "うんち袋 ペット用", "宠物拾便袋", 13.99),
        ("Cat Scratcher Cardboard", "爪とぎ 段ボール 猫", "猫抓板", 19.99),
        ("Slow Feeder Dog Bowl", "早食い防止 食器 犬", "慢食狗碗", 15.99),
        ("Pet Grooming Brush", "ペット ブラシ 抜け毛", "宠物梳毛刷", 14.99),
        ("Retractable Dog Leash", "伸縮リード 犬", "伸缩牵引绳", 22.99),
        ("Interactive Cat Wand Toy", "猫じゃらし 羽根", "逗猫棒", 11.99),
        ("Dog Cooling Mat", "ペット ひんやりマット", "宠物冰垫", 27.99),
        ("Pet Hair Remover Roller", "ペット 毛取り ローラー", "宠物除毛滚", 16.99),
        ("Automatic Pet Feeder", "自動給餌器 タイマー付き", "自动喂食器", 54.99),
    ]),
    "TOY": ("玩具", [
        ("Magnetic Building Tiles", "マグネット ブロック 知育", "磁力片积木", 39.99),
        ("Bubble Machine", "バブルマシン 自動", "泡泡机", 24.99),
        ("Wooden Puzzle Set", "木製パズル 幼児", "木制拼图", 18.99),
        ("Kids Art Easel", "子供 お絵かき イーゼル", "儿童画架", 49.99),
        ("Sensory Fidget Toys", "知育 おもちゃ フィジェット", "解压玩具", 14.99),
        ("Play Kitchen Accessories", "おままごと セット", "过家家厨房玩具", 29.99),
        ("Remote Control Car", "ラジコンカー 子供向け", "遥控车", 34.99),
        ("Water Drawing Mat", "水で描ける お絵かきマット", "水画布", 21.99),
        ("Stacking Cups", "スタッキングカップ", "叠叠杯", 12.99),
    ]),
}
# Variation codes: (suffix, english, japanese, chinese, price step in USD)
COLOURS = [("GY", "Gray", "グレー", "灰色", 0.0), ("BK", "Black", "ブラック", "黑色", 0.0),
           ("WH", "White", "ホワイト", "白色", 0.0), ("GN", "Green", "グリーン", "绿色", 0.0),
           ("BL", "Blue", "ブルー", "蓝色", 0.0)]
SIZES = [("S", "Small", "Sサイズ", "小号", -3.0), ("M", "Medium", "Mサイズ", "中号", 0.0),
         ("L", "Large", "Lサイズ", "大号", 4.0)]
PACKS = [("2P", "2 Pack", "2個セット", "2件装", 0.0), ("4P", "4 Pack", "4個セット", "4件装", 9.0)]

# Which families each store carries (by category and position in the type list).
US_HOME_ONLY = {"HOM": [0, 1, 4, 5, 8], "KIT": [10, 11, 12, 13]}       # the Nestwell line
JP_FAMILIES = {"KIT": [0, 1, 3, 4, 6, 9], "HOM": [2, 3, 6, 13], "OUT": [0, 3, 5, 11],
               "PET": [0, 2, 4, 8], "TOY": [0, 7]}
SHOPIFY_FAMILIES = {"KIT": [0, 1, 2, 3, 7, 8], "HOM": [2, 3, 6, 7, 13], "OUT": [0, 1, 2, 4]}
TIKTOK_FAMILIES = {"PET": [0, 1, 2, 5, 6], "TOY": [1, 4, 7, 8], "KIT": [6, 8]}
# Families launched during the history (no sales before): new-product success metrics.
LAUNCHES = {("KIT", 13): "2026-03-10", ("PET", 9): "2026-05-18", ("OUT", 11): "2026-04-20",
            ("TOY", 8): "2026-06-08", ("HOM", 13): "2026-02-23"}

_ALNUM = np.array(list("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"))


def _codes(rng: np.random.Generator, n: int, prefix: str, length: int, taken: set[str]) -> list[str]:
    """``n`` distinct random codes like B0CKPQNSHN (prefix + upper-case alphanumerics)."""
    out = []
    while len(out) < n:
        code = prefix + "".join(rng.choice(_ALNUM, length))
        if code not in taken:
            taken.add(code)
            out.append(code)
    return out


def jp_price(usd: float) -> int:
    """A tax-inclusive yen price in the ``…80`` style (¥1,980, ¥3,280) for a USD price."""
    return int(max(980, round(usd * 165 / 100.0) * 100 - 20))


def families() -> pd.DataFrame:
    """One row per product family with its variations (fixed by CATALOG_SEED)."""
    rng = np.random.default_rng(CATALOG_SEED)
    rows = []
    for cat, (cat_zh, types) in PRODUCT_TYPES.items():
        for pos, (en, ja, zh, usd) in enumerate(types):
            kind = rng.choice(["colour", "size", "pack", "single"], p=[0.55, 0.2, 0.15, 0.1])
            if kind == "colour":
                variants = [COLOURS[i] for i in sorted(rng.choice(len(COLOURS), rng.integers(2, 5), replace=False))]
            elif kind == "size":
                variants = SIZES[: int(rng.integers(2, 4))]
            elif kind == "pack":
                variants = PACKS
            else:
                variants = [None]
            rows.append({"category": cat, "category_zh": cat_zh, "position": pos, "family_no": 1001 + pos,
                         "type_en": en, "type_ja": ja, "type_zh": zh, "usd": usd, "variants": variants})
    return pd.DataFrame(rows)


def build_catalog() -> pd.DataFrame:
    """One row per SKU: code, family, names in en/ja/zh, US price, unit cost, freight, weight.

    Columns: sku, category, category_zh, family (e.g. KIT-1003), variant, title_en,
    title_ja, name_zh, usd_price, jpy_price, unit_cost_cny, freight_us_cny,
    freight_jp_cny, weight_kg, popularity (relative demand), cvr (unit session rate),
    launch (first selling day or NaT).
    """
    rng = np.random.default_rng(CATALOG_SEED + 1)
    rows = []
    for fam in families().itertuples(index=False):
        family = f"{fam.category}-{fam.family_no}"
        # Demand is heavy-tailed: a few hero families sell most units.
        fam_pop = float(rng.lognormal(0.0, 0.9))
        weight = float(np.round(rng.uniform(0.15, 1.6), 2))
        for variant in fam.variants:
            suffix, v_en, v_ja, v_zh, step = variant if variant else ("", "", "", "", 0.0)
            usd = round(max(8.99, fam.usd + step), 2)
            usd = float(np.floor(usd) + 0.99)
            sku = f"{family}-{suffix}" if suffix else family
            brand_free_en = f"{fam.type_en}" + (f", {v_en}" if v_en else "")
            rows.append({
                "sku": sku, "category": fam.category, "category_zh": fam.category_zh,
                "family": family, "position": fam.position, "variant": suffix,
                "title_en": brand_free_en,
                "title_ja": f"{fam.type_ja}" + (f" {v_ja}" if v_ja else ""),
                "name_zh": f"{fam.type_zh}" + (f"-{v_zh}" if v_zh else ""),
                "usd_price": usd, "jpy_price": jp_price(usd),
                # Factory cost ≈ 15–22 % of the US price at ~7.2 CNY/USD.
                "unit_cost_cny": round(usd * 7.2 * rng.uniform(0.15, 0.22), 2),
                "freight_us_cny": round(weight * rng.uniform(11.0, 14.0) + 1.5, 2),
                "freight_jp_cny": round(weight * rng.uniform(7.0, 9.0) + 1.0, 2),
                "weight_kg": weight,
                "popularity": fam_pop * float(rng.uniform(0.5, 1.5)),
                "cvr": float(rng.uniform(0.07, 0.17)),
                "launch": pd.Timestamp(LAUNCHES[(fam.category, fam.position)])
                if (fam.category, fam.position) in LAUNCHES else pd.NaT,
            })
    return pd.DataFrame(rows)


def _in(families_by_cat: dict[str, list[int]], cat: str, pos: int) -> bool:
    return pos in families_by_cat.get(cat, [])


def build_listings(catalog: pd.DataFrame) -> pd.DataFrame:
    """One row per (store, SKU) listing with store-specific ids, titles and prices.

    Columns add to the catalogue's: store, market, platform, currency, price (local),
    title (as the marketplace shows it), asin / parent_asin / fnsku (Amazon only),
    platform_sku_id (TikTok SKU ID), listing_no (position within the store).
    """
    rng = np.random.default_rng(CATALOG_SEED + 2)
    taken: set[str] = set()
    parts = []
    stores = {
        "US-Main": lambda c, p: not _in(US_HOME_ONLY, c, p),
        "US-Home": lambda c, p: _in(US_HOME_ONLY, c, p),
        "Shopify-US": lambda c, p: _in(SHOPIFY_FAMILIES, c, p),
        "TikTok-US": lambda c, p: _in(TIKTOK_FAMILIES, c, p),
        "JP-Main": lambda c, p: _in(JP_FAMILIES, c, p),
    }
    for store_id, carries in stores.items():
        mask = [carries(c, p) for c, p in zip(catalog["category"], catalog["position"])]
        part = catalog.loc[mask].reset_index(drop=True).copy()
        part.insert(0, "store", store_id)
        market = "JP" if store_id == "JP-Main" else "US"
        part["market"] = market
        part["platform"] = {"Shopify-US": "shopify", "TikTok-US": "tiktok"}.get(store_id, "amazon")
        part["currency"] = "JPY" if market == "JP" else "USD"
        brand = SECOND_BRAND if store_id == "US-Home" else BRAND
        if market == "JP":
            part["price"] = part["jpy_price"].astype(float)
            part["title"] = brand + " " + part["title_ja"]
        else:
            # DTC prices a little above Amazon; TikTok a little below (creator discounts).
            delta = {"Shopify-US": 2.0, "TikTok-US": -1.0}.get(store_id, 0.0)
            part["price"] = (part["usd_price"] + delta).round(2)
            part["title"] = brand + " " + part["title_en"]
        n = len(part)
        if part["platform"].iat[0] == "amazon":
            part["asin"] = _codes(rng, n, "B0", 8, taken)
            parents = dict(zip(sorted(part["family"].unique()),
                               _codes(rng, part["family"].nunique(), "B0", 8, taken)))
            part["parent_asin"] = part["family"].map(parents)
            part["fnsku"] = _codes(rng, n, "X00", 7, taken)
        else:
            part["asin"] = None
            part["parent_asin"] = None
            part["fnsku"] = None
        part["platform_sku_id"] = [str(1729_0000_0000_0000_0 + int(x)) for x in rng.integers(0, 10**12, n)] \
            if store_id == "TikTok-US" else None
        part["listing_no"] = np.arange(n)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def jp_toy_asins(listings: pd.DataFrame) -> list[str]:
    """ASINs of the JP toy listings (owned one by one, see company.OWNERSHIP)."""
    mask = (listings["store"] == "JP-Main") & (listings["category"] == "TOY")
    return sorted(listings.loc[mask, "asin"].tolist())
