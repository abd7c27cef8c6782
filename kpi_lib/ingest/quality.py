"""The data-quality report: what was read, what is missing, what disagrees.

Used by ``kpi validate`` and the diagnosis notebook. Facts are computed here as plain
data; :func:`describe` puts them into sentences in the report language.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kpi_lib.fx import row_months
from kpi_lib.ingest.pipeline import IngestResult

# Which column dates each table's rows, for coverage.
DATE_COLUMNS = {"orders": "order_date", "traffic": "period_start", "ads": "period_start",
                "returns": "return_date", "inventory": "snapshot_date", "profit": "month",
                "cs_messages": "received_at", "account_health": "period_end",
                "transactions": "posted_at", "budget": "month"}
# LingXing profit sales and Business Report sales should agree within this share.
SALES_TOLERANCE = 0.03
# Tables of plans, not actuals: their rows may lie in the future.
PLAN_TABLES = {"budget"}
# Shares that cannot exceed 100 % (unit session percentage can: units ÷ sessions).
BOUNDED_SHARES = {"traffic": ("buy_box_pct", "session_pct", "session_pct_b2b", "page_views_pct",
                              "page_views_pct_b2b")}
EARLIEST_PLAUSIBLE = pd.Timestamp("2000-01-01")


@dataclass
class Coverage:
    table: str
    market: str
    first_month: str
    last_month: str
    months: int
    gaps: list[str]


@dataclass
class Conflict:
    kind: str
    market: str
    month: str
    left: float
    right: float
    difference: float        # (left − right) / right

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class Suspect:
    """Rows that were read but look wrong (dated in the future, a share above 100 %...)."""

    kind: str
    table: str
    column: str
    rows: int
    worst: str
    files: list[str]

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class QualityReport:
    client_id: str
    files: list[dict]
    rows: dict[str, int]
    coverage: list[Coverage]
    duplicates: dict[str, dict[str, int]]
    conflicts: list[Conflict]
    errors: list[dict] = field(default_factory=list)
    suspects: list[Suspect] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"client_id": self.client_id, "files": self.files, "rows": self.rows,
                "coverage": [c.__dict__ for c in self.coverage], "duplicates": self.duplicates,
                "conflicts": [c.as_dict() for c in self.conflicts], "errors": self.errors,
                "suspects": [s.as_dict() for s in self.suspects]}


# One definition of "the month of a row" for FX and for coverage.
months_of = row_months


def coverage(tables: dict[str, pd.DataFrame]) -> list[Coverage]:
    """Months with data per table and market, and the months missing in between."""
    out = []
    for table, column in DATE_COLUMNS.items():
        frame = tables.get(table)
        if frame is None or frame.empty or column not in frame.columns:
            continue
        months = months_of(frame, column)
        for market, ms in months.groupby(frame["market"].astype("string")):
            present = sorted(set(ms.dropna()))
            if not present:
                continue
            span = pd.period_range(present[0], present[-1], freq="M").strftime("%Y-%m").tolist()
            out.append(Coverage(table, str(market), present[0], present[-1], len(present),
                                [m for m in span if m not in set(present)]))
    return out


def sales_conflicts(tables: dict[str, pd.DataFrame], tolerance: float = SALES_TOLERANCE) -> list[Conflict]:
    """ERP profit revenue vs Business Report ordered sales, per market and month.

    Both are local-currency sales of the Amazon stores; beyond ``tolerance`` one of the two
    sources is incomplete or on another basis (settlement vs order date), and KPI figures
    built on either would be disputed.
    """
    profit, traffic = tables.get("profit"), tables.get("traffic")
    if profit is None or traffic is None or profit.empty or traffic.empty:
        return []
    child = traffic[traffic["asin"].notna()] if "asin" in traffic else traffic
    left = profit.groupby([profit["market"], profit["month"]])["revenue"].sum(min_count=1)
    br_month = months_of(child, "period_start")
    right = child.groupby([child["market"], br_month])["ordered_sales"].sum(min_count=1)
    both = pd.concat({"left": left, "right": right}, axis=1).dropna()
    out = []
    for (market, month), row in both.iterrows():
        if row["right"] == 0:
            continue
        diff = (row["left"] - row["right"]) / row["right"]
        if abs(diff) > tolerance:
            out.append(Conflict("profit_vs_business_report_sales", str(market), str(month),
                                float(row["left"]), float(row["right"]), float(diff)))
    return out


def _files_of(frame: pd.DataFrame, mask: pd.Series) -> list[str]:
    if "source_file" not in frame.columns:
        return []
    return sorted(frame.loc[mask.to_numpy(), "source_file"].dropna().astype(str).unique())[:3]


def suspect_rows(tables: dict[str, pd.DataFrame], today: pd.Timestamp | None = None) -> list[Suspect]:
    """Rows kept but flagged: actuals dated after ``today`` (a clock or export error; plan
    tables such as the budget are exempt) or before 2000, and shares above 100 %."""
    today = (today or pd.Timestamp.now()).normalize()
    out = []
    for table, column in DATE_COLUMNS.items():
        frame = tables.get(table)
        if table in PLAN_TABLES or frame is None or frame.empty or column not in frame.columns:
            continue
        col = frame[column]
        if not pd.api.types.is_datetime64_any_dtype(col):
            continue
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            col = col.dt.tz_convert(None)
        for kind, mask, worst in (("future", col > today + pd.Timedelta(days=1), col.max()),
                                  ("too_old", col < EARLIEST_PLAUSIBLE, col.min())):
            mask = mask.fillna(False).astype(bool)
            if mask.any():
                out.append(Suspect(kind, table, column, int(mask.sum()), f"{worst:%Y-%m-%d}", _files_of(frame, mask)))
    for table, columns in BOUNDED_SHARES.items():
        frame = tables.get(table)
        for column in columns:
            if frame is None or column not in frame.columns:
                continue
            values = pd.to_numeric(frame[column], errors="coerce")
            mask = (values > 1.0 + 1e-9).fillna(False).astype(bool)
            if mask.any():
                out.append(Suspect("share_over_100", table, column, int(mask.sum()), f"{values.max():.2%}",
                                   _files_of(frame, mask)))
    return out


def build_report(result: IngestResult) -> QualityReport:
    return QualityReport(
        client_id=result.client_id,
        files=[r.as_dict() for r in result.files],
        rows={name: int(len(frame)) for name, frame in sorted(result.tables.items())},
        coverage=coverage(result.tables),
        duplicates=result.duplicates,
        conflicts=sales_conflicts(result.tables),
        errors=[e.to_dict() for e in result.errors],
        suspects=suspect_rows(result.tables),
    )


_TEXT = {
    "zh": {
        "files": "读取了 {ok} 个文件（{cached} 个来自缓存），{bad} 个文件无法读取。",
        "table": "{table}：{rows:,} 行；{spans}。",
        "span": "{market} {first}～{last}（{months} 个月）",
        "gap": "{table}（{market}）缺少月份：{gaps}。",
        "dup": "{table}：重叠导出中重复的 {identical} 行只计一次；{replaced} 行被更新的导出替换。",
        "conflict": "{market} {month}：领星利润表销售额 {left:,.0f} 与业务报告销售额 {right:,.0f} 相差 {diff:+.1%}。",
        "warning": "{file}：{warning}",
        "future": "{table}：{rows} 行的 {column} 晚于今天（最晚 {worst}），请检查导出或系统时间（{files}）。",
        "too_old": "{table}：{rows} 行的 {column} 早于2000年（最早 {worst}），可能是日期格式错误（{files}）。",
        "share_over_100": "{table}：{rows} 行的 {column} 超过100%（最高 {worst}），占比不可能超过100%，请检查导出（{files}）。",
        "clean": "没有发现数据质量问题。",
    },
    "en": {
        "files": "Read {ok} file(s) ({cached} from cache); {bad} file(s) could not be read.",
        "table": "{table}: {rows:,} rows; {spans}.",
        "span": "{market} {first} to {last} ({months} months)",
        "gap": "{table} ({market}) is missing months: {gaps}.",
        "dup": "{table}: {identical} row(s) repeated by overlapping exports counted once; {replaced} replaced by a newer export.",
        "conflict": "{market} {month}: ERP profit-report sales {left:,.0f} differ from Business Report sales {right:,.0f} by {diff:+.1%}.",
        "warning": "{file}: {warning}",
        "future": "{table}: {rows} row(s) have {column} after today (latest {worst}); check the export or the computer's clock ({files}).",
        "too_old": "{table}: {rows} row(s) have {column} before 2000 (earliest {worst}); probably a date-format error ({files}).",
        "share_over_100": "{table}: {rows} row(s) have {column} above 100% (highest {worst}); a share cannot exceed 100%, check the export ({files}).",
        "clean": "No data-quality problems found.",
    },
}


def describe(report: QualityReport, language: str = "zh") -> list[str]:
    """The report as plain sentences for the consultant (zh or en): one line per table with
    its rows and months per market, then gaps, overlaps and conflicts."""
    t = _TEXT["en" if language == "en" else "zh"]
    ok = sum(1 for f in report.files if not f.get("error"))
    cached = sum(1 for f in report.files if f.get("cached"))
    lines = [t["files"].format(ok=ok, cached=cached, bad=len(report.files) - ok)]
    for table, rows in report.rows.items():
        spans = [t["span"].format(market=c.market, first=c.first_month, last=c.last_month, months=c.months)
                 for c in report.coverage if c.table == table]
        lines.append(t["table"].format(table=table, rows=rows, spans=", ".join(spans) or "—"))
    for c in report.coverage:
        if c.gaps:
            gaps = c.gaps if len(c.gaps) <= 12 else [*c.gaps[:6], f"… ({len(c.gaps)})", *c.gaps[-2:]]
            lines.append(t["gap"].format(table=c.table, market=c.market, gaps=", ".join(gaps)))
    for table, counts in report.duplicates.items():
        lines.append(t["dup"].format(table=table, **counts))
    for c in report.conflicts:
        lines.append(t["conflict"].format(market=c.market, month=c.month, left=c.left, right=c.right,
                                          diff=c.difference))
    warned: dict[str, list[str]] = {}
    for f in report.files:
        for w in f.get("warnings") or []:
            warned.setdefault(w, []).append(str(f.get("path")))
    for warning, paths in warned.items():
        where = ", ".join(paths[:3]) + (f" (+{len(paths) - 3})" if len(paths) > 3 else "")
        lines.append(t["warning"].format(file=where, warning=warning))
    for s in report.suspects:
        lines.append(t[s.kind].format(table=s.table, column=s.column, rows=s.rows, worst=s.worst,
                                      files=", ".join(s.files) or "—"))
    if (not report.errors and not report.conflicts and not any(c.gaps for c in report.coverage)
            and not warned and not report.suspects):
        lines.append(t["clean"])
    return lines


def errors_table(report: QualityReport) -> pd.DataFrame:
    """The unreadable files and sources as a table: file, row, column, problem, fix."""
    rows = []
    for e in report.errors:
        for item in e.get("errors", [e]):
            rows.append({"file": item.get("file") or item.get("key"), "row": item.get("row"),
                         "column": item.get("column"), "problem": item.get("message"), "fix": item.get("fix")})
    return pd.DataFrame(rows, columns=["file", "row", "column", "problem", "fix"])
