"""``kpi inspect``: say what an export file is without a config."""
from __future__ import annotations

from pathlib import Path

from kpi_lib.errors import KpiError, SourceError
from kpi_lib.sources.base import (SourceContext, check_not_empty, detect_file, get_adapter, header_language,
                                  period_from_path)

# When the file does not say its market, its money does: full-width/half-width yen is JP.
_MARKET_BY_CURRENCY = {"JPY": ("JP", "Asia/Tokyo"), "USD": ("US", "America/Los_Angeles")}


def inspect_file(path: Path) -> dict:
    """Type, encoding, language, header row, rows, market and period of one file.

    Ambiguous files (several adapters' layouts match) list the candidates instead of
    guessing. Raises SourceError for a missing or empty file.
    """
    path = Path(path)
    check_not_empty(path)
    hits = detect_file(path)
    types = sorted({h.type for h in hits})
    base = {"file": str(path), "type": None, "encoding": None, "language": None, "header_row": None,
            "rows": None, "market": None, "period": period_from_path(path), "layout": None}
    if not hits:
        raise SourceError("not a known export: no adapter recognises its header", file=path,
                          fix="check that this is an unedited download; supported types are listed in the README")
    if len(types) > 1:
        return {**base, "candidates": [h.__dict__ for h in hits]}
    hit = hits[0]
    adapter = get_adapter(hit.type)
    market, tz = _guess_market(path, hit)
    ctx = SourceContext(type=hit.type, data_dir=path.parent, market=market, store=f"{adapter.platform or 'file'}-{market or 'XX'}",
                        platform=adapter.platform, period=base["period"], timezone=tz,
                        currency=None, options={})
    try:
        info = adapter.read(path, ctx).info
    except KpiError as exc:
        # Reading needs what only the config can say (the month of a child-item Business
        # Report, the market of a returns file); describing the file does not.
        out = {**base, "type": hit.type, "layout": hit.layout, "encoding": hit.encoding,
               "header_row": hit.header_row, "market": market, "note": exc.message}
        try:
            raw, _ = adapter.open(path, ctx, layouts=[hit.layout])
            out.update(rows=len(raw.frame), language=header_language(list(raw.frame.columns)))
        except KpiError:
            pass
        return out
    out = {**base, **{k: v for k, v in info.as_dict().items() if v is not None}}
    out["file"] = str(path)
    out.pop("path", None)
    out["market"] = info.market or market
    return out


def _guess_market(path: Path, hit) -> tuple[str | None, str]:
    if hit.encoding in {"cp932"}:
        return "JP", "Asia/Tokyo"
    try:
        head = path.read_bytes()[:65536].decode(hit.encoding or "utf-8", errors="ignore")
    except LookupError:
        head = ""
    if "￥" in head or "¥" in head or any("\u3040" <= ch <= "\u30ff" for ch in head):
        return _MARKET_BY_CURRENCY["JPY"]
    if "$" in head:
        return _MARKET_BY_CURRENCY["USD"]
    return None, "UTC"
