"""Charts: one theme, explicit CJK fonts (a missing glyph is an error), zh/en labels, tick
labels that never overlap, and the figures the functions promise."""
from __future__ import annotations

import io
import itertools
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from kpi_lib.reports import charts
from kpi_lib.reports.textwidth import display_width, wrap_display
from kpi_lib.reports.theme import use_theme
from tests.reports_helpers import scorecard_frames

matplotlib.use("Agg")
RATINGS = {"S": 110, "A": 100, "B": 85, "C": 70, "D": 0}


@pytest.fixture(autouse=True)
def _tofu_is_an_error():
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing")
        warnings.filterwarnings("error", message=r"findfont: Font family .* not found")
        yield


def _trend() -> pd.DataFrame:
    months = [f"2025-{m:02d}" for m in range(7, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
    return pd.DataFrame([(m, market, base + 0.002 * i) for i, m in enumerate(months)
                         for market, base in (("US", 0.11), ("JP", 0.14))], columns=["month", "market", "value"])


EFFECTS = pd.DataFrame({"effect": ["target", "traffic", "conversion", "price", "actual"],
                        "value": [1_200_000.0, -150_000.0, 60_000.0, -30_000.0, 1_080_000.0]})


def _draw(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return buf.getvalue()


def _ticks(ax, axis: str):
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t for t in labels if t.get_visible() and t.get_text()]


def _assert_readable(fig: Figure) -> None:
    """No two tick labels of an axis overlap, and none is cut off by the figure edge."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    for ax in fig.axes:
        for axis in ("x", "y"):
            boxes = [t.get_window_extent(renderer) for t in _ticks(ax, axis)]
            for a, b in itertools.combinations(boxes, 2):
                assert not a.overlaps(b), (ax.get_title(), axis, a, b)
            for box in boxes:
                assert box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1, (ax.get_title(), box)


def _all_charts(language: str, metric_name_language: str | None = None) -> dict[str, Figure]:
    summary, detail = scorecard_frames()
    return {
        "heatmap": charts.attainment_heatmap(detail, language=language, metric_name_language=metric_name_language),
        "trend": charts.market_trends(_trend(), metric_id="gross_margin", language=language,
                                      metric_name_language=metric_name_language),
        "waterfall": charts.deviation_waterfall(EFFECTS, language=language),
        "scores": charts.score_distribution(summary, by="level", language=language, ratings=RATINGS),
    }


@pytest.fixture(scope="module")
def zh_charts():
    return _all_charts("zh")


@pytest.fixture(scope="module")
def en_ja_charts():
    return _all_charts("en", "ja")


def test_each_chart_returns_a_figure_drawn_without_missing_glyphs(zh_charts, en_ja_charts):
    for fig in [*zh_charts.values(), *en_ja_charts.values()]:
        assert isinstance(fig, Figure)
        assert len(_draw(fig)) > 5000


def test_tick_labels_never_overlap(zh_charts, en_ja_charts):
    for fig in [*zh_charts.values(), *en_ja_charts.values()]:
        _assert_readable(fig)


def test_many_long_metric_names_still_do_not_overlap():
    rows = [{"person_id": f"P{i:02d}", "name": f"员工{i:02d}号", "metric_id": m, "attainment": 0.7 + 0.05 * j,
             "exempted": False} for i in range(12) for j, m in enumerate(
        ["inbound_on_time", "response_rate_24h", "unit_session_pct", "first_leg_cost_per_unit",
         "aged_inventory_share", "negative_review_rate", "review_response_hours", "listing_updates"])]
    _assert_readable(charts.attainment_heatmap(pd.DataFrame(rows), language="zh"))
    _assert_readable(charts.attainment_heatmap(pd.DataFrame(rows), language="en"))


def test_titles_and_labels_follow_the_language(zh_charts, en_ja_charts):
    assert zh_charts["heatmap"].axes[0].get_title().startswith("各指标达成率")
    assert en_ja_charts["heatmap"].axes[0].get_title().startswith("Attainment by metric")
    assert zh_charts["trend"].axes[0].get_title() == "毛利率 · 各市场月度走势"
    assert en_ja_charts["trend"].axes[0].get_title() == "粗利率 by market, monthly"  # ja metric name
    assert zh_charts["trend"].axes[0].get_legend().get_title().get_text() == "市场"
    assert [t.get_text() for t in zh_charts["waterfall"].axes[0].get_xticklabels()] == [
        "目标", "流量影响", "转化率影响", "客单价影响", "实际"]
    assert [t.get_text() for t in en_ja_charts["waterfall"].axes[0].get_xticklabels()][0] == "Target"
    ticks = [t.get_text() for t in zh_charts["scores"].axes[0].get_xticklabels()]
    assert ticks[0].startswith("初级") and ticks[1].startswith("资深")
    assert [t.get_text() for t in en_ja_charts["scores"].axes[0].get_xticklabels()][0].startswith("Junior")


def test_heatmap_diverges_around_100_percent_and_marks_exemptions(zh_charts):
    ax = zh_charts["heatmap"].axes[0]
    mesh = ax.collections[0]
    assert mesh.norm.vmin == pytest.approx(0.5) and mesh.norm.vmax == pytest.approx(1.5)
    cmap = mesh.get_cmap()
    low, mid, high = (np.array(cmap(mesh.norm(v))) for v in (0.6, 1.0, 1.4))
    assert low[0] > low[1] and high[1] > high[0]             # red below, green above
    assert mid[0] > 0.9 and mid[1] > 0.9                        # pale yellow at target
    texts = {t.get_text() for t in ax.texts}
    assert {"112%", "82%", "免"} <= texts
    assert "94%" not in texts  # the exempted CTR attainment (94.25%) is not coloured or shown
    assert [t.get_text() for t in ax.get_yticklabels()] == ["王海涛", "李娜", "陈晓明"]


def test_trend_has_one_line_per_market_and_percent_axis(zh_charts):
    ax = zh_charts["trend"].axes[0]
    assert sorted(line.get_label() for line in ax.get_lines()) == ["JP", "US"]
    assert ax.yaxis.get_major_formatter()(0.125, 0) == "12%"


def test_waterfall_steps_add_up_and_show_an_unexplained_rest():
    steps = charts.waterfall_steps(EFFECTS)
    assert list(steps["kind"]) == ["total", "step", "step", "step", "total"]
    assert steps["end"].iloc[-2] == pytest.approx(1_080_000)
    off = EFFECTS.assign(value=[1_200_000, -150_000, 60_000, -30_000, 1_100_000])
    steps = charts.waterfall_steps(off)
    assert steps["effect"].tolist()[-2] == "residual" and steps["value"].iloc[-2] == pytest.approx(20_000)
    fig = charts.deviation_waterfall(off, language="zh")
    assert "其他" in "".join(t.get_text() for t in fig.axes[0].get_xticklabels())


def test_waterfall_axis_starts_near_the_data_when_effects_are_small():
    ax = charts.deviation_waterfall(EFFECTS, language="zh").axes[0]
    bottom, top = ax.get_ylim()
    assert 0 < bottom < 1_050_000 < 1_200_000 < top
    negative = EFFECTS.assign(value=[100.0, -250.0, 20.0, 0.0, -130.0])
    assert charts.deviation_waterfall(negative, language="en").axes[0].get_ylim()[0] <= -130


def test_score_distribution_by_market_counts_multi_market_people_in_each():
    summary, _ = scorecard_frames()
    summary.loc[0, "market"] = "US,JP"
    fig = charts.score_distribution(summary, by="market", language="zh", ratings=RATINGS)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["JP（3人）", "US（1人）"]
    assert any(t.get_text() == "B ≥ 85" for t in fig.axes[0].texts)
    _assert_readable(fig)


def test_theme_prints_at_print_resolution_with_explicit_cjk_fonts():
    use_theme("zh")
    assert matplotlib.rcParams["savefig.dpi"] >= 150
    assert matplotlib.rcParams["font.family"][:2] == ["DejaVu Sans", "Noto Sans CJK SC"]
    use_theme("ja")
    assert "Noto Sans CJK JP" in matplotlib.rcParams["font.family"][:2]


def test_charts_are_not_displayed_outside_a_notebook(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append(a))
    charts.deviation_waterfall(EFFECTS)
    assert not shown
    charts.deviation_waterfall(EFFECTS, show=True)
    assert len(shown) == 1


def test_wrap_by_display_width():
    assert display_width("客服24小时响应率") == 16
    wrapped = wrap_display("客服24小时响应率", 12)
    assert wrapped.replace("\n", "") == "客服24小时响应率"
    assert all(display_width(line) <= 12 for line in wrapped.splitlines())
    assert wrap_display("单位会话转化率", 12) == "单位会话\n转化率"          # balanced lines
    assert wrap_display("Inbound appointment on-time", 12).splitlines()[0] == "Inbound"
    assert wrap_display("短", 12) == "短"
    assert wrap_display("很" * 40, 10, max_lines=2).endswith("…")
