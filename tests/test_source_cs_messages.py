"""ERP buyer-message log → cs_messages: Beijing times to UTC, 是/否, several encodings."""
from __future__ import annotations

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from tests.nonamazon_helpers import FIXTURES, NO_MARKET, all_text, only_table, read, write_csv

CS = FIXTURES / "cs_messages"
FILES = ["客服消息_2026-10_gb18030.csv", "客服消息_2026-10_utf8sig.csv", "message_log_2026-10.xlsx"]


@pytest.fixture(scope="module")
def messages() -> pd.DataFrame:
    return only_table(read("cs_messages", CS / FILES[0], **NO_MARKET))


def test_beijing_times_to_utc(messages):
    # 2026-10-03 14:22:05 Beijing (UTC+8) = 06:22:05 UTC
    assert messages["received_at"].iloc[0] == pd.Timestamp("2026-10-03 06:22:05", tz="UTC")
    # answered 2 h 30 min later; M0003: 2026-10-05 23:30 → 2026-10-07 08:30 = 33 h
    assert messages["response_hours"].iloc[0] == pytest.approx(2.5)
    assert messages["response_hours"].iloc[2] == pytest.approx(33.0)
    assert messages["responded_at"].isna().tolist() == [False, True, False, True]   # blank = not answered


def test_market_store_agent_needs_response(messages):
    assert messages["market"].tolist() == ["US", "US", "JP", "JP"]                  # 美国 / 日本
    assert messages["store"].tolist() == ["tangliuquan-US"] * 2 + ["tangliuquan-JP"] * 2
    assert messages["agent"].tolist()[:3] == ["陈静", "陈静", "小林"] and pd.isna(messages["agent"].iloc[3])
    assert messages["needs_response"].tolist() == [True, True, True, False]       # 是 / 否


@pytest.mark.parametrize("name", FILES[1:])
def test_same_messages_from_utf8_bom_and_xlsx(messages, name):
    other = only_table(read("cs_messages", CS / name, **NO_MARKET))
    columns = ["received_at", "responded_at", "market", "agent", "needs_response", "message_id"]
    pd.testing.assert_frame_equal(other[columns], messages[columns])


def test_encodings_in_file_info():
    assert read("cs_messages", CS / FILES[0], **NO_MARKET).info.encoding == "gb18030"
    assert read("cs_messages", CS / FILES[1], **NO_MARKET).info.encoding == "utf-8-sig"


def test_timezone_option(messages):
    tokyo = only_table(read("cs_messages", CS / FILES[0], **NO_MARKET, options={"timezone": "Asia/Tokyo"}))
    # Tokyo is one hour ahead of Beijing, so the same wall time is one hour earlier in UTC.
    assert (messages["received_at"] - tokyo["received_at"]).tolist() == [pd.Timedelta(hours=1)] * 4


def test_buyer_and_message_text_never_leave(messages):
    text = all_text(messages)
    for value in ["Jane Doe", "Bob Roe", "山田", "Where is my order", "Refund please", "届いていません"]:
        assert value not in text
    assert "消息内容" not in messages.columns and "买家" not in messages.columns


def test_market_falls_back_to_the_source(tmp_path):
    path = write_csv(tmp_path / "log.csv", [["消息ID", "买家消息时间", "回复时间", "客服"],
                                            ["M1", "2026-10-03 09:00:00", "", "陈静"]])
    frame = only_table(read("cs_messages", path, tmp_path, **{**NO_MARKET, "market": "JP"}))
    assert frame["market"].tolist() == ["JP"] and frame["needs_response"].tolist() == [True]
    with pytest.raises(SourceError) as err:
        read("cs_messages", path, tmp_path, **NO_MARKET)
    assert "market" in str(err.value)


def test_unknown_needs_response_value_names_the_row(tmp_path):
    path = write_csv(tmp_path / "log.csv", [["消息ID", "买家消息时间", "回复时间", "是否需回复"],
                                            ["M1", "2026-10-03 09:00:00", "", "是"],
                                            ["M2", "2026-10-03 10:00:00", "", "也许"]])
    with pytest.raises(SourceError) as err:
        read("cs_messages", path, tmp_path, **{**NO_MARKET, "market": "US"})
    assert (err.value.row, err.value.column, err.value.found) == (3, "是否需回复", "也许")
