"""Any ERP export whose columns the client chose (店小秘 / 马帮 / 通途 ...) → one canonical
table, through a column map in the source's options (REPORT_FORMATS.md §7.2–7.4).

Options: ``table`` (orders | inventory | profit | ads | returns | traffic | transactions |
cs_messages), ``column_map`` ``{canonical field: ERP header}``, and optionally
``date_format`` (one or a list), ``timezone`` (of times without an offset; default the
market's), ``sheet``, ``platform`` (orders; default ``erp``) and ``snapshot_date``.

The header row is found by the mapped headers wherever it is in the first 40 rows
(Tongtool's inventory export has it on row 4). Fields the map does not name are derived
as the alias table ``aliases/erp_mapped.yaml`` describes (market/store/currency from the
config, ``order_date`` from ``ordered_at`` in the market's zone, ``month`` from the
source's period, ``snapshot_date`` from a ``YYYYMMDD`` in the file name). Only mapped
columns are read, so columns the map does not name (buyer names, addresses) never leave.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_lib.errors import SourceError, did_you_mean
from kpi_lib.readers import text as rt
from kpi_lib.sources import _shaping as sh
from kpi_lib.sources.base import (Adapter, ColumnSpec, Layout, ReadResult, SourceContext, check_not_empty,
                                  period_bounds, period_from_path, register)
from kpi_lib.tables import CONTRACTS, columns_of

PLATFORMS = ("amazon", "shopify", "tiktok", "erp")
_POST_KINDS = {"market", "currency", "status", "month"}     # read as text, then translated


@register
class ErpMapped(Adapter):
    type_id = "erp_mapped"
    title = "ERP export with a column map (店小秘 / 马帮 / 通途 ...)"
    platform = "erp"
    encodings = ("utf-8", "gb18030", "cp932")

    def read(self, path: Path, ctx: SourceContext) -> ReadResult:
        path = Path(path)
        table, layout, essential = mapped_layout(ctx, path)
        raw = self._open_mapped(path, ctx, layout, essential)
        formats = ctx.options.get("date_format")
        formats = [formats] if isinstance(formats, str) else (list(formats) if formats else None)
        # Times are read as UTC wall-clock, then re-read in the market's (or the option's) zone.
        lines = self.extract(raw, layout, local_tz="UTC", date_formats=formats, required=tuple(layout.columns))
        headers = sh.headers_of(raw, layout)
        frame, warnings = shape(table, raw, lines, headers, path, ctx)
        extras = tuple(sh.alias_extras(self.type_id).get("extra_fields", {}))
        extras += tuple(c for c in ("status_raw",) if c in frame.columns)
        out = sh.finish(table, frame, path, ctx, extras=extras)
        info = sh.file_info(self.type_id, path, ctx, raw, layout, out, period=_period_of(table, out),
                            warnings=warnings)
        return ReadResult({table: out}, info)

    def detect(self, path: Path) -> list:
        # Without a column map there is nothing to recognise a file by.
        return []

    def _open_mapped(self, path: Path, ctx: SourceContext, layout: Layout, essential: tuple[str, ...]) -> rt.RawTable:
        """Find the header row by the full map, else by all but one mapped header, else by
        the essential fields: a header row missing a mapped column is still found, so the
        error names that column rather than saying "no header found"."""
        check_not_empty(path)
        fields = list(layout.columns)
        signatures = [layout.signature]
        if len(fields) > 1:
            signatures += [rt.Signature.of(layout.aliases, [f for f in fields if f != left_out]) for left_out in fields]
        signatures.append(rt.Signature.of(layout.aliases, essential))
        sheet = ctx.options.get("sheet")
        if rt.is_excel(path):
            if sheet is not None:
                _check_sheet(path, sheet)
            hit = rt.read_excel_table(path, signatures, sheet=sheet)
            raw = hit[0] if hit else None
        else:
            encodings = ctx.encodings if ctx.encodings != rt.DEFAULT_ENCODINGS else self.encodings
            sniffed = rt.sniff_text(path, signatures, encodings=encodings)
            raw = rt.read_text_table(path, sniffed) if sniffed else None
        if raw is None:
            wanted = ", ".join(layout.columns[f].aliases[0] for f in layout.columns)
            raise SourceError(
                f"no row in the first {rt.MAX_PREAMBLE_LINES} rows has the mapped headers", file=path,
                key="options.column_map", expected=f"a header row with {wanted}",
                fix="write each column_map value exactly as the header appears in the export "
                    "(open the file and copy the header cell); check `sheet` if the workbook has several")
        return raw


def mapped_layout(ctx: SourceContext, path: Path) -> tuple[str, Layout, tuple[str, ...]]:
    """The table, a one-off layout from ``options.column_map``, and the fields that
    identify the header row. Raises a SourceError naming the bad option key."""
    spec = sh.alias_extras("erp_mapped")
    must_map: dict = spec["must_map"]
    table = ctx.options.get("table")
    if table not in must_map:
        guess = did_you_mean(str(table), must_map) if table else None
        raise SourceError(
            "the source's options do not name a table this adapter can build", file=path, key="options.table",
            expected="one of " + ", ".join(must_map), found=table,
            fix=f"did you mean {guess!r}?" if guess else "add `table: orders` (or inventory, profit...) under options")
    column_map = ctx.options.get("column_map")
    if not isinstance(column_map, dict) or not column_map:
        raise SourceError(
            "the source has no column map", file=path, key="options.column_map",
            expected="a mapping {canonical field: ERP header}, e.g. {order_id: 订单编号, quantity: 商品数量}",
            found=column_map, fix="add `column_map:` under the source's options")
    extras = spec.get("extra_fields", {})
    valid = [c for c in columns_of(table) if c != "source_file"] + list(extras)
    kinds = spec.get("kinds", {})
    columns = {}
    for field_name, header in column_map.items():
        if field_name not in valid:
            guess = did_you_mean(str(field_name), valid)
            raise SourceError(
                f"the {table} table has no field {field_name!r}", file=path, key=f"options.column_map.{field_name}",
                expected="one of " + ", ".join(valid), found=field_name,
                fix=f"did you mean {guess!r}?" if guess else "use one of the listed fields as the key")
        if not isinstance(header, str) or not header.strip():
            raise SourceError(
                "a column_map value must be the ERP's header text", file=path,
                key=f"options.column_map.{field_name}", expected="a header such as 订单编号", found=header,
                fix="write the header exactly as it appears in the export")
        kind = extras.get(field_name) or kinds.get(field_name) or _contract_kind(table, field_name)
        columns[field_name] = ColumnSpec(field_name, "text" if kind in _POST_KINDS else kind, (header,))
    essential = []
    for need in must_map[table]:
        options = need if isinstance(need, list) else [need]
        hit = [o for o in options if o in column_map]
        if not hit:
            raise SourceError(
                f"the column map does not name {' or '.join(options)}", file=path, key="options.column_map",
                expected=f"a {table} export needs " + ", ".join(
                    " or ".join(n) if isinstance(n, list) else n for n in must_map[table]),
                found=sorted(column_map), fix=f"add `{options[0]}: <ERP header>` to the column_map")
        essential.extend(hit)
    layout = Layout(name=f"column_map:{table}", table=table, required=tuple(columns), columns=columns)
    return table, layout, tuple(dict.fromkeys(essential))


def _contract_kind(table: str, name: str) -> str:
    dtype = str(CONTRACTS[table].to_schema().columns[name].dtype)
    if "UTC" in dtype:
        return "datetime"
    if "datetime" in dtype:
        return "date"
    if "float" in dtype or "int" in dtype:
        return "number"
    return "text"


def _check_sheet(path: Path, sheet: object) -> None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
        names = list(book.sheetnames)
        book.close()
    except Exception:  # a broken workbook is reported by the reader with its own message
        return
    if str(sheet) not in names and not (isinstance(sheet, int) and 0 <= sheet < len(names)):
        raise SourceError("the workbook has no such sheet", file=path, key="options.sheet", found=sheet,
                          expected="one of " + ", ".join(names), fix="set `sheet` to one of the listed names")


def shape(table: str, raw: rt.RawTable, lines: pd.DataFrame, headers: dict[str, str], path: Path,
          ctx: SourceContext) -> tuple[pd.DataFrame, list[str]]:
    """Derive the fields the map does not name and check the ones every row needs."""
    out = lines.copy()
    index = out.index
    declared = columns_of(table)
    warnings: list[str] = []
    market = sh.market_ids(raw, lines["market"], headers["market"]) if "market" in lines.columns else None
    out["market"] = sh.fill_from_context(market, ctx.market, index)
    if "store" in declared:
        out["store"] = sh.fill_from_context(lines.get("store"), ctx.store, index)
    if "currency" in declared:
        stated = sh.currency_codes(raw, lines["currency"], headers["currency"]) if "currency" in lines.columns else None
        out["currency"] = sh.fill_from_context(stated, ctx.currency, index)
    zone = ctx.options.get("timezone")
    for name in declared:
        if name.endswith("_at") and name in lines.columns:
            out[name] = sh.relocalize(lines[name], raw.frame[headers[name]], out["market"], ctx, zone=zone)
    for stamp, day in (("ordered_at", "order_date"), ("returned_at", "return_date")):
        if day in declared and day not in lines.columns:
            out[day] = (sh.local_dates(out[stamp], out["market"], ctx) if stamp in out.columns
                        else pd.Series(pd.NaT, index=index, dtype="datetime64[ns]"))
    if table == "orders":
        platform = ctx.options.get("platform") or "erp"
        if platform not in PLATFORMS:
            raise SourceError("unknown platform", file=path, key="options.platform", found=platform,
                              expected="one of " + ", ".join(PLATFORMS), fix="use one of the listed platforms")
        out["platform"] = platform
        if "status" in lines.columns:
            out["status_raw"] = lines["status"]
            out["status"], unknown = sh.order_status(lines["status"])
            if unknown:
                warnings.append(f"order status(es) not in the vocabulary, kept as written: {', '.join(unknown)}")
        else:
            out["status"] = pd.Series("unknown", index=index, dtype="string")
    if "month" in declared:
        month = sh.months(raw, lines["month"], headers["month"]) if "month" in lines.columns else None
        out["month"] = sh.fill_from_context(month, ctx.period or period_from_path(path), index)
    if "snapshot_date" in declared and "snapshot_date" not in lines.columns:
        snapshot = sh.date_in_name(path)
        if snapshot is None and ctx.options.get("snapshot_date"):
            snapshot = pd.Timestamp(str(ctx.options["snapshot_date"]))
        out["snapshot_date"] = pd.Series(snapshot if snapshot is not None else pd.NaT, index=index,
                                         dtype="datetime64[ns]")
    if "period_start" in declared:
        period = ctx.period or period_from_path(path)
        first, last = period_bounds(period) if period else (pd.NaT, pd.NaT)
        for name, default in (("period_start", first), ("period_end", last)):
            base = pd.Series(default, index=index, dtype="datetime64[ns]")
            out[name] = lines[name].fillna(base) if name in lines.columns else base
    schema = CONTRACTS[table].to_schema()
    required = [c for c in declared if c != "source_file" and not schema.columns[c].nullable]
    sh.require_values(raw, out, required, headers, config_fix=_config_fixes())
    return out, warnings


def _config_fixes() -> dict[str, str]:
    return {
        "market": "set `market:` on this source, or map a market column in options.column_map",
        "store": "set `store:` on this source, or map a store column in options.column_map",
        "currency": "set the market's `currency` in the client config, or map a currency column",
        "month": "set `period: YYYY-MM` on this source, or map a month column",
        "snapshot_date": "put the date in the file name (_YYYYMMDD), set options.snapshot_date, or map a date column",
        "period_start": "set `period: YYYY-MM` on this source, or map period_start/period_end",
        "period_end": "set `period: YYYY-MM` on this source, or map period_start/period_end",
        "order_date": "map ordered_at or order_date in options.column_map",
        "return_date": "map returned_at or return_date in options.column_map",
    }


def _period_of(table: str, out: pd.DataFrame) -> str | None:
    for name in ("order_date", "return_date", "snapshot_date", "period_start", "posted_at", "received_at"):
        if name in out.columns:
            return sh.period_label(out[name].dt.tz_localize(None) if name.endswith("_at") else out[name])
    return sh.month_label(out["month"]) if "month" in out.columns else None
