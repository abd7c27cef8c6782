"""Manager-rating template (主管评级) → manager_ratings."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi_lib.errors import SourceError
from kpi_lib.retro.anomalies import rating_mismatches
from kpi_lib.sources import detect_file
from kpi_lib.tables import columns_of
from tests.nonamazon_helpers import NO_MARKET, only_table, read, write_csv, write_xlsx

HEADER_ZH = ["工号", "月份", "主管评级", "评价人", "评语"]


def test_chinese_headers_with_text_and_excel_date_months(tmp_path):
    path = write_xlsx(tmp_path / "主管评级.xlsx", [
        HEADER_ZH,
        ["P011", "2026-10", "A", "陈建国", "态度积极"],
        ["P012", dt.datetime(2026, 10, 1), "c", None, None],   # an Excel date cell; lower-case letter
        ["P013", "2026/09", "B级", "P011", ""],
    ], sheet="主管评级")
    result = read("manager_ratings", path, tmp_path, **NO_MARKET)
    frame = only_table(result)
    assert list(frame.columns[:len(columns_of("manager_ratings"))]) == columns_of("manager_ratings")
    assert frame["person_id"].tolist() == ["P011", "P012", "P013"]
    assert frame["month"].tolist() == ["2026-10", "2026-10", "2026-09"]
    assert frame["rating"].tolist() == ["A", "C", "B"]
    assert frame["rater"].tolist()[0] == "陈建国" and frame["rater"].isna().tolist() == [False, True, False]
    assert frame["comment"].tolist()[0] == "态度积极" and frame["comment"].isna().sum() == 2
    assert result.info.period == "2026-09..2026-10"
    assert frame["source_file"].str.endswith("主管评级.xlsx").all()


def test_english_headers(tmp_path):
    path = write_csv(tmp_path / "ratings.csv", [["Employee ID", "Month", "Manager rating", "Rater", "Comment"],
                                                ["P001", "2026-10", "S", "Boss", "great month"],
                                                ["P002", "2026-10", "D", "", ""]])
    frame = only_table(read("manager_ratings", path, tmp_path, **NO_MARKET))
    assert frame[["person_id", "month", "rating"]].values.tolist() == [["P001", "2026-10", "S"],
                                                                       ["P002", "2026-10", "D"]]
    assert frame["rater"].tolist()[0] == "Boss" and frame["rater"].isna().tolist() == [False, True]


def test_the_file_is_recognised(tmp_path):
    path = write_csv(tmp_path / "主管评级.csv", [HEADER_ZH, ["P001", "2026-10", "A", "", ""]])
    assert [d.type for d in detect_file(path)] == ["manager_ratings"]


def test_unknown_rating_names_the_row(tmp_path):
    path = write_csv(tmp_path / "主管评级.csv", [HEADER_ZH, ["P001", "2026-10", "A", "", ""],
                                               ["P002", "2026-10", "E", "", ""]])
    with pytest.raises(SourceError) as err:
        read("manager_ratings", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column, err.value.found) == (3, "主管评级", "E")


def test_bad_month_names_the_row(tmp_path):
    path = write_csv(tmp_path / "主管评级.csv", [HEADER_ZH, ["P001", "十月", "A", "", ""]])
    with pytest.raises(SourceError) as err:
        read("manager_ratings", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column) == (2, "月份")


def test_the_table_feeds_rating_mismatches(tmp_path):
    # Five people; P001 scores lowest but is rated S, P005 scores highest but is rated D.
    path = write_csv(tmp_path / "主管评级.csv", [HEADER_ZH, ["P001", "2026-10", "S", "", ""],
                                               ["P002", "2026-10", "B", "", ""], ["P003", "2026-10", "B", "", ""],
                                               ["P004", "2026-10", "B", "", ""], ["P005", "2026-10", "D", "", ""]])
    ratings = only_table(read("manager_ratings", path, tmp_path, **NO_MARKET))
    scores = pd.DataFrame({"person_id": ["P001", "P002", "P003", "P004", "P005"], "month": ["2026-10"] * 5,
                           "total_score": [40.0, 80.0, 85.0, 90.0, 110.0]})
    out = rating_mismatches(ratings, scores).set_index("person_id")
    # P001: rating position 1.0 (highest of five), score position 0.0 → gap +1.0
    assert out.loc["P001", "gap"] == pytest.approx(1.0) and out.loc["P001", "direction"] == "rating_higher"
    assert out.loc["P005", "gap"] == pytest.approx(-1.0) and out.loc["P005", "direction"] == "rating_lower"
    assert sorted(out.index[out["flagged"]]) == ["P001", "P005"]
