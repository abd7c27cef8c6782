"""The client config schema (pydantic). Unknown keys are errors everywhere (``extra='forbid'``)
so a misspelt key never silently falls back to a default.

Ingestion needs only ``client_id``, ``markets``, ``data_dir`` and ``sources``; every other
section is optional until the stage that reads it (:meth:`ClientConfig.require`).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kpi_lib.errors import ConfigError

PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
ENV_REF_RE = re.compile(r"^\$\{([A-Z_][A-Z0-9_]*)\}$")
Language = Literal["zh", "en"]
Level = Literal["junior", "senior"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _period(value: object) -> str:
    """YYYY-MM; YAML turns ``2026-10`` into a string but ``2026-10-01`` into a date."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m")
    text = str(value)
    if not PERIOD_RE.match(text):
        raise ValueError(f"expected a month as YYYY-MM (e.g. 2026-10), got {text!r}")
    return text


class Store(Strict):
    id: str
    platform: Literal["amazon", "shopify", "tiktok", "erp"] = "amazon"
    name: str | None = None
    ui_language: Literal["en", "ja", "zh"] | None = None


class Market(Strict):
    """A marketplace the client sells in. Unset fields come from the market template."""

    id: str = Field(pattern=r"^[A-Z]{2}$")
    currency: str | None = None
    timezone: str | None = None
    platforms: list[Literal["amazon", "shopify", "tiktok", "erp"]] | None = None
    locale_date_formats: list[str] | None = None
    amazon_marketplace: str | None = None
    events: str | None = None
    stores: list[Store] = Field(default_factory=list)


class Source(Strict):
    """One kind of raw export: an adapter type and a glob relative to ``data_dir``."""

    type: str
    path: str
    market: str | None = None
    store: str | None = None
    period: str | None = None
    encoding: str | None = None
    options: dict = Field(default_factory=dict)
    credentials: dict[str, str] = Field(default_factory=dict)

    @field_validator("period", mode="before")
    @classmethod
    def _check_period(cls, v: object) -> str | None:
        return None if v is None else _period(v)

    @field_validator("path")
    @classmethod
    def _relative_inside(cls, v: str) -> str:
        p = Path(v)
        if p.is_absolute() or ".." in p.parts:
            raise ValueError(
                f"{v!r} leaves data_dir; source paths are globs relative to data_dir "
                "(copy the files into the client's data folder instead)")
        return v

    @field_validator("credentials")
    @classmethod
    def _env_refs_only(cls, v: dict[str, str]) -> dict[str, str]:
        for name, value in v.items():
            if not ENV_REF_RE.match(str(value)):
                raise ValueError(
                    f"credential {name!r} must be an environment reference like ${{ERP_TOKEN}}, "
                    "never the secret itself")
        return v


class Tier(Strict):
    target_factor: float = Field(1.0, gt=0, le=3)
    weights: dict[str, dict[str, float]] | None = None


class Role(Strict):
    """A role's metrics and weights. ``weights`` maps a market id (or ``default``) to
    ``{metric_id: percent}``; each list must sum to 100."""

    template: str | None = None
    names: dict[str, str] | None = None
    weights: dict[str, dict[str, float]] | None = None
    tiers: dict[Level, Tier] | None = None


class CurvePoint(Strict):
    """One step of a stepped payout curve: reaching ``attainment`` earns ``score``."""

    attainment: float = Field(ge=0)
    score: float


CURVE_FIELDS = ("curve", "threshold", "target", "cap", "floor_score", "threshold_score",
                "target_score", "cap_score", "steps")


class PayoutCurve(Strict):
    """A payout curve from attainment (actual ÷ target, direction-aware; 1.0 = on target)
    to a score in points.

    linear: below ``threshold`` → ``floor_score``; ``threshold`` → ``threshold_score``;
    ``target`` → ``target_score``; ``cap`` and above → ``cap_score``; straight lines between.
    stepped: the score of the highest step reached (``floor_score`` below the first step).
    ``floor_score`` and ``cap_score`` bound every score, whatever the curve.
    """

    curve: Literal["linear", "stepped"] = "linear"
    threshold: float = Field(0.8, ge=0)
    target: float = Field(1.0, gt=0)
    cap: float = Field(1.2, gt=0)
    floor_score: float = 0.0
    threshold_score: float = 60.0
    target_score: float = 100.0
    cap_score: float = 120.0
    steps: list[CurvePoint] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "PayoutCurve":
        problem = curve_problem(self)
        if problem:
            raise ValueError(problem)
        return self


def curve_problem(c: PayoutCurve) -> str | None:
    """Why a curve cannot pay monotonically (a higher attainment must never score less)."""
    if not c.threshold <= c.target <= c.cap:
        return f"expected threshold ≤ target ≤ cap, got {c.threshold:g} / {c.target:g} / {c.cap:g}"
    scores = (c.floor_score, c.threshold_score, c.target_score, c.cap_score)
    if list(scores) != sorted(scores):
        return ("expected floor_score ≤ threshold_score ≤ target_score ≤ cap_score, got "
                + " / ".join(f"{v:g}" for v in scores))
    if c.curve == "stepped":
        if not c.steps:
            return "a stepped curve needs `steps: [{attainment: 0.8, score: 60}, ...]`"
        atts = [s.attainment for s in c.steps]
        if any(b <= a for a, b in zip(atts, atts[1:])):
            return f"steps must be listed by increasing attainment, got {atts}"
        pts = [s.score for s in c.steps]
        if any(b < a for a, b in zip(pts, pts[1:])):
            return f"step scores must not fall as attainment rises, got {pts}"
        if min(pts) < c.floor_score or max(pts) > c.cap_score:
            return (f"step scores must lie between floor_score {c.floor_score:g} and "
                    f"cap_score {c.cap_score:g}, got {pts}")
    return None


class MetricCurve(Strict):
    """Per-metric overrides of the payout curve; unset fields come from ``scoring``.
    Giving ``steps`` without ``curve`` means ``curve: stepped``."""

    curve: Literal["linear", "stepped"] | None = None
    threshold: float | None = Field(None, ge=0)
    target: float | None = Field(None, gt=0)
    cap: float | None = Field(None, gt=0)
    floor_score: float | None = None
    threshold_score: float | None = None
    target_score: float | None = None
    cap_score: float | None = None
    steps: list[CurvePoint] | None = None


class Gate(Strict):
    """A guardrail: when the person's actual for ``metric`` (in ``market``, or any market)
    satisfies ``actual <op> value``, their bonus multiplier is capped at ``max_multiplier``.
    Example (Amazon ODR guardrail): ``{metric: odr, op: ">=", value: 0.01, max_multiplier: 0.5}``."""

    metric: str
    op: Literal[">=", ">", "<=", "<", "=="]
    value: float
    max_multiplier: float = Field(ge=0)
    market: str | None = None
    note: str | None = None


class Scoring(PayoutCurve):
    """Payout curve from attainment (actual ÷ target, direction-aware) to a score, with
    per-metric overrides, guardrail gates and rating bands (minimum total per rating).

    ``missing_actual``: a metric with no actual this month is ``drop``-ped (left out, the
    other weights renormalised, and a note says so) or scored at ``floor``."""

    ratings: dict[str, float] = Field(default_factory=lambda: {"S": 110, "A": 100, "B": 85, "C": 70, "D": 0},
                                      min_length=1)
    per_metric: dict[str, MetricCurve] = Field(default_factory=dict)
    gates: list[Gate] = Field(default_factory=list)
    missing_actual: Literal["drop", "floor"] = "drop"

    @model_validator(mode="after")
    def _per_metric_curves(self) -> "Scoring":
        for metric_id in self.per_metric:
            try:
                self.curve_for(metric_id)
            except ValidationError as exc:
                msg = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
                raise ValueError(f"per_metric.{metric_id}: {msg}") from None
        return self

    def curve_for(self, metric_id: str) -> PayoutCurve:
        """The global curve with ``per_metric[metric_id]`` laid over it."""
        base = {name: getattr(self, name) for name in CURVE_FIELDS}
        override = self.per_metric.get(metric_id)
        if override is None:
            return PayoutCurve.model_validate(base)
        given = {k: v for k, v in override if v is not None}
        if "steps" in given and "curve" not in given:
            given["curve"] = "stepped"
        return PayoutCurve.model_validate({**base, **given})


class MultiplierStep(Strict):
    """One row of the bonus multiplier table: by ``rating`` (S/A/B...) or by ``min_score``
    (the multiplier for totals at or above it), never both."""

    rating: str | None = None
    min_score: float | None = None
    multiplier: float = Field(ge=0)

    @model_validator(mode="after")
    def _one_key(self) -> "MultiplierStep":
        if (self.rating is None) == (self.min_score is None):
            raise ValueError("each multiplier row needs exactly one of `rating:` or `min_score:` "
                             "(e.g. {rating: A, multiplier: 1.0} or {min_score: 100, multiplier: 1.0})")
        return self


class PoolTier(Strict):
    """Profit above ``above`` (up to the next tier's ``above``) is paid at ``rate``."""

    above: float
    rate: float

    @field_validator("rate")
    @classmethod
    def _fraction(cls, v: float) -> float:
        if not 0 <= v <= 1:
            raise ValueError(f"a tier rate is a fraction between 0 and 1 (5 % is 0.05), got {v:g}")
        return v


class ProfitPool(Strict):
    """Profit-pool commission: progressive ``tiers`` on the month's net profit (like tax
    brackets), split by role ``split`` shares (fractions summing to 1), then among each
    role's people by total score × days worked. ``loss_month``: ``zero`` pays nothing in a
    loss month; ``carry_forward`` also deducts the loss from later months' profit first."""

    tiers: list[PoolTier] = Field(min_length=1)
    split: dict[str, float] = Field(min_length=1)
    loss_month: Literal["zero", "carry_forward"] = "zero"

    @model_validator(mode="after")
    def _check(self) -> "ProfitPool":
        aboves = [t.above for t in self.tiers]
        if any(b <= a for a, b in zip(aboves, aboves[1:])):
            raise ValueError(f"profit_pool.tiers must be listed by increasing `above`, got {aboves}")
        if any(v < 0 for v in self.split.values()):
            raise ValueError("profit_pool.split: shares must not be negative")
        total = sum(self.split.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"profit_pool.split shares sum to {total:g}, expected 1 "
                             "(fractions, e.g. {operations: 0.6, advertising: 0.4})")
        return self


class Bonus(Strict):
    """Monthly bonus: ``target_bonus`` by level × the multiplier for the person's rating
    (or total score) × days-worked fraction, capped by gates; plus an optional profit pool;
    the month's total capped at ``budget_cap`` by scaling every payout down."""

    currency: str | None = None
    target_bonus: dict[Level, float] = Field(default_factory=dict)
    multiplier: list[MultiplierStep] = Field(default_factory=list)
    profit_pool: ProfitPool | None = None
    budget_cap: float | None = Field(None, gt=0)

    @field_validator("target_bonus")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        if any(x < 0 for x in v.values()):
            raise ValueError("target_bonus amounts must not be negative")
        return v

    @model_validator(mode="after")
    def _one_form(self) -> "Bonus":
        forms = {"rating" if m.rating is not None else "min_score" for m in self.multiplier}
        if len(forms) > 1:
            raise ValueError("multiplier rows must all use `rating:` or all use `min_score:`, not a mix")
        if forms == {"rating"}:
            names = [m.rating for m in self.multiplier]
            if len(set(names)) != len(names):
                raise ValueError(f"multiplier: each rating may appear once, got {names}")
        if forms == {"min_score"}:
            steps = sorted(self.multiplier, key=lambda m: m.min_score)
            if len({m.min_score for m in steps}) != len(steps):
                raise ValueError("multiplier: each min_score may appear once")
            mults = [m.multiplier for m in steps]
            if mults != sorted(mults):
                raise ValueError("multiplier: a higher min_score must not pay a lower multiplier, got "
                                 + ", ".join(f"{m.min_score:g}→{m.multiplier:g}" for m in steps))
        return self

    @property
    def multiplier_form(self) -> Literal["rating", "min_score"] | None:
        if not self.multiplier:
            return None
        return "rating" if self.multiplier[0].rating is not None else "min_score"


class Exemption(Strict):
    """A force-majeure event declared in advance: the listed metrics are left out for the
    affected people and dates, and the remaining weights renormalised.

    It applies to a month when the event overlaps the month (and the person's employment)
    by at least ``min_overlap_days`` calendar days (default 1: any overlap)."""

    id: str
    kind: Literal["logistics_delay", "platform_outage", "account_suspension", "policy_change", "other"]
    market: str | None = None
    start: dt.date
    end: dt.date
    metrics: list[str] = Field(min_length=1)
    people: list[str] | Literal["all"] = "all"
    evidence: str
    approved_by: str
    min_overlap_days: int = Field(1, ge=1, le=31)

    @model_validator(mode="after")
    def _dates(self) -> "Exemption":
        if self.end < self.start:
            raise ValueError(f"exemption {self.id!r} ends ({self.end}) before it starts ({self.start})")
        return self


class Pilot(Strict):
    team: str
    start: str
    cycles: int = Field(1, ge=1, le=2)

    _start = field_validator("start", mode="before")(classmethod(lambda cls, v: _period(v)))


class Governance(Strict):
    """How the scheme is run; the diagnosis audit checks these."""

    change_notice_days: int | None = Field(None, ge=0)
    review_cadence: Literal["monthly", "quarterly", "none"] | None = None
    baseline_months: int | None = Field(None, ge=0)
    deductions: dict | None = None


class ClientConfig(Strict):
    client_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str | None = None
    report_language: Language = "zh"
    metric_name_language: Literal["zh", "en", "ja"] | None = None
    base_currency: str = "CNY"
    consultant: str | None = None
    markets: list[Market] = Field(min_length=1)
    fx_rates: dict[str, dict[str, float]] = Field(default_factory=dict)
    data_dir: Path
    sources: list[Source] = Field(default_factory=list)
    roles: dict[str, Role] = Field(default_factory=dict)
    scoring: Scoring | None = None
    bonus: Bonus | None = None
    exemptions: list[Exemption] = Field(default_factory=list)
    pilot: Pilot | None = None
    governance: Governance | None = None

    # Set by the loader, not by the YAML.
    config_path: Path | None = Field(None, exclude=True)

    @field_validator("fx_rates", mode="before")
    @classmethod
    def _fx_months(cls, v: object) -> object:
        if not isinstance(v, dict):
            return v
        out = {}
        for currency, by_month in v.items():
            if not isinstance(by_month, dict):
                raise ValueError(f"fx_rates.{currency} must map months (YYYY-MM) to rates")
            out[str(currency)] = {_period(k): float(r) for k, r in by_month.items()}
            if any(r <= 0 for r in out[str(currency)].values()):
                raise ValueError(f"fx_rates.{currency}: rates must be positive")
        return out

    @model_validator(mode="after")
    def _sources_name_markets(self) -> "ClientConfig":
        ids = {m.id for m in self.markets}
        for i, s in enumerate(self.sources):
            if s.market is not None and s.market not in ids:
                raise ValueError(f"sources[{i}].market {s.market!r} is not one of the client's markets {sorted(ids)}")
        if len(ids) != len(self.markets):
            raise ValueError("markets: each market id may appear once")
        return self

    # -- helpers -----------------------------------------------------------------
    def market(self, market_id: str) -> Market:
        for m in self.markets:
            if m.id == market_id:
                return m
        raise ConfigError(f"market {market_id!r} is not configured", client=self.client_id,
                          file=self.config_path, key="markets",
                          expected=", ".join(m.id for m in self.markets))

    def resolved_data_dir(self) -> Path:
        base = self.config_path.parent if self.config_path else Path.cwd()
        return (base / self.data_dir).resolve()

    def require(self, *sections: str, stage: str) -> None:
        """Raise if a section the stage needs is missing from the config."""
        missing = [s for s in sections if not getattr(self, s)]
        if missing:
            raise ConfigError(
                f"the {stage} stage needs the section(s) {', '.join(missing)}", client=self.client_id,
                file=self.config_path, key=", ".join(missing),
                fix="add them to the client YAML (see client_configs/demo.yaml for an example)")

    def fx_rate(self, currency: str, month: str) -> float:
        """Base-currency units per one unit of ``currency`` in ``month``."""
        if currency == self.base_currency:
            return 1.0
        try:
            return self.fx_rates[currency][month]
        except KeyError:
            raise ConfigError(
                f"no FX rate for {currency} in {month}", client=self.client_id, file=self.config_path,
                key=f"fx_rates.{currency}.{month}",
                expected=f"the rate of 1 {currency} in {self.base_currency} for every month with data",
                fix=f"add `{month}: <rate>` under fx_rates.{currency}") from None
