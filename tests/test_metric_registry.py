"""The metric registry is complete and its generated reference is current."""
from __future__ import annotations

from pathlib import Path

import pytest

from kpi_lib.config.loader import role_templates
from kpi_lib.errors import ConfigError
from kpi_lib.metrics import reference
from kpi_lib.metrics.registry import get_metric, metrics

ROOT = Path(__file__).resolve().parent.parent


def test_at_least_25_metrics_with_names_in_three_languages():
    registry = metrics()
    assert len(registry) >= 25
    for m in registry.values():
        assert m.names["zh"] and m.names["en"] and m.names["ja"]


def test_every_role_template_uses_registered_metrics_and_sums_to_100():
    registry = metrics()
    for role, spec in role_templates().items():
        for market, weights in spec["weights"].items():
            assert set(weights) <= set(registry), (role, market)
            assert sum(weights.values()) == 100, (role, market)
            assert len(weights) <= 6, "more than 6 KPIs per role invites score-chasing"


def test_jp_operations_weigh_reviews_and_returns_more_than_us():
    ops = role_templates()["operations"]["weights"]
    us, jp = ops["default"], ops["JP"]
    assert jp.get("negative_review_rate", 0) > us.get("negative_review_rate", 0)
    assert jp["return_rate"] > us["return_rate"]


def test_unknown_metric_suggests():
    with pytest.raises(ConfigError) as info:
        get_metric("gros_margin")
    assert "gross_margin" in info.value.fix


def test_generated_reference_is_current():
    assert (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8") == reference.markdown()
