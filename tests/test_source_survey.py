"""Staff survey template (调研) → survey; answers stay anonymous."""
from __future__ import annotations

import pytest

from kpi_lib.errors import SourceError
from tests.nonamazon_helpers import FIXTURES, NO_MARKET, all_text, only_table, read, write_csv


def test_survey_drops_the_name_column():
    result = read("survey", FIXTURES / "templates" / "调研.xlsx", **NO_MARKET)
    frame = only_table(result)
    assert "姓名" not in frame.columns and "name" not in frame.columns
    text = all_text(frame)
    for name in ["王芳", "赵敏", "小林"]:
        assert name not in text
    assert any("姓名" in w for w in result.info.warnings)
    assert frame["respondent"].tolist() == ["R01", "R02", "R01", "R03"]
    assert frame["score"].mean() == pytest.approx(3.5)    # (4 + 2 + 3 + 5) / 4
    assert frame["comment"].notna().sum() == 2


def test_english_headers_with_a_name_column(tmp_path):
    path = write_csv(tmp_path / "survey.csv", [["Respondent", "Name", "Team", "Question", "Score", "Comment"],
                                               ["R01", "Alice Wu", "US", "Fair?", "5", "ok"]])
    frame = only_table(read("survey", path, tmp_path, **NO_MARKET))
    assert "Alice" not in all_text(frame)
    assert frame["score"].tolist() == [5.0]


def test_score_outside_the_scale_names_the_row(tmp_path):
    path = write_csv(tmp_path / "调研.csv", [["编号", "团队", "问题", "评分", "意见"], ["R01", "A", "Q", "5", ""],
                                           ["R02", "A", "Q", "6", ""]])
    with pytest.raises(SourceError) as err:
        read("survey", path, tmp_path, **NO_MARKET)
    assert (err.value.row, err.value.column, err.value.found) == (3, "评分", "6")
