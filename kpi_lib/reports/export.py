"""HTML and PDF export of executed stage notebooks, without code.

The same self-contained HTML document serves both outputs: a cover page (client, period,
stage, target version, date, consultant), a table of contents from the h1/h2 headings, and
the notebook's outputs (markdown, tables, charts; see :mod:`kpi_lib.reports.notebook`).
The ``.html`` is for e-mail: images are embedded as ``data:`` URIs, there are no scripts
and no external links or stylesheets. The ``.pdf`` is that HTML printed by WeasyPrint on
A4 with page numbers, PDF bookmarks from the headings, page numbers in the contents
(``target-counter``), tables that wrap, shrink or turn to a landscape page
(:mod:`kpi_lib.reports.layout`), and CJK text in explicitly named Noto Sans CJK fonts,
embedded. Nothing is fetched from the network: external URLs are refused and stripped.

Why WeasyPrint: nbconvert's webpdf needs a Playwright-managed Chromium (not installable
offline; no option to use Debian's), prints Letter paper and embeds CJK as nameless Type 3
fonts; the LaTeX route silently drops every CJK character with the stock template and
needs a 1.1 GB TeX install. WeasyPrint is a pip package, embeds named, subsetted CID fonts
(searchable Chinese/Japanese) and implements CSS paged media: A4, margin boxes, named
landscape pages, ``target-counter``, repeated table headers, bookmarks. It runs no
JavaScript, which these reports do not need (details in :mod:`kpi_lib.reports.pdf`).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from kpi_lib.reports.cover import ReportCover, resolve_cover, stage_name
from kpi_lib.reports.fonts import css_font_stack
from kpi_lib.reports.labels import html_lang, report_language, rtext
from kpi_lib.reports.layout import prepare_body
from kpi_lib.reports.notebook import REMOVE_CELL_TAGS, notebook_body, read_notebook
from kpi_lib.reports.pdf import offline_fetcher, write_atomically, write_pdf
from kpi_lib.reports.templating import css_string, render

__all__ = ["REMOVE_CELL_TAGS", "ReportCover", "css_string", "export_notebook", "html_to_pdf", "notebook_html",
           "offline_fetcher", "report_css", "report_html"]


def report_css(language: str, *, footer: str = "") -> str:
    """The report stylesheet: explicit CJK fonts, A4 pages with the footer and page numbers,
    cover and contents, tables and charts sized for print (and a readable screen layout)."""
    return render("report.css.j2", fonts=css_font_stack(language), fonts_ja=css_font_stack("ja"),
                  footer=css_string(footer))


def report_html(body: str, cover: ReportCover, *, language: str = "zh", toc_levels: int = 2) -> str:
    """The whole report document around a notebook ``body`` fragment."""
    lang = report_language(language)
    body, toc = prepare_body(body, toc_levels=toc_levels)
    unknown = rtext("export", "unknown", lang)
    shown_stage = stage_name(cover.stage, lang)
    facts = [(rtext("export", key, lang), value or unknown) for key, value in (
        ("client", cover.client_name), ("period", cover.period), ("stage", shown_stage),
        ("target_version", cover.target_version), ("date", cover.date), ("consultant", cover.consultant))]
    client = cover.client_name or unknown
    footer = " · ".join(p for p in (cover.client_name, shown_stage, cover.period) if p)
    title = " · ".join(p for p in (cover.client_name, shown_stage, cover.period) if p) or "KPI"
    labels = {k: rtext("export", k, lang) for k in ("kicker", "toc", "unknown")}
    return render("report.html.j2", lang=html_lang(lang), doc_title=title, css=report_css(lang, footer=footer),
                  cover={**cover.__dict__, "stage_name": shown_stage}, facts=facts, t=labels,
                  confidential=rtext("export", "confidential", lang, client=client), toc=toc, body=body)


def notebook_html(notebook: Path, *, language: str = "zh", title: str | None = None,
                  cover: ReportCover | dict | None = None, today: dt.date | None = None) -> str:
    """Self-contained HTML of an executed notebook: cover, contents, outputs; no code."""
    body = notebook_body(read_notebook(Path(notebook)))
    resolved = resolve_cover(cover, notebook=Path(notebook), title=title, today=today)
    return report_html(body, resolved, language=language)


def html_to_pdf(html: str, target: Path, *, language: str = "zh") -> Path:
    """Render report HTML to an A4 PDF with embedded CJK fonts (WeasyPrint). The stylesheet
    is inside the HTML; ``language`` is kept for callers of the earlier signature."""
    return write_pdf(html, Path(target))


def export_notebook(notebook: Path, folder: Path, *, language: str = "zh", title: str | None = None,
                    pdf: bool = True, cover: ReportCover | dict | None = None,
                    today: dt.date | None = None) -> dict[str, Path]:
    """Write ``<name>.html`` (and ``<name>.pdf``) of an executed notebook into ``folder``.

    ``cover`` (a :class:`ReportCover` or a dict with its field names) sets the cover page;
    facts it leaves out come from the notebook's parameters, the client config,
    ``results.json`` and ``title`` (see :mod:`kpi_lib.reports.cover`)."""
    html = notebook_html(notebook, language=language, title=title, cover=cover, today=today)
    stem = Path(notebook).stem
    out = {"html": Path(folder) / f"{stem}.html"}
    write_atomically(out["html"], lambda temp: temp.write_text(html, encoding="utf-8"))
    if pdf:
        out["pdf"] = html_to_pdf(html, Path(folder) / f"{stem}.pdf", language=language)
    return out
