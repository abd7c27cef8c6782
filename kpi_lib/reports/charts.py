"""Report charts, all drawn with the suite's theme (:func:`kpi_lib.reports.theme.use_theme`).

Each function takes prepared data (no computation beyond layout), applies the theme in the
report language and returns the matplotlib Figure. Figures are built with
``matplotlib.figure.Figure``, not pyplot, so a monthly batch never piles up open figures;
inside a notebook kernel the figure is displayed once when drawn (end the line with ``;``),
elsewhere (tests, scripts) nothing is shown unless ``show=True``.

Labels come from ``texts_reports.yaml`` (zh/en) and metric names from the registry.
Long CJK labels are wrapped by display width (a CJK character counts double) so tick labels
never overlap; a test draws every chart and checks the label boxes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.reports.formats import compact_amount, is_missing
from kpi_lib.reports.labels import level_label, metric_label, role_label, rtext
from kpi_lib.reports.textwidth import wrap_display
from kpi_lib.reports.theme import PALETTE, use_theme

LABELS = {
    "coverage_title": {"zh": "数据覆盖（行数，按月）", "en": "Data coverage (rows per month)"},
    "month": {"zh": "月份", "en": "Month"},
}
POSITIVE = "#4e9a50"
NEGATIVE = "#c0504d"
TOTAL = PALETTE[0]
MISSING_FACE = "#eeeeee"
# Attainment colours run from red (1 − span) through yellow (100 %) to green (1 + span).
ATTAINMENT_SPAN = 0.5


def _label(key: str, language: str) -> str:
    return LABELS[key].get(language) or LABELS[key]["zh"]


def _figure(width: float, height: float):
    """A figure outside pyplot's registry (freed with its last reference, never shown twice),
    on an Agg canvas so it can be drawn and measured anywhere."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _present(fig, show: bool | None):
    """Display the figure in a notebook kernel (or when asked), and return it."""
    if show is None:
        try:
            from IPython import get_ipython

            shell = get_ipython()
            show = shell is not None and hasattr(shell, "kernel")
        except ImportError:
            show = False
    if show:
        from IPython.display import display

        display(fig)
    return fig


def coverage_heatmap(matrix: pd.DataFrame, *, language: str = "zh", show: bool | None = None):
    """Rows per table × market and month; empty cells (gaps) stand out in white."""
    import seaborn as sns

    if matrix.empty:
        return None
    use_theme(language)
    labels = [f"{t} · {m}" for t, m in matrix.index]
    height = max(2.5, 0.32 * len(labels) + 1.2)
    fig = _figure(9.5, height)
    ax = fig.subplots()
    shown = np.log10(matrix.replace(0, np.nan))
    sns.heatmap(shown, ax=ax, cmap="Blues", cbar=False, linewidths=0.5, linecolor="#eeeeee",
                annot=matrix.replace(0, np.nan).map(lambda v: "" if pd.isna(v) else f"{int(v):,}"),
                fmt="", annot_kws={"fontsize": 6})
    ax.set_yticks(np.arange(len(labels)) + 0.5, labels, rotation=0, fontsize=8)
    ax.set_xticks(np.arange(matrix.shape[1]) + 0.5, list(matrix.columns), rotation=45, ha="right", fontsize=8)
    ax.tick_params(length=0)
    ax.grid(False)
    ax.set_xlabel(_label("month", language))
    ax.set_ylabel("")
    ax.set_title(_label("coverage_title", language))
    return _present(fig, show)


def _person_labels(frame: pd.DataFrame) -> pd.Series:
    """Name per person id; a name two people share gets the id added."""
    first = frame.drop_duplicates("person_id").set_index("person_id")
    names = first["name"] if "name" in first.columns else pd.Series(first.index, index=first.index)
    names = names.where(names.notna(), pd.Series(first.index, index=first.index)).astype(str)
    dup = names.duplicated(keep=False)
    return names.where(~dup, names + " (" + names.index.astype(str) + ")")


def attainment_heatmap(detail: pd.DataFrame, *, language: str = "zh", metric_name_language: str | None = None,
                       span: float = ATTAINMENT_SPAN, show: bool | None = None):
    """Person × metric attainment, diverging around 100 % (red below, green above).

    ``detail`` is the scorecard frame (person_id, name, metric_id, attainment, exempted).
    Exempted cells are grey and marked 免 / ex.; cells without a figure stay grey and blank.
    """
    import seaborn as sns

    use_theme(language)
    people = _person_labels(detail)
    metric_ids = list(dict.fromkeys(detail["metric_id"].astype(str)))
    att = detail.pivot_table(index="person_id", columns="metric_id", values="attainment", aggfunc="mean",
                             sort=False).reindex(index=people.index, columns=metric_ids)
    exempt = pd.DataFrame(False, index=att.index, columns=att.columns)
    if "exempted" in detail.columns:
        flags = detail.assign(_ex=detail["exempted"].fillna(False).astype(bool)).pivot_table(
            index="person_id", columns="metric_id", values="_ex", aggfunc="max", sort=False)
        exempt = flags.reindex(index=att.index, columns=att.columns).fillna(False).astype(bool)
    values = att.astype(float).where(~exempt)
    annot = values.map(lambda v: "" if pd.isna(v) else f"{v * 100:.0f}%")
    x_labels = [wrap_display(metric_label(m, language, metric_name_language), 12) for m in metric_ids]
    label_lines = max(lbl.count("\n") + 1 for lbl in x_labels) if x_labels else 1
    width = min(16.0, max(6.0, 2.2 + 0.95 * len(metric_ids) + 1.0))
    height = max(3.0, 1.3 + 0.36 * len(att) + 0.18 * label_lines)
    fig = _figure(width, height)
    ax = fig.subplots()
    ax.set_facecolor(MISSING_FACE)
    sns.heatmap(values, ax=ax, mask=values.isna(), cmap="RdYlGn", vmin=1 - span, vmax=1 + span, center=1.0,
                annot=annot, fmt="", annot_kws={"fontsize": 8}, linewidths=0.8, linecolor="white",
                cbar_kws={"label": rtext("charts", "attainment_colorbar", language), "shrink": 0.8,
                          "format": _percent_formatter()})
    for i, j in zip(*np.nonzero(exempt.to_numpy())):
        ax.text(j + 0.5, i + 0.5, rtext("charts", "exempt_mark", language), ha="center", va="center",
                fontsize=8, color="#666666")
    ax.set_xticks(np.arange(len(metric_ids)) + 0.5, x_labels, rotation=0, fontsize=8)
    ax.set_yticks(np.arange(len(att)) + 0.5, [wrap_display(people[p], 16, max_lines=1) for p in att.index],
                  rotation=0, fontsize=8)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.grid(False)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(rtext("charts", "attainment_title", language), pad=10)
    return _present(fig, show)


def _percent_formatter():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)


def _value_formatter(unit: str | None, language: str):
    from matplotlib.ticker import FuncFormatter

    if unit == "ratio":
        return _percent_formatter()
    if unit == "currency":
        return FuncFormatter(lambda v, _pos: compact_amount(v, language))
    return FuncFormatter(lambda v, _pos: f"{v:,.1f}" if abs(v) < 100 else f"{v:,.0f}")


def _month_labels(months: list[str]) -> tuple[list[int], list[str]]:
    """Positions and labels of the month ticks: every month up to 12, fewer beyond."""
    step = 1 if len(months) <= 12 else int(np.ceil(len(months) / 12))
    positions = list(range(0, len(months), step))
    return positions, [months[i] for i in positions]


def market_trends(series: pd.DataFrame, *, value: str = "value", metric_id: str | None = None,
                  unit: str | None = None, language: str = "zh", metric_name_language: str | None = None,
                  title: str | None = None, show: bool | None = None):
    """One line per market over months. ``series`` has columns month (YYYY-MM, a Period or a
    date), market and ``value``; the unit (ratio → %, currency → 万/K) comes from
    ``metric_id`` in the registry unless given."""
    from kpi_lib.reports.labels import metric_unit

    use_theme(language)
    frame = series.assign(_month=series["month"].map(_month_text))
    months = sorted(frame["_month"].unique())
    unit = unit or (metric_unit(metric_id) if metric_id else None)
    fig = _figure(8.0, 3.8)
    ax = fig.subplots()
    for i, (market, g) in enumerate(frame.groupby("market", sort=True)):
        g = g.groupby("_month")[value].sum(min_count=1).reindex(months)
        ax.plot(range(len(months)), g.to_numpy(dtype=float), marker="o", markersize=4, linewidth=2,
                color=PALETTE[i % len(PALETTE)], label=str(market))
    positions, labels = _month_labels(months)
    ax.set_xticks(positions, labels, rotation=45 if len(months) > 6 else 0,
                  ha="right" if len(months) > 6 else "center")
    ax.yaxis.set_major_formatter(_value_formatter(unit, language))
    ax.set_xlabel(rtext("charts", "month", language))
    ax.set_ylabel(metric_label(metric_id, language, metric_name_language) if metric_id
                  else rtext("charts", "value", language))
    ax.legend(title=rtext("charts", "market", language), frameon=False, loc="best")
    if title is None:
        title = (rtext("charts", "trend_title", language,
                       metric=metric_label(metric_id, language, metric_name_language))
                 if metric_id else rtext("charts", "trend_title_plain", language))
    ax.set_title(title)
    return _present(fig, show)


def _month_text(value: object) -> str:
    if isinstance(value, pd.Period):
        return value.strftime("%Y-%m")
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "strftime"):
        return pd.Timestamp(value).strftime("%Y-%m")
    return str(value)[:7]


WATERFALL_KEYS = ("target", "traffic", "conversion", "price", "actual", "residual")


def waterfall_steps(effects: pd.DataFrame) -> pd.DataFrame:
    """The bars of a deviation waterfall: ``effects`` has columns effect and value, from the
    target (first row, or the row named ``target``) through the named effects to the actual
    (last row, or ``actual``). When the effects do not add up to the actual, a ``residual``
    bar shows the gap rather than hiding it.

    Columns: effect, kind (total | step), value, start, end.
    """
    rows = effects[["effect", "value"]].reset_index(drop=True)
    keys = rows["effect"].astype(str).str.lower()
    t = int(np.flatnonzero(keys == "target")[0]) if (keys == "target").any() else 0
    a = int(np.flatnonzero(keys == "actual")[0]) if (keys == "actual").any() else len(rows) - 1
    target, actual = float(rows.at[t, "value"]), float(rows.at[a, "value"])
    steps = rows.drop(index=[t, a])
    residual = actual - target - float(steps["value"].sum())
    if abs(residual) > 1e-6 * max(abs(target), abs(actual), 1.0):
        steps = pd.concat([steps, pd.DataFrame({"effect": ["residual"], "value": [residual]})], ignore_index=True)
    out = [{"effect": str(rows.at[t, "effect"]), "kind": "total", "value": target, "start": 0.0, "end": target}]
    level = target
    for effect, v in zip(steps["effect"], steps["value"].astype(float)):
        out.append({"effect": str(effect), "kind": "step", "value": v, "start": level, "end": level + v})
        level += v
    out.append({"effect": str(rows.at[a, "effect"]), "kind": "total", "value": actual, "start": 0.0, "end": actual})
    return pd.DataFrame(out)


def waterfall_floor(steps: pd.DataFrame) -> float:
    """Where the value axis starts. Zero, unless every level stays far above it: then the
    axis starts a little below the lowest level (a round number) so that effects of a few
    percent are visible; the total bars start at the axis and every bar carries its value."""
    levels = pd.concat([steps["start"][steps["kind"] == "step"], steps["end"]]).astype(float)
    low, high = float(levels.min()), float(levels.max())
    if low <= 0 or low < 0.4 * high:
        return min(0.0, low)
    spread = high - low
    below = low - max(spread * 0.6, 0.02 * high)
    magnitude = 10 ** np.floor(np.log10(max(spread, 1e-12)))
    return max(0.0, float(np.floor(below / magnitude) * magnitude))


def deviation_waterfall(effects: pd.DataFrame, *, language: str = "zh", unit: str = "currency",
                        title: str | None = None, show: bool | None = None):
    """Waterfall from target to actual through named effects (traffic, conversion, price…).

    Known effect names (target, traffic, conversion, price, actual) are translated; other
    names are shown as given. See :func:`waterfall_steps` for the input."""
    use_theme(language)
    steps = waterfall_steps(effects)
    names = [rtext("charts", e.lower(), language) if e.lower() in WATERFALL_KEYS else e for e in steps["effect"]]
    fig = _figure(max(6.0, 1.1 * len(steps) + 1.5), 4.0)
    ax = fig.subplots()
    x = np.arange(len(steps))
    floor = waterfall_floor(steps)
    starts = np.where(steps["kind"] == "total", floor, steps["start"]).astype(float)
    bottoms = np.minimum(starts, steps["end"].to_numpy(dtype=float))
    heights = np.abs(steps["end"].to_numpy(dtype=float) - starts)
    colours = [TOTAL if k == "total" else (POSITIVE if v >= 0 else NEGATIVE)
               for k, v in zip(steps["kind"], steps["value"])]
    ax.bar(x, heights, bottom=bottoms, color=colours, width=0.6, zorder=2)
    for i in range(len(steps) - 1):  # connectors: where one bar ends the next begins
        level = steps.at[i, "end"]
        ax.plot([i + 0.3, i + 0.7], [level, level], color="#888888", linewidth=0.8, linestyle="--", zorder=1)
    fmt = _value_text(unit, language)
    top = float(np.nanmax(bottoms + heights)) if len(steps) else 1.0
    pad = 0.02 * (top - floor)
    for i, row in steps.iterrows():
        text = fmt(row["value"])
        if row["kind"] == "step" and row["value"] >= 0:
            text = "+" + text
        ax.text(i, max(row["start"], row["end"]) + pad, text, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, [wrap_display(n, 10) for n in names])
    ax.yaxis.set_major_formatter(_value_formatter(unit, language))
    ax.set_ylim(floor, top + 0.12 * (top - floor))
    ax.grid(axis="x", visible=False)
    ax.set_title(title or rtext("charts", "waterfall_title", language))
    return _present(fig, show)


def _value_text(unit: str, language: str):
    if unit == "ratio":
        return lambda v: f"{v * 100:.1f}%"
    if unit == "currency":
        return lambda v: compact_amount(v, language)
    return lambda v: f"{v:,.1f}"


def score_distribution(summary: pd.DataFrame, *, by: str = "level", language: str = "zh",
                       ratings: dict[str, float] | None = None, show: bool | None = None):
    """Total scores as points over a box per group (level, market or role), with the rating
    bands as dashed lines. A person working several markets ("US,JP") counts in each."""
    import seaborn as sns

    use_theme(language)
    frame = summary[["person_id", by, "total_score"]].dropna(subset=["total_score"]).copy()
    if by == "market":
        frame[by] = frame[by].astype(str).str.split(",")
        frame = frame.explode(by)
        frame[by] = frame[by].str.strip()
    frame[by] = frame[by].where(frame[by].notna(), "—").astype(str)
    order = (["junior", "senior"] if by == "level" else []) + sorted(frame[by].unique())
    order = [g for g in dict.fromkeys(order) if g in set(frame[by])]
    display_name = {"level": level_label, "role": role_label}.get(by, lambda v, _lang: str(v))
    counts = frame[by].value_counts()
    tick = {g: wrap_display(rtext("charts", "group_count", language, group=display_name(g, language), n=counts[g]), 14)
            for g in order}
    fig = _figure(max(5.0, 1.4 * len(order) + 2.5), 4.0)
    ax = fig.subplots()
    sns.boxplot(data=frame, x=by, y="total_score", order=order, ax=ax, color="#dde6f0", width=0.5,
                showfliers=False, linewidth=1)
    sns.stripplot(data=frame, x=by, y="total_score", order=order, ax=ax, color=TOTAL, size=6, jitter=0.15,
                  alpha=0.85)
    ax.grid(axis="y", alpha=0.4)
    if ratings:
        for name, minimum in sorted(ratings.items(), key=lambda kv: kv[1]):
            if minimum <= 0 or is_missing(minimum):
                continue
            ax.axhline(minimum, color="#999999", linewidth=0.8, linestyle="--", zorder=0)
            ax.annotate(f"{name} ≥ {minimum:g}", xy=(1.0, minimum), xycoords=("axes fraction", "data"),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=8, color="#666666")
    ax.set_xticks(range(len(order)), [tick[g] for g in order])
    ax.set_xlabel("")
    ax.set_ylabel(rtext("charts", "total_score", language))
    ax.set_title(rtext("charts", "score_title", language, by=rtext("charts", f"by_{by}", language)
                       if by in ("level", "role", "market") else by))
    return _present(fig, show)
