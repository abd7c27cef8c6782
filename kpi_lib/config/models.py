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

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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
    attainment: float = Field(ge=0)
    score: float


class Scoring(Strict):
    """Payout curve from attainment (actual ÷ target, direction-aware) to a score."""

    curve: Literal["linear", "stepped"] = "linear"
    threshold: float = Field(0.8, ge=0)
    target: float = Field(1.0, gt=0)
    cap: float = Field(1.2, gt=0)
    floor_score: float = 0.0
    threshold_score: float = 60.0
    target_score: float = 100.0
    cap_score: float = 120.0
    steps: list[CurvePoint] | None = None
    ratings: dict[str, float] = Field(default_factory=lambda: {"S": 110, "A": 100, "B": 85, "C": 70, "D": 0})
    per_metric: dict[str, dict] = Field(default_factory=dict)
    gates: list[dict] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> "Scoring":
        if not self.threshold <= self.target <= self.cap:
            raise ValueError(f"expected threshold ≤ target ≤ cap, got {self.threshold} / {self.target} / {self.cap}")
        return self


class Bonus(Strict):
    currency: str | None = None
    target_bonus: dict[Level, float] = Field(default_factory=dict)
    multiplier: list[dict] = Field(default_factory=list)
    profit_pool: dict | None = None
    budget_cap: float | None = Field(None, gt=0)


class Exemption(Strict):
    """A force-majeure event declared in advance: the listed metrics are left out for the
    affected people and dates, and the remaining weights renormalised."""

    id: str
    kind: Literal["logistics_delay", "platform_outage", "account_suspension", "policy_change", "other"]
    market: str | None = None
    start: dt.date
    end: dt.date
    metrics: list[str]
    people: list[str] | Literal["all"] = "all"
    evidence: str
    approved_by: str

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
