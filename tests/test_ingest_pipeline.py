"""The ingestion pipeline: many files, overlaps, cache, FX, and bad files that do not stop the rest."""
from __future__ import annotations

import hashlib
import time

import pandas as pd
import pytest

from kpi_lib.config import load_config
from kpi_lib.ingest.pipeline import ingest, remove_overlaps
from kpi_lib.ingest.quality import build_report, describe
from kpi_lib.sources.base import Adapter, ColumnSpec, FileInfo, Layout, ReadResult, register
from tests.conftest import write_config

LAYOUT = Layout("simple", "orders", ("order_id", "sku", "amount"), {
    "order_id": ColumnSpec("order_id", "id", ("order-id",)),
    "sku": ColumnSpec("sku", "id", ("sku",)),
    "amount": ColumnSpec("amount", "number", ("amount",)),
    "day": ColumnSpec("day", "date", ("day",)),
})


@register
class _TinyOrders(Adapter):
    """A minimal order export used to test the pipeline without a real adapter."""

    type_id = "test_tiny_orders"
    platform = "amazon"

    @property
    def layouts(self):
        return {"simple": LAYOUT}

    def read(self, path, ctx):
        raw, layout = self.open(path, ctx)
        cols = self.extract(raw, layout, date_formats=["%Y-%m-%d"])
        frame = pd.DataFrame({
            "order_id": cols["order_id"], "market": ctx.market, "platform": "amazon", "store": ctx.store,
            "sku": cols["sku"], "asin": pd.NA, "quantity": 1.0, "item_sales": cols["amount"],
            "currency": ctx.currency, "ordered_at": pd.NaT, "order_date": cols["day"], "status": "shipped",
            "source_file": ctx.relative(path)})
        info = FileInfo(self.type_id, ctx.relative(path), raw.encoding, "en", raw.header_row, len(frame),
                        ctx.market, None, layout.name)
        return ReadResult({"orders": frame}, info)


CONFIG = """
client_id: tiny
markets: [{id: US}]
fx_rates: {USD: {2026-10: 7.0}}
data_dir: data
sources:
  - type: test_tiny_orders
    market: US
    path: orders/*.csv
"""


@pytest.fixture
def client(tmp_path):
    path = write_config(tmp_path, CONFIG)
    orders = tmp_path / "data" / "orders"
    orders.mkdir(parents=True)
    (orders / "a.csv").write_text("order-id,sku,amount,day\n1,A,$10.00,2026-10-01\n2,B,$5.00,2026-10-02\n", encoding="utf-8")
    # An overlapping later export: order 2 again (identical) and a new order 3.
    (orders / "b.csv").write_text("order-id,sku,amount,day\n2,B,$5.00,2026-10-02\n3,C,$1.50,2026-10-03\n", encoding="utf-8")
    return path


def _hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_overlapping_exports_count_each_row_once_and_amounts_get_base_currency(client, tmp_path):
    before = _hashes(tmp_path / "data")
    result = ingest(load_config(client))
    orders = result.tables["orders"]
    assert result.ok, result.errors
    assert sorted(orders["order_id"]) == ["1", "2", "3"]
    assert result.duplicates["orders"]["identical"] == 1
    # 10 + 5 + 1.5 = 16.5 USD at 7.0 CNY per USD = 115.5 CNY
    assert orders["item_sales"].sum() == pytest.approx(16.5)
    assert orders["item_sales_base"].sum() == pytest.approx(115.5)
    assert set(orders["fx_rate"]) == {7.0}
    assert _hashes(tmp_path / "data") == before, "raw files must never be modified"
    report = build_report(result)
    assert report.rows["orders"] == 3
    assert any("counted once" in line for line in describe(report, "en"))


def test_a_bad_file_is_reported_and_the_others_still_load(client, tmp_path):
    (tmp_path / "data" / "orders" / "c.csv").write_text("order-id,sku,amount,day\n4,D,abc,2026-10-04\n", encoding="utf-8")
    result = ingest(load_config(client))
    assert sorted(result.tables["orders"]["order_id"]) == ["1", "2", "3"]
    (err,) = result.errors
    assert err.file == "orders/c.csv" and err.row == 2 and err.column == "amount" and err.client == "tiny"


def test_missing_fx_rate_is_a_clear_error(client, tmp_path):
    (tmp_path / "data" / "orders" / "d.csv").write_text("order-id,sku,amount,day\n9,Z,$2.00,2026-11-01\n", encoding="utf-8")
    result = ingest(load_config(client))
    (err,) = result.errors
    assert err.key == "fx_rates.USD.2026-11" and "add `2026-11: <rate>`" in err.fix
    nov = result.tables["orders"].query("order_id == '9'")
    assert nov["item_sales_base"].isna().all()


def test_cache_gives_identical_tables_and_skips_reading(client, tmp_path):
    cache = tmp_path / "cache"
    cfg = load_config(client)
    first = ingest(cfg, cache_dir=cache)
    second = ingest(cfg, cache_dir=cache)
    assert not any(r.cached for r in first.files) and all(r.cached for r in second.files)
    pd.testing.assert_frame_equal(first.tables["orders"], second.tables["orders"])
    # Changing a file's bytes invalidates only that file's entry.
    time.sleep(0.01)
    (tmp_path / "data" / "orders" / "b.csv").write_text("order-id,sku,amount,day\n3,C,$2.50,2026-10-03\n", encoding="utf-8")
    third = ingest(cfg, cache_dir=cache)
    assert [r.cached for r in third.files] == [True, False]
    assert third.tables["orders"]["item_sales"].sum() == pytest.approx(17.5)


def test_an_unchanged_client_comes_back_whole_from_the_cache(client, tmp_path):
    cache = tmp_path / "cache"
    cfg = load_config(client)
    fresh = ingest(cfg)
    ingest(cfg, cache_dir=cache)
    again = ingest(cfg, cache_dir=cache)
    assert all(r.cached for r in again.files) and again.ok
    assert set(again.tables) == set(fresh.tables)
    for name, table in fresh.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], table, obj=name)
    assert [r.info.as_dict() for r in again.files] == [r.info.as_dict() for r in fresh.files]
    def reported(result):  # what the data-quality report says, apart from timing and cache use
        return [{k: v for k, v in f.items() if k not in {"cached", "seconds"}} for f in build_report(result).as_dict()["files"]]

    assert reported(again) == reported(fresh)


def test_a_config_change_reassembles_from_the_per_file_cache(client, tmp_path):
    cache = tmp_path / "cache"
    ingest(load_config(client), cache_dir=cache)
    client.write_text(client.read_text(encoding="utf-8").replace("2026-10: 7.0", "2026-10: 7.5"), encoding="utf-8")
    changed = ingest(load_config(client), cache_dir=cache)
    assert all(r.cached for r in changed.files)
    orders = changed.tables["orders"]
    assert (orders["item_sales_base"] == orders["item_sales"] * 7.5).all()


def test_a_run_with_errors_is_never_served_whole_from_the_cache(client, tmp_path):
    (tmp_path / "data" / "orders" / "d.csv").write_text("order-id,sku,amount,day\n9,Z,$2.00,2026-11-01\n",
                                                       encoding="utf-8")
    cache = tmp_path / "cache"
    first = ingest(load_config(client), cache_dir=cache)
    second = ingest(load_config(client), cache_dir=cache)
    assert len(first.errors) == len(second.errors) == 1


def test_remove_overlaps_keeps_rows_repeated_within_one_file():
    frame = pd.DataFrame({"order_id": ["1", "1", "1"], "sku": ["A", "A", "A"],
                          "source_file": ["a.csv", "a.csv", "b.csv"]})
    kept, counts = remove_overlaps(frame, "other")
    assert len(kept) == 2 and counts["identical"] == 1


def test_later_export_replaces_changed_rows_of_the_same_key():
    frame = pd.DataFrame({"platform": ["amazon"] * 2, "market": ["US"] * 2, "store": ["S"] * 2,
                          "order_id": ["1", "1"], "sku": ["A", "A"], "status": ["pending", "shipped"],
                          "source_file": ["2026-10-a.txt", "2026-10-b.txt"]})
    kept, counts = remove_overlaps(frame, "orders")
    assert kept["status"].tolist() == ["shipped"] and counts == {"identical": 0, "replaced": 1}


def test_a_file_that_cannot_be_read_is_an_error_not_a_crash(client, tmp_path):
    """A matched file that vanished or cannot be opened (here a dangling link) is reported
    against that file; the others are read and nothing is cached whole."""
    (tmp_path / "data" / "orders" / "c.csv").symlink_to(tmp_path / "data" / "orders" / "gone.csv")
    cache = tmp_path / "cache"
    for _ in range(2):
        result = ingest(load_config(client), cache_dir=cache)
        (err,) = result.errors
        assert err.file == "orders/gone.csv" and "FileNotFoundError" in str(err)  # where the link points
        assert sorted(result.tables["orders"]["order_id"]) == ["1", "2", "3"]
