"""Monthly retro (月度复盘) analytics: sales deviation decomposed into traffic, conversion
and price; ad efficiency; stock-out loss; the effect of exemptions; anomalies (sudden
changes, manager ratings out of line); trends; next-cycle targets; action items.

Every function is pure (new frames, inputs untouched) and works on any keys — market,
person, metric — so the notebook can show the same analysis at each level.
"""
from kpi_lib.retro.actions import action_items, due_date
from kpi_lib.retro.ads import ad_efficiency
from kpi_lib.retro.anomalies import metric_anomalies, rating_mismatches, robust_z
from kpi_lib.retro.decomposition import decompose_sales_deviation, implied_target_components, summarise_effects
from kpi_lib.retro.exemptions import exemption_effect, exemption_effect_by, exemption_effect_by_metric
from kpi_lib.retro.stockout import stockout_loss, summarise_loss
from kpi_lib.retro.targets import suggest_next_targets
from kpi_lib.retro.trend import metric_trend

__all__ = ["action_items", "ad_efficiency", "decompose_sales_deviation", "due_date", "exemption_effect",
           "exemption_effect_by", "exemption_effect_by_metric", "implied_target_components", "metric_anomalies",
           "metric_trend", "rating_mismatches", "robust_z", "stockout_loss", "suggest_next_targets",
           "summarise_effects", "summarise_loss"]
