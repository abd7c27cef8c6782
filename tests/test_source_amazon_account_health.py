"""Account health JSON (GET_V2_SELLER_PERFORMANCE_REPORT)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from kpi_lib.sources import SourceContext, get_adapter
from kpi_lib.tables import columns_of, validate_table

FIXTURES = Path(__file__).parent / "fixtures" / "amazon"
TYPE = "amazon_account_health"
HEALTH = FIXTURES / "account_health_v2.json"


def ctx(*, data_dir: Path = FIXTURES, **kw) -> SourceContext:
    return SourceContext(type=TYPE, data_dir=data_dir, **kw)


def read(path: Path, context: SourceContext | None = None):
    result = get_adapter(TYPE).read(path, context or ctx())
    return result, validate_table("account_health", result.tables["account_health"])


def metric(t: pd.DataFrame, market: str, name: str) -> pd.Series:
    rows = t[(t["market"] == market) & (t["metric"] == name)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_the_file_names_its_markets():
    assert get_adapter(TYPE).needs_market is False
    result, t = read(HEALTH)
    assert list(t.columns[: len(columns_of("account_health"))]) == columns_of("account_health")
    # US: odr_afn, odr_mfn, odr, late shipment, cancel, valid tracking, on-time delivery = 7;
    # JP: odr_afn, odr_mfn, odr, late shipment = 4 (the JP block has no tracking metrics)
    assert (t["market"] == "US").sum() == 7 and (t["market"] == "JP").sum() == 4
    assert set(t.loc[t["market"] == "US", "marketplace_id"]) == {"ATVPDKIKX0DER"}
    assert (result.info.market, result.info.rows) == ("JP,US", 11)


def test_order_defect_rates():
    _, t = read(HEALTH)
    afn, mfn, odr = (metric(t, "US", m) for m in ("odr_afn", "odr_mfn", "odr"))
    assert (afn["rate"], afn["count"], afn["denominator"]) == (0.0023, 2, 880)
    assert (mfn["rate"], mfn["count"], mfn["denominator"]) == (0.0083, 1, 120)
    # combined: (2 + 1) defects / (880 + 120) orders = 3 / 1000 = 0.003
    assert odr["rate"] == pytest.approx(0.003)
    assert (odr["count"], odr["denominator"]) == (3, 1000)
    assert (odr["period_start"], odr["period_end"]) == (pd.Timestamp("2026-06-01"), pd.Timestamp("2026-07-30"))
    # JP mfn had no orders: Amazon states 0; the combined rate is 0 / 400 = 0
    assert metric(t, "JP", "odr")["rate"] == 0 and metric(t, "JP", "odr")["denominator"] == 400


def test_shipping_metrics_with_counts_and_windows():
    _, t = read(HEALTH)
    lsr = metric(t, "US", "late_shipment_rate")
    assert (lsr["rate"], lsr["count"], lsr["denominator"]) == (0.0169, 2, 118)
    cancel = metric(t, "US", "cancel_rate")
    assert (cancel["rate"], cancel["count"], cancel["denominator"]) == (0.0085, 1, 118)
    assert cancel["period_start"] == pd.Timestamp("2026-07-24")  # a 7-day window
    vtr = metric(t, "US", "valid_tracking_rate")
    assert (vtr["count"], vtr["denominator"], vtr["target_value"]) == (113, 115, 0.95)
    otd = metric(t, "US", "on_time_delivery_rate")
    assert (otd["rate"], otd["count"], otd["denominator"]) == (0.9646, 109, 113)


def test_missing_rate_is_computed_and_unknown_marketplace_uses_the_config(tmp_path):
    data = json.loads(HEALTH.read_text(encoding="utf-8"))
    block = data["performanceMetrics"][0]
    block["marketplaceId"] = "A0UNKNOWN0000"
    del block["lateShipmentRate"]["rate"]
    path = tmp_path / "health.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _, t = read(path, ctx(data_dir=tmp_path, market="US"))
    # 2 late / 118 orders
    assert metric(t, "US", "late_shipment_rate")["rate"] == pytest.approx(2 / 118)
    with pytest.raises(SourceError) as err:
        read(path, ctx(data_dir=tmp_path))
    assert (err.value.row, err.value.column) == (1, "marketplaceId")


# -- bad inputs ---------------------------------------------------------------------------

def test_a_count_that_is_not_a_number_names_the_block_and_field(tmp_path):
    data = json.loads(HEALTH.read_text(encoding="utf-8"))
    data["performanceMetrics"][1]["lateShipmentRate"]["lateShipmentCount"] = "a few"
    path = tmp_path / "health.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(path, ctx(data_dir=tmp_path))
    assert (err.value.row, err.value.column) == (2, "late_shipment_rate.count")


def test_wrong_json_and_missing_dates(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('[{"campaignName": "x"}]', encoding="utf-8")
    with pytest.raises(SourceError, match="performanceMetrics"):
        read(path, ctx(data_dir=tmp_path))
    data = json.loads(HEALTH.read_text(encoding="utf-8"))
    del data["performanceMetrics"][0]["validTrackingRate"]["reportingDateRange"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourceError, match="reporting date"):
        read(path, ctx(data_dir=tmp_path))


@pytest.mark.parametrize("content", [b"", b"   \n", b"{not json"])
def test_empty_or_broken_file_is_an_error(tmp_path, content):
    path = tmp_path / "health.json"
    path.write_bytes(content)
    with pytest.raises(SourceError):
        read(path, ctx(data_dir=tmp_path))


def test_no_performance_blocks_gives_an_empty_table_not_an_error(tmp_path):
    path = tmp_path / "health.json"
    path.write_text('{"accountStatuses": [], "performanceMetrics": []}', encoding="utf-8")
    result, t = read(path, ctx(data_dir=tmp_path, market="US"))
    assert len(t) == 0 and result.info.rows == 0


def test_reading_leaves_the_raw_file_untouched():
    before = hashlib.sha256(HEALTH.read_bytes()).hexdigest()
    read(HEALTH)
    assert hashlib.sha256(HEALTH.read_bytes()).hexdigest() == before
