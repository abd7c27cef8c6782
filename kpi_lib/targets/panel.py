"""The target tuning panel (指标对齐): ipywidgets wiring over the target modules.

The consultant picks the method (historical / budget / benchmark), growth, the weights of
each role in each market, the payout curve's threshold and cap and the tier factors;
the panel shows at once the targets, their hit probabilities, the expected share of
staff at threshold / target / stretch and the expected bonus cost against the budget,
and saves a new target version with a reason (:mod:`kpi_lib.targets.versions`).

All arithmetic lives in the modules it calls: targets from
:mod:`~kpi_lib.targets.budget`, :mod:`~kpi_lib.targets.benchmark` and the baseline
(historical: the person's baseline mean, or a given ``history`` value, × (1 + growth) in
the good direction); :mod:`~kpi_lib.targets.levels` for tiers, the new-hire ramp and
threshold / stretch; :mod:`~kpi_lib.targets.calibration` for probabilities and cost.
A metric the chosen method does not cover (a budget sets GMV, net profit and ad spend
only; the benchmark table has no GMV) keeps its historical target, and the ``method``
column says which. Band metrics (days of supply) have no target: the band is the goal.

Everything the panel shows lives in widget values (``HTML.value``, slider values), and
its last results in :attr:`TargetPanel.targets` and :attr:`TargetPanel.calibration`, so
it can be driven and checked without a browser or kernel.
"""
from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pandas as pd

from kpi_lib.config.models import Bonus, Role, Scoring
from kpi_lib.errors import KpiError
from kpi_lib.metrics.registry import metrics
from kpi_lib.targets.benchmark import benchmark_targets, load_benchmarks
from kpi_lib.targets.budget import budget_targets
from kpi_lib.targets.calibration import Calibration, baseline_stats, calibrate
from kpi_lib.targets.levels import (DEFAULT_RAMP, VOLUME_UNITS, add_levels, apply_ramp, apply_tiers, grow,
                                    metric_info)
from kpi_lib.targets.seasonality import season_factor
from kpi_lib.targets.versions import save_version
from kpi_lib.texts import text

METHODS = ("historical", "budget", "benchmark")
LIMIT_METHOD = "benchmark (policy limit)"
LEVELS = ("junior", "senior")
SAVED_COLUMNS = ["person_id", "market", "metric_id", "month", "threshold", "target", "stretch", "weight", "method",
                 "direction", "tier_factor", "ramp_factor", "base_value", "growth"]


def _role_parts(role) -> tuple[dict, dict]:
    """(weights {market: {metric: pct}}, tiers {level: factor}) of a Role model or dict."""
    if isinstance(role, Role):
        weights = role.weights or {}
        tiers = {lv: t.target_factor for lv, t in (role.tiers or {}).items()}
    else:
        role = role or {}
        weights = role.get("weights") or {}
        tiers = {lv: float((t or {}).get("target_factor", 1.0)) for lv, t in (role.get("tiers") or {}).items()}
    return {str(m): {str(k): float(v) for k, v in w.items()} for m, w in weights.items()}, tiers


def plan_rows(people: pd.DataFrame, weights: Mapping[str, Mapping[str, Mapping[str, float]]],
              baseline: pd.DataFrame | None = None) -> pd.DataFrame:
    """The scheme: one row per person × market × metric with the role's weight (percent)
    for that market (its own list, else ``default``). A person's markets come from the
    ``markets`` column (comma-separated), else from their baseline rows."""
    rows = []
    base_markets = {}
    if baseline is not None and "market" in baseline.columns:
        base_markets = baseline.groupby("person_id")["market"].agg(lambda s: list(dict.fromkeys(s))).to_dict()
    for p in people.to_dict("records"):
        role = p.get("role")
        if role not in weights:
            raise KpiError(f"person {p['person_id']} has the role {role!r}, which has no weights", column="role",
                           expected=", ".join(weights), fix="add the role's weights (roles.<role>.weights)")
        markets = p.get("markets")
        markets = ([m.strip() for m in str(markets).split(",") if m.strip()] if isinstance(markets, str)
                   else base_markets.get(p["person_id"], ["default"]))
        for market in markets:
            table = weights[role].get(market) or weights[role].get("default")
            if not table:
                raise KpiError(f"role {role} has no weights for market {market}", key=f"roles.{role}.weights",
                               fix=f"add a `{market}:` or `default:` weight list")
            for metric_id, w in table.items():
                rows.append({"person_id": p["person_id"], "name": p.get("name"), "role": role, "level": p.get("level"),
                             "market": market, "metric_id": metric_id, "weight": float(w),
                             "start_date": p.get("start_date")})
    return pd.DataFrame(rows)


def _fmt(value: float, unit: str) -> str:
    if value is None or not np.isfinite(value):
        return "—"
    if unit == "ratio":
        return f"{value:.1%}"
    if unit in ("currency", "count"):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _pct(p: float) -> str:
    return "—" if p is None or not np.isfinite(p) else f"{p:.0%}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<div style='max-height:420px;overflow:auto'><table class='kpi-targets' style='border-collapse:collapse;"
            f"font-size:12px'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


class TargetPanel:
    """The tuning panel. Plain inputs, so it runs without the demo:

    * ``baseline``: person_id, [market,] metric_id, month, actual (the baseline months);
    * ``people``: person_id, name, role, level, markets (comma-separated), start_date;
    * ``roles``: {role: Role or {weights: {market|default: {metric: percent}}, tiers:
      {junior: {target_factor: …}, …}}} — the client config's ``roles``;
    * ``scoring`` / ``bonus``: the client's :class:`Scoring` and :class:`Bonus`;
    * ``months``: the target months (default: the month after the last baseline month);
    * ``budget`` + ``shares`` (+ ``index`` for an annual budget): for the budget method
      (amounts in the metric's currency: convert with :mod:`kpi_lib.fx` first);
    * ``seasonality``: a seasonality index; volume targets and their hit probabilities of
      the historical method then follow the season of each month;
    * ``history``: person_id, [market,] metric_id, history_value (e.g. the historical
      method's output): replaces the baseline mean as the historical base;
    * ``store``: the target version folder the Save button writes to.

    Show it in a notebook by leaving the panel as a cell's last expression (or
    ``display(panel.widget)``)."""

    def __init__(self, baseline: pd.DataFrame, people: pd.DataFrame, roles: Mapping, scoring: Scoring | None,
                 bonus: Bonus | None, *, months: Sequence[str] | None = None, budget: pd.DataFrame | None = None,
                 shares: pd.DataFrame | None = None, index: pd.DataFrame | None = None,
                 seasonality: pd.DataFrame | None = None, history: pd.DataFrame | None = None,
                 benchmarks: pd.DataFrame | None = None, store: str | Path | None = None, author: str = "",
                 effective_from: dt.date | None = None, bonus_budget: float | None = None, currency: str = "CNY",
                 language: str = "zh", ramp: Sequence[float] = DEFAULT_RAMP, growth: float = 0.0,
                 method: str = "historical", percentile: str = "p50", rho: float = 0.0) -> None:
        self.language = language
        self.scoring = scoring or Scoring()
        self.bonus = bonus
        self.store = store
        self.ramp = tuple(ramp)
        self.rho = rho
        self.currency = currency
        self.bonus_budget = bonus_budget
        self.seasonality = seasonality
        self.people = people.copy()
        self.baseline_months = sorted(baseline["month"].astype(str).str.slice(0, 7).unique()) \
            if "month" in baseline.columns else []
        if months is None:
            if not self.baseline_months:
                raise KpiError("no target months", key="months", fix="pass months=['2026-12', ...]")
            months = [str(pd.Period(self.baseline_months[-1], freq="M") + 1)]
        self.months = [str(m) for m in months]
        parts = {r: _role_parts(spec) for r, spec in roles.items()}
        self.weights = {r: w for r, (w, _) in parts.items()}
        self.tiers = {r: {lv: t.get(lv, 1.0) for lv in LEVELS} for r, (_, t) in parts.items()}
        self.plan = plan_rows(self.people, self.weights, baseline)
        # Baseline statistics and the plan's fixed columns are computed once; every
        # control change only redoes the cheap steps.
        self.stats = baseline_stats(baseline)
        keys = [c for c in ("person_id", "market", "metric_id") if c in self.stats.columns]
        self._keys = keys
        direction, unit = metric_info(self.plan["metric_id"])
        self._grid = self.plan.merge(pd.DataFrame({"month": self.months}), how="cross")
        self._grid["direction"] = np.tile(direction[:, None], (1, len(self.months))).ravel() if len(self.plan) else []
        self._grid["unit"] = np.tile(unit[:, None], (1, len(self.months))).ravel() if len(self.plan) else []
        merged = self._grid.merge(self.stats, on=keys, how="left")
        if history is not None:
            hk = [k for k in keys if k in history.columns]
            hv = history.drop_duplicates(hk).set_index(hk)["history_value"]
            idx = pd.MultiIndex.from_frame(merged[hk]) if len(hk) > 1 else merged[hk[0]]
            given = hv.reindex(idx).to_numpy(dtype=float)
            merged["base_value"] = np.where(np.isnan(given), merged["mean"], given)
        else:
            merged["base_value"] = merged["mean"]
        merged["season"] = self._season_factors(merged)
        self._grid = merged
        self._budget = None
        if budget is not None and shares is not None:
            b = budget_targets(budget, shares, index=index)
            self._budget = b[b["person_id"].notna()]
        self._benchmarks = benchmarks if benchmarks is not None else load_benchmarks()
        self._bench_cache: dict[str, pd.DataFrame] = {}
        self.targets: pd.DataFrame = pd.DataFrame()
        self.calibration: Calibration | None = None
        self.last_saved = None
        self.last_ms = 0.0
        self._busy = False
        self._build(method, growth, percentile, author, effective_from)
        self.recompute()

    # -- pure steps ---------------------------------------------------------------------
    def _season_factors(self, grid: pd.DataFrame) -> np.ndarray:
        out = np.ones(len(grid))
        if self.seasonality is None or not self.baseline_months:
            return out
        volume = (grid["unit"].isin(VOLUME_UNITS) & (grid["direction"] == "higher")).to_numpy()
        cache = {}
        for i in np.flatnonzero(volume):
            key = (grid["market"].iat[i], grid["month"].iat[i])
            if key not in cache:
                cache[key] = season_factor(self.seasonality, key[0], key[1], self.baseline_months)
            out[i] = cache[key]
        return out

    def current_scoring(self) -> Scoring:
        """The client's scoring with the panel's threshold and cap."""
        data = self.scoring.model_dump()
        data.update(threshold=float(self.w_threshold.value), cap=float(self.w_cap.value))
        return Scoring.model_validate(data)

    def compute_targets(self) -> pd.DataFrame:
        """All target months under the current controls (threshold, target, stretch,
        weight, method…); see the module docstring."""
        g = self._grid
        method, growth = self.w_method.value, float(self.w_growth.value) / 100.0
        d = g["direction"].to_numpy(dtype=object)
        base = g["base_value"].to_numpy(dtype=float) * g["season"].to_numpy(dtype=float)
        target = np.where(d == "band", np.nan, grow(base, growth, d))
        used = np.full(len(g), "historical", dtype=object)
        row_growth = np.full(len(g), growth)
        if method == "budget" and self._budget is not None and len(self._budget):
            b = self._budget.set_index(["person_id", "market", "metric_id", "month"])["target"]
            b = b[~b.index.duplicated()]
            found = b.reindex(pd.MultiIndex.from_frame(g[["person_id", "market", "metric_id", "month"]])).to_numpy(
                dtype=float)
            hit = ~np.isnan(found)
            target, used[hit], row_growth[hit] = np.where(hit, found, target), "budget", np.nan
        elif method == "benchmark":
            pct = self.w_percentile.value
            if pct not in self._bench_cache:
                plan = self.plan[["person_id", "market", "metric_id"]].drop_duplicates()
                self._bench_cache[pct] = benchmark_targets(plan, percentile=pct, months=self.months[:1],
                                                           benchmarks=self._benchmarks).drop(columns="month")
            bt = self._bench_cache[pct].set_index(["person_id", "market", "metric_id"])
            idx = pd.MultiIndex.from_frame(g[["person_id", "market", "metric_id"]])
            found = bt["target"].reindex(idx).to_numpy(dtype=float)
            hit = ~np.isnan(found) & (d != "band")
            target = np.where(hit, found, target)
            used[hit] = bt["method"].reindex(idx).to_numpy(dtype=object)[hit]
            # A tier must not loosen an Amazon limit (a junior's ODR above 1 %): limit rows
            # get their own method name, which apply_tiers skips.
            limit = hit & bt["is_limit"].reindex(idx).fillna(False).to_numpy(dtype=bool)
            used[limit] = LIMIT_METHOD
            row_growth[hit] = np.nan
        frame = g.assign(target=target, method=used, growth=row_growth,
                         weight=self._weights_column(g))
        frame = apply_tiers(frame, None, self._tier_table(), skip_methods=("budget", LIMIT_METHOD))
        if "start_date" in frame.columns and frame["start_date"].notna().any():
            frame = apply_ramp(frame, None, ramp=self.ramp)
        else:
            frame = frame.assign(ramp_factor=1.0)
        return add_levels(frame, self.current_scoring())

    def _weights_column(self, g: pd.DataFrame) -> np.ndarray:
        out = np.empty(len(g))
        for i, (role, market, metric_id) in enumerate(zip(g["role"], g["market"], g["metric_id"])):
            table = self.weights[role].get(market) or self.weights[role].get("default")
            out[i] = table.get(metric_id, 0.0)
        return out

    def _tier_table(self) -> pd.DataFrame:
        return pd.DataFrame([{"role": r, "level": lv, "target_factor": f}
                             for r, t in self.tiers.items() for lv, f in t.items()],
                            columns=["role", "level", "target_factor"])

    def weight_problems(self) -> list[tuple[str, str, float]]:
        """(role, market, total) of every weight list of the plan not adding up to 100."""
        out = []
        for role, market in self.plan[["role", "market"]].drop_duplicates().itertuples(index=False):
            key = market if market in self.weights[role] else "default"
            total = sum(self.weights[role][key].values())
            if abs(total - 100.0) > 0.01:
                out.append((role, key, total))
        return out

    # -- widgets --------------------------------------------------------------------------
    def _t(self, key: str, **values) -> str:
        return text(f"target_panel.{key}", self.language, **values)

    def _build(self, method: str, growth: float, percentile: str, author: str, effective_from) -> None:
        methods = [m for m in METHODS if m != "budget" or self._budget is not None]
        if method not in methods:
            raise KpiError(f"method {method!r} is not available", key="method", expected=", ".join(methods),
                           fix="the budget method needs budget= and shares=")
        style = {"description_width": "initial"}
        self.w_method = widgets.Dropdown(options=[(self._t(f"method_{m}"), m) for m in methods], value=method,
                                         description=self._t("method"), style=style)
        self.w_percentile = widgets.Dropdown(options=["p25", "p50", "p75", "good"], value=percentile,
                                             description=self._t("percentile"), style=style)
        self.w_month = widgets.Dropdown(options=self.months, value=self.months[0], description=self._t("month"),
                                        style=style)
        self.w_growth = widgets.FloatSlider(value=growth * 100.0, min=-30.0, max=60.0, step=0.5,
                                            description=self._t("growth"), style=style, continuous_update=False)
        self.w_threshold = widgets.FloatSlider(value=self.scoring.threshold, min=0.3,
                                               max=min(1.0, self.scoring.target), step=0.01,
                                               description=self._t("threshold"), style=style,
                                               continuous_update=False)
        self.w_cap = widgets.FloatSlider(value=self.scoring.cap, min=max(1.0, self.scoring.target), max=2.0,
                                         step=0.01, description=self._t("cap"), style=style, continuous_update=False)
        pairs = list(dict.fromkeys(
            (r, m if m in self.weights[r] else "default")
            for r, m in self.plan[["role", "market"]].itertuples(index=False)))
        self.w_role_market = widgets.Dropdown(options=[(f"{r} · {m}", (r, m)) for r, m in pairs], value=pairs[0],
                                              description=self._t("role_market"), style=style)
        self.weight_sliders: dict[str, widgets.FloatSlider] = {}
        self.tier_sliders: dict[str, widgets.FloatSlider] = {
            lv: widgets.FloatSlider(value=1.0, min=0.5, max=1.5, step=0.01, description=self._t("tier", level=lv),
                                    style=style, continuous_update=False) for lv in LEVELS}
        self.weights_box = widgets.VBox()
        self.weights_sum = widgets.HTML()
        self.cost_html = widgets.HTML()
        self.shares_html = widgets.HTML()
        self.table_html = widgets.HTML()
        self.status = widgets.HTML()
        self.w_reason = widgets.Text(value="", description=self._t("reason"), style=style,
                                     layout=widgets.Layout(width="40%"))
        self.w_author = widgets.Text(value=author, description=self._t("author"), style=style)
        self.w_effective = widgets.DatePicker(value=effective_from or pd.Period(self.months[0], freq="M").start_time
                                              .date(), description=self._t("effective_from"), style=style)
        self.btn_save = widgets.Button(description=self._t("save"), button_style="primary")
        self.btn_save.on_click(lambda _b: self.save())

        for w in (self.w_method, self.w_percentile, self.w_month, self.w_growth, self.w_threshold, self.w_cap):
            w.observe(self._on_change, names="value")
        for lv, s in self.tier_sliders.items():
            s.observe(lambda ch, lv=lv: self._on_tier(lv, ch["new"]), names="value")
        self.w_role_market.observe(lambda _ch: self._sync_role(), names="value")
        self._sync_role(recompute=False)

        self.widget = widgets.VBox([
            widgets.HTML(self._t("title")),
            widgets.HBox([self.w_method, self.w_percentile, self.w_month]),
            widgets.HBox([self.w_growth, self.w_threshold, self.w_cap]),
            widgets.HBox([self.w_role_market, *self.tier_sliders.values()]),
            self.weights_box, self.weights_sum,
            self.cost_html, self.shares_html, self.table_html,
            widgets.HBox([self.w_author, self.w_effective]),
            widgets.HBox([self.w_reason, self.btn_save]),
            self.status,
        ])

    def _sync_role(self, recompute: bool = True) -> None:
        """Show the weight and tier sliders of the selected role · market."""
        role, market = self.w_role_market.value
        self._busy = True
        try:
            sliders = {}
            for metric_id, w in self.weights[role][market].items():
                name = metrics()[metric_id].name(self.language) if metric_id in metrics() else metric_id
                s = widgets.FloatSlider(value=w, min=0.0, max=100.0, step=1.0, description=name,
                                        style={"description_width": "initial"}, continuous_update=False)
                s.observe(lambda ch, m=metric_id: self._on_weight(m, ch["new"]), names="value")
                sliders[metric_id] = s
            self.weight_sliders = sliders
            self.weights_box.children = tuple(sliders.values())
            for lv, s in self.tier_sliders.items():
                s.value = float(self.tiers[role].get(lv, 1.0))
        finally:
            self._busy = False
        self._show_weight_sum()
        if recompute:
            self.recompute()

    def _show_weight_sum(self) -> None:
        role, market = self.w_role_market.value
        total = sum(self.weights[role][market].values())
        ok = abs(total - 100.0) <= 0.01
        self.weights_sum.value = self._t("weights_sum" if ok else "weights_bad", total=round(total, 2))

    def _on_weight(self, metric_id: str, value: float) -> None:
        if self._busy:
            return
        role, market = self.w_role_market.value
        self.weights[role][market][metric_id] = float(value)
        self._show_weight_sum()
        self.recompute()

    def _on_tier(self, level: str, value: float) -> None:
        if self._busy:
            return
        role, _ = self.w_role_market.value
        self.tiers[role][level] = float(value)
        self.recompute()

    def _on_change(self, _change) -> None:
        if not self._busy:
            self.recompute()

    # -- recompute and render -------------------------------------------------------------
    def recompute(self) -> None:
        """Targets for every month, calibration of the shown month, and the display."""
        start = time.perf_counter()
        try:
            self.targets = self.compute_targets()
            month = self.w_month.value
            rows = self.targets[self.targets["month"] == month].assign(expected_factor=lambda f: f["season"])
            self.calibration = calibrate(rows, None, scoring=self.current_scoring(), bonus=self.bonus,
                                         bonus_budget=self.bonus_budget, currency=self.currency, rho=self.rho)
            self._render(month)
        except KpiError as exc:
            self.status.value = f"<span style='color:#b00'>{html.escape(self._t('save_failed', error=str(exc)))}</span>"
        self.last_ms = (time.perf_counter() - start) * 1000.0

    def _render(self, month: str) -> None:
        cal = self.calibration
        registry = metrics()
        r = cal.rows
        # Whole columns as lists first: per-cell pandas access would dominate the redraw.
        col = {c: r[c].tolist() for c in ("person_id", "market", "metric_id", "method", "unit", "weight", "threshold",
                                           "target", "stretch", "p_threshold", "p_target", "p_stretch", "exp_score")}
        names = r["name"].tolist() if "name" in r.columns else [""] * len(r)
        label = {m: (registry[m].name(self.language) if m in registry else m) for m in set(col["metric_id"])}
        rows = []
        for i in range(len(r)):
            u = col["unit"][i]
            rows.append([col["person_id"][i], names[i] or "", col["market"][i], label[col["metric_id"][i]],
                         col["method"][i], f"{col['weight'][i]:g}", _fmt(col["threshold"][i], u),
                         _fmt(col["target"][i], u), _fmt(col["stretch"][i], u), _pct(col["p_threshold"][i]),
                         _pct(col["p_target"][i]), _pct(col["p_stretch"][i]), _fmt(col["exp_score"][i], "points")])
        zh = self.language == "zh"
        headers = (["工号", "姓名", "市场", "指标", "方法", "权重%", "门槛", "目标", "挑战", "P(门槛)", "P(目标)",
                    "P(挑战)", "预期得分"] if zh else
                   ["ID", "Name", "Market", "Metric", "Method", "Weight %", "Threshold", "Target", "Stretch",
                    "P(threshold)", "P(target)", "P(stretch)", "Exp. score"])
        self.table_html.value = _table(headers, rows)
        shares = cal.by_metric[cal.by_metric["month"] == month]
        share_rows = [[registry[m].name(self.language) if m in registry else m, int(n), _pct(a), _pct(b), _pct(c)]
                      for m, n, a, b, c in shares[["metric_id", "n", "share_threshold", "share_target",
                                                   "share_stretch"]].itertuples(index=False)]
        self.shares_html.value = f"<b>{html.escape(self._t('shares_title'))}</b>" + _table(
            ["指标", "人数", "门槛", "目标", "挑战"] if zh else ["Metric", "People", "Threshold", "Target", "Stretch"],
            share_rows)
        self.cost_html.value = self._cost_chart(month)

    def _cost_chart(self, month: str) -> str:
        s = self.calibration.summary
        s = s[s["month"] == month]
        if s.empty:
            return ""
        row = s.iloc[0]
        cost, budget, sd = float(row["expected_cost"]), row["budget"], float(row["sd_cost"])
        has_budget = budget is not None and np.isfinite(budget)
        top = max(cost + sd, budget if has_budget else 0.0, 1.0)
        colour = "#c0392b" if has_budget and cost > budget else "#2e86c1"

        def bar(label: str, value: float, colour: str) -> str:
            width = max(0.0, min(100.0, value / top * 100.0))
            return (f"<div style='display:flex;align-items:center;margin:2px 0'><span style='width:90px'>"
                    f"{html.escape(label)}</span><div style='background:{colour};height:14px;width:{width:.1f}%'>"
                    f"</div><span style='margin-left:6px'>{value:,.0f}</span></div>")

        zh = self.language == "zh"
        bars = bar("预计成本" if zh else "Expected", cost, colour)
        if has_budget:
            bars += bar("预算" if zh else "Budget", float(budget), "#7f8c8d")
        line = self._t("cost_line", cost=cost, currency=row["currency"], sd=sd,
                       budget=f"{budget:,.0f}" if has_budget else "—",
                       p_over=_pct(row["p_over_budget"]) if has_budget else "—")
        return (f"<div class='kpi-cost' data-cost='{cost:.2f}' data-budget='{budget if has_budget else ''}'>"
                f"<b>{html.escape(self._t('cost_title', month=month))}</b>{bars}<div>{html.escape(line)}</div></div>")

    # -- save -------------------------------------------------------------------------------
    def settings(self) -> dict:
        """The controls as plain JSON (stored with each saved version)."""
        return {"method": self.w_method.value, "growth_pct": float(self.w_growth.value),
                "percentile": self.w_percentile.value, "threshold": float(self.w_threshold.value),
                "cap": float(self.w_cap.value), "weights": self.weights, "tiers": self.tiers,
                "ramp": list(self.ramp), "months": self.months}

    def save(self):
        """Write the targets of every month as a new version; refuses (with a visible
        message) an empty reason, weights not adding up to 100, or a missing store."""
        reason = self.w_reason.value.strip()
        if not reason:
            self.status.value = f"<span style='color:#b00'>{html.escape(self._t('need_reason'))}</span>"
            return None
        problems = self.weight_problems()
        if problems:
            role, market, total = problems[0]
            self.status.value = (f"<span style='color:#b00'>"
                                 f"{html.escape(self._t('need_weights', role=role, market=market, total=total))}</span>")
            return None
        if self.store is None:
            self.status.value = f"<span style='color:#b00'>{html.escape(self._t('no_store'))}</span>"
            return None
        frame = self.targets[[c for c in SAVED_COLUMNS if c in self.targets.columns]].reset_index(drop=True)
        try:
            version = save_version(self.store, frame, self.w_author.value, reason, self.w_effective.value,
                                   settings=self.settings())
        except KpiError as exc:
            self.status.value = f"<span style='color:#b00'>{html.escape(self._t('save_failed', error=str(exc)))}</span>"
            return None
        self.last_saved = version
        self.status.value = ("<span style='color:#1e8449'>" + html.escape(self._t(
            "saved", version=version.version, rows=version.rows, changed=version.diff.get("changed", 0),
            added=version.diff.get("added", 0), removed=version.diff.get("removed", 0),
            people=version.diff.get("people_affected", 0))) + "</span>")
        return version

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
