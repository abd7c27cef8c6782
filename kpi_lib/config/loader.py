"""Load a client YAML: layer it on the package defaults, validate it, and explain every
problem with the file, the key path, the bad value and a fix ("did you mean ...").

Layering (Kedro-style): market templates (``defaults/markets.yaml``) fill the fields a
client's market leaves out; role templates (``defaults/roles.yaml``) give each role its
weights and tiers unless the client lists its own (a client's weight list for a market
replaces the template's list for that market whole, so weights always sum as written).
"""
from __future__ import annotations

import functools
import os
import re
import types
import typing
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from kpi_lib.config.models import ENV_REF_RE, ClientConfig
from kpi_lib.errors import ConfigError, KpiErrors, did_you_mean

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "defaults"
SECRET_KEY_RE = re.compile(r"(token|secret|password|passwd|api[_-]?key|access[_-]?key)", re.I)
WEIGHT_TOLERANCE = 0.01


@functools.cache
def market_templates() -> dict[str, dict]:
    return yaml.safe_load((DEFAULTS_DIR / "markets.yaml").read_text(encoding="utf-8"))


@functools.cache
def role_templates() -> dict[str, dict]:
    return yaml.safe_load((DEFAULTS_DIR / "roles.yaml").read_text(encoding="utf-8"))


def role_id_for(label: str, roles: dict[str, dict] | None = None) -> str | None:
    """The role id for a roster label in any language (运营 / Operations / 運営 / operations)."""
    text = str(label).strip()
    catalogue = dict(role_templates())
    for rid, spec in (roles or {}).items():
        catalogue.setdefault(rid, spec or {})
    for rid, spec in catalogue.items():
        names = {rid, *((spec or {}).get("names") or {}).values()}
        if text in names or text.casefold() in {n.casefold() for n in names}:
            return rid
    return None


def read_yaml(path: Path) -> dict:
    path = Path(path)
    if not path.exists():
        raise ConfigError("the config file does not exist", file=path,
                          fix="check the path; client configs live in client_configs/<client_id>.yaml")
    if not path.is_file():
        raise ConfigError("this is a folder, not a config file", file=path,
                          expected="one client YAML such as client_configs/<client_id>.yaml",
                          fix="name the YAML file itself (kpi batch runs every config in client_configs/)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=path,
                          row=None if mark is None else mark.line + 1,
                          fix="check indentation and quoting around that line") from None
    except UnicodeDecodeError:
        raise ConfigError("the config is not UTF-8 text", file=path, fix="save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"the config cannot be read ({exc.strerror or exc})", file=path,
                          fix="check that the file is readable by you") from None
    if not isinstance(data, dict):
        raise ConfigError("the config must be a mapping of keys to values", file=path,
                          expected="client_id: ..., markets: [...], data_dir: ..., sources: [...]")
    return data


def _find_literal_secrets(node: object, path: str = "") -> list[str]:
    """Key paths whose name looks like a secret but whose value is not a ${ENV_VAR}."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            here = f"{path}.{k}" if path else str(k)
            if SECRET_KEY_RE.search(str(k)) and isinstance(v, (str, int)) and not ENV_REF_RE.match(str(v)):
                found.append(here)
            found += _find_literal_secrets(v, here)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _find_literal_secrets(v, f"{path}[{i}]")
    return found


def layer_defaults(data: dict) -> dict:
    """Client YAML with market and role templates filled in (a new dict)."""
    out = dict(data)
    templates = market_templates()
    markets = []
    for m in data.get("markets") or []:
        if isinstance(m, str):
            m = {"id": m}
        if isinstance(m, dict) and m.get("id") in templates:
            merged = dict(templates[m["id"]])
            merged.update({k: v for k, v in m.items() if v is not None})
            m = merged
        markets.append(m)
    if "markets" in data:
        out["markets"] = markets
    roles = {}
    for rid, spec in (data.get("roles") or {}).items():
        spec = dict(spec or {})
        template = role_templates().get(spec.get("template") or rid)
        if template:
            weights = dict(template.get("weights") or {})
            weights.update(spec.get("weights") or {})
            tiers = {k: dict(v) for k, v in (template.get("tiers") or {}).items()}
            for level, tier in (spec.get("tiers") or {}).items():
                tiers.setdefault(level, {}).update(tier or {})
            spec = {**spec, "weights": weights, "tiers": tiers,
                    "names": spec.get("names") or template.get("names")}
        roles[rid] = spec
    if "roles" in data:
        out["roles"] = roles
    return out


def load_config(path: str | Path, *, check_sources: bool = True) -> ClientConfig:
    """Read, layer and validate a client config. Raises ConfigError / KpiErrors."""
    path = Path(path)
    data = read_yaml(path)
    client = str(data.get("client_id")) if data.get("client_id") is not None else path.stem
    secrets = _find_literal_secrets(data)
    if secrets:
        raise KpiErrors([ConfigError(
            "a secret is written in the config", client=client, file=path, key=k,
            expected="an environment reference like ${ERP_TOKEN}",
            fix="remove the value, set it in the environment, and write ${VAR_NAME} here")
            for k in secrets], summary=f"{path}: secrets must not be stored in configs")
    layered = layer_defaults(data)
    try:
        config = ClientConfig.model_validate({**layered, "config_path": path.resolve()})
    except ValidationError as exc:
        raise _explain(exc, path, client) from None
    problems = semantic_problems(config, check_sources=check_sources)
    if problems:
        raise KpiErrors(problems, summary=f"{path}: {len(problems)} problem(s) in the config")
    return config


def semantic_problems(config: ClientConfig, *, check_sources: bool = True) -> list[ConfigError]:
    """Checks that need the registries: metric ids, weight sums, source types, exemptions."""
    from kpi_lib.metrics.registry import metrics
    from kpi_lib.sources.base import adapter_types

    registry = metrics()
    path, client = config.config_path, config.client_id
    problems: list[ConfigError] = []
    market_ids = {m.id for m in config.markets}

    def metric_ok(metric_id: str, key: str) -> bool:
        if metric_id in registry:
            return True
        guess = did_you_mean(metric_id, registry)
        problems.append(ConfigError(
            f"unknown metric id {metric_id!r}", client=client, file=path, key=key,
            fix=(f"did you mean {guess!r}?" if guess else "see docs/metrics.md for valid metric ids")))
        return False

    def check_weights(weights: dict[str, float], key: str) -> None:
        for mid in weights:
            metric_ok(mid, f"{key}.{mid}")
        total = sum(float(w) for w in weights.values())
        if abs(total - 100.0) > WEIGHT_TOLERANCE:
            problems.append(ConfigError(
                f"weights sum to {total:g}%, not 100%", client=client, file=path, key=key,
                expected="weights (percent) that add up to 100",
                fix=f"adjust the weights under {key} so they total 100"))
        if any(float(w) <= 0 for w in weights.values()):
            problems.append(ConfigError("a weight is zero or negative", client=client, file=path, key=key,
                                        fix="remove the metric instead of giving it weight 0"))

    for rid, role in config.roles.items():
        if not role.weights:
            problems.append(ConfigError(
                f"role {rid!r} has no weights and no template of that name", client=client, file=path,
                key=f"roles.{rid}", fix=(f"did you mean {did_you_mean(rid, role_templates())!r}?"
                                         if did_you_mean(rid, role_templates()) else
                                         "give it `weights:` or `template:` naming one of " + ", ".join(role_templates()))))
            continue
        for market_key, weights in role.weights.items():
            if market_key != "default" and market_key not in market_ids and market_key not in market_templates():
                problems.append(ConfigError(f"unknown market {market_key!r} in weights", client=client, file=path,
                                            key=f"roles.{rid}.weights.{market_key}",
                                            expected="default or a market id such as " + ", ".join(sorted(market_ids))))
            check_weights(weights, f"roles.{rid}.weights.{market_key}")
        for level, tier in (role.tiers or {}).items():
            for market_key, weights in (tier.weights or {}).items():
                check_weights(weights, f"roles.{rid}.tiers.{level}.weights.{market_key}")

    types_known = adapter_types()
    for i, src in enumerate(config.sources):
        if types_known and src.type not in types_known:
            guess = did_you_mean(src.type, types_known)
            problems.append(ConfigError(
                f"unknown source type {src.type!r}", client=client, file=path, key=f"sources[{i}].type",
                expected="one of " + ", ".join(types_known),
                fix=f"did you mean {guess!r}?" if guess else "use one of the listed types"))
    for i, ex in enumerate(config.exemptions):
        for mid in ex.metrics:
            metric_ok(mid, f"exemptions[{i}].metrics")
    if config.scoring:
        for mid in config.scoring.per_metric:
            metric_ok(mid, "scoring.per_metric")
    problems += scoring_bonus_problems(config, metric_ok)
    if check_sources:
        problems += missing_source_files(config)
    return problems


def scoring_bonus_problems(config: ClientConfig, metric_ok) -> list[ConfigError]:
    """Cross-section checks of scoring, bonus and exemptions: gate metrics and markets,
    ratings named by the multiplier table, roles in the profit-pool split, exemption
    markets. ``metric_ok(metric_id, key)`` records unknown metric ids itself."""
    from kpi_lib.config.models import Scoring

    path, client = config.config_path, config.client_id
    market_ids = sorted(m.id for m in config.markets)
    problems: list[ConfigError] = []

    def market_ok(market: str | None, key: str) -> None:
        if market is not None and market not in market_ids:
            guess = did_you_mean(market, market_ids)
            problems.append(ConfigError(
                f"unknown market {market!r}", client=client, file=path, key=key,
                expected="one of the client's markets: " + ", ".join(market_ids),
                fix=f"did you mean {guess!r}?" if guess else "use a market id listed under markets"))

    scoring = config.scoring or Scoring()
    for i, gate in enumerate(scoring.gates):
        metric_ok(gate.metric, f"scoring.gates[{i}].metric")
        market_ok(gate.market, f"scoring.gates[{i}].market")
    for i, ex in enumerate(config.exemptions):
        market_ok(ex.market, f"exemptions[{i}].market")

    bonus = config.bonus
    if bonus and bonus.multiplier_form == "rating":
        ratings = scoring.ratings
        named = {m.rating: m.multiplier for m in bonus.multiplier}
        for i, m in enumerate(bonus.multiplier):
            if m.rating not in ratings:
                guess = did_you_mean(m.rating, ratings)
                problems.append(ConfigError(
                    f"rating {m.rating!r} is not one of scoring.ratings", client=client, file=path,
                    key=f"bonus.multiplier[{i}].rating", expected=", ".join(ratings),
                    fix=f"did you mean {guess!r}?" if guess else "add it to scoring.ratings or remove the row"))
        for name in ratings:
            if name not in named:
                problems.append(ConfigError(
                    f"rating {name!r} has no bonus multiplier", client=client, file=path, key="bonus.multiplier",
                    expected="one `{rating: X, multiplier: m}` row per rating in scoring.ratings",
                    fix=f"add `- {{rating: {name}, multiplier: 0.0}}` (or the multiplier you intend)"))
        # A better rating paying a smaller multiplier is almost always a typo.
        by_minimum = sorted((ratings[r], named[r], r) for r in named if r in ratings)
        for (_, low_mult, low), (_, high_mult, high) in zip(by_minimum, by_minimum[1:]):
            if high_mult < low_mult:
                problems.append(ConfigError(
                    f"rating {high!r} pays a smaller multiplier ({high_mult:g}) than the lower rating "
                    f"{low!r} ({low_mult:g})", client=client, file=path, key="bonus.multiplier",
                    fix="order the multipliers so a better rating never pays less"))
    if bonus and bonus.profit_pool:
        known_roles = set(config.roles) or set(role_templates())
        for role in bonus.profit_pool.split:
            if role not in known_roles:
                guess = did_you_mean(role, known_roles)
                problems.append(ConfigError(
                    f"unknown role {role!r} in the profit-pool split", client=client, file=path,
                    key=f"bonus.profit_pool.split.{role}", expected="one of " + ", ".join(sorted(known_roles)),
                    fix=f"did you mean {guess!r}?" if guess else "use a role id listed under roles"))
    return problems


def missing_source_files(config: ClientConfig) -> list[ConfigError]:
    """Sources whose glob matches no file, and a data_dir that does not exist."""
    from kpi_lib.ingest.files import no_match_fix, source_files

    data_dir = config.resolved_data_dir()
    if not data_dir.is_dir():
        return [ConfigError("data_dir does not exist", client=config.client_id, file=config.config_path,
                            key="data_dir", found=str(data_dir),
                            fix="create the folder and put the client's raw exports in it, or fix the path "
                                "(relative paths are relative to the config file)")]
    problems = []
    for i, src in enumerate(config.sources):
        try:
            files = source_files(config, src)
        except ConfigError as exc:
            problems.append(exc.with_context(key=f"sources[{i}].path"))
            continue
        if not files:
            problems.append(ConfigError(
                "no file matches this path", client=config.client_id, file=config.config_path,
                key=f"sources[{i}].path", found=src.path, fix=no_match_fix(config, src)))
    return problems


def resolve_secret(reference: str) -> str:
    """The value of a ``${ENV_VAR}`` reference, read from the environment at use time."""
    m = ENV_REF_RE.match(reference)
    if not m:
        raise ConfigError("not an environment reference", found="<hidden>", expected="${VAR_NAME}")
    value = os.environ.get(m.group(1))
    if value is None:
        raise ConfigError(f"environment variable {m.group(1)} is not set",
                          fix=f"export {m.group(1)}=... before running (never write it in the config)")
    return value


# -- pydantic errors into consultant language ---------------------------------------
def _key_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Valid keys at ``loc`` (for "did you mean"), walking the model annotations."""
    annotation: object = model
    for part in loc:
        annotation = _unwrap(annotation, part)
        if annotation is None:
            return []
    annotation = _unwrap_container(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [n for n, f in annotation.model_fields.items() if not f.exclude]
    return []


def _unwrap_container(annotation: object) -> object:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
    return annotation


def _unwrap(annotation: object, part: object) -> object:
    annotation = _unwrap_container(annotation)
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return None if field is None else field.annotation
    if origin in (list, tuple):
        return typing.get_args(annotation)[0] if isinstance(part, int) else None
    if origin is dict:
        return typing.get_args(annotation)[1]
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            got = _unwrap(arg, part)
            if got is not None:
                return got
    return None


def _explain(exc: ValidationError, path: Path, client: str) -> KpiErrors:
    errors = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
        key = _key_path(loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            valid = _fields_at(ClientConfig, loc[:-1])
            guess = did_you_mean(str(loc[-1]), valid)
            errors.append(ConfigError(
                f"unknown key {loc[-1]!r}", client=client, file=path, key=key,
                expected="one of " + ", ".join(valid) if valid else None,
                fix=f"did you mean {guess!r}?" if guess else "remove it or check the spelling"))
        elif kind == "missing":
            errors.append(ConfigError("a required key is missing", client=client, file=path, key=key,
                                      fix=f"add `{loc[-1]}:` (see client_configs/demo.yaml)"))
        else:
            msg = err["msg"].removeprefix("Value error, ")
            errors.append(ConfigError(msg, client=client, file=path, key=key or "(top level)",
                                      found=err.get("input") if not isinstance(err.get("input"), dict) else None))
    return KpiErrors(errors, summary=f"{path}: {len(errors)} problem(s) in the config")
