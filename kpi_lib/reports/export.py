"""HTML and PDF export of executed stage notebooks, without code.

Route: nbconvert HTML (no input cells, images embedded) → WeasyPrint PDF. WeasyPrint needs
no browser and embeds real subsetted CID fonts, so the Chinese text stays searchable; the
LaTeX route silently drops CJK and nbconvert's webpdf cannot find Debian's Chromium.
WeasyPrint runs no JavaScript, which the reports do not need: charts are static PNGs and
tables are HTML. Nothing is fetched from the network: external URLs are refused.
"""
from __future__ import annotations

import re
from pathlib import Path

from kpi_lib.reports.fonts import CJK_FAMILY

# Cells never shown in a client report: parameters (papermill writes non-ASCII there as
# \uXXXX escapes), cells marked for removal.
REMOVE_CELL_TAGS = {"parameters", "injected-parameters", "remove_cell", "remove-cell"}
REMOVE_INPUT_TAGS = {"remove_input", "hide-input"}
_EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.I)
_EXTERNAL_LINK = re.compile(r"<link[^>]*\bhref=\"https?://[^\"]*\"[^>]*>", re.I)
# Inline scripts that load code from a CDN (the lab template's mermaid loader).
_CDN_INLINE_SCRIPT = re.compile(r"<script[^>]*>(?:(?!</script>).)*?https?://(?:(?!</script>).)*</script>", re.I | re.S)


def report_css(language: str) -> str:
    """Print and screen styles: explicit CJK fonts (overriding the lab theme's variables),
    A4 pages with page numbers, tables that wrap instead of running off the page."""
    family = CJK_FAMILY.get(language, CJK_FAMILY["zh"])
    fonts = f'"DejaVu Sans", "{family}", "Noto Sans CJK SC", "Noto Sans CJK JP", sans-serif'
    return f"""
:root {{
  --jp-content-font-family: {fonts} !important;
  --jp-ui-font-family: {fonts} !important;
  --jp-code-font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace !important;
}}
html, body, .jp-RenderedHTMLCommon, .jp-RenderedText pre, table, th, td {{ font-family: {fonts} !important; }}
body {{ font-size: 10.5pt; line-height: 1.5; color: #1a1a1a; }}
@page {{ size: A4; margin: 16mm 14mm 18mm 14mm;
        @bottom-center {{ content: counter(page) " / " counter(pages); font-family: {fonts}; font-size: 8pt; color: #777; }} }}
.jp-RenderedHTMLCommon table, .dataframe {{ border-collapse: collapse; font-size: 8.5pt; width: auto; max-width: 100%;
  table-layout: auto; word-break: break-word; }}
.jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon td, .dataframe th, .dataframe td {{ padding: 2px 6px;
  border-bottom: 1px solid #ddd; text-align: right; }}
.jp-RenderedHTMLCommon th {{ background: #eef2f7; }}
thead {{ display: table-header-group; }}
tr, img {{ page-break-inside: avoid; }}
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th {{ white-space: nowrap; }}
img {{ max-width: 100%; height: auto; }}
h1, h2, h3 {{ color: #1f4e79; page-break-after: avoid; }}
h1 {{ font-size: 18pt; }} h2 {{ font-size: 14pt; border-bottom: 2px solid #1f4e79; }}
.jp-InputPrompt, .jp-OutputPrompt {{ display: none !important; }}
"""


def notebook_html(notebook: Path, *, language: str = "zh", title: str | None = None) -> str:
    """Self-contained HTML of an executed notebook: no code, images embedded, no CDN links."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    c.TagRemovePreprocessor.remove_input_tags = set(REMOVE_INPUT_TAGS)
    c.HTMLExporter.embed_images = True
    c.HTMLExporter.language_code = language if language in {"en", "ja"} else "zh"  # ISO 639-1
    exporter = HTMLExporter(config=c, template_name="lab")
    resources = {"metadata": {"name": title or Path(notebook).stem}}
    body, _ = exporter.from_filename(str(notebook), resources=resources)
    body = _EXTERNAL_SCRIPT.sub("", body)
    body = _EXTERNAL_LINK.sub("", body)
    body = _CDN_INLINE_SCRIPT.sub("", body)
    return body.replace("</head>", f"<style>{report_css(language)}</style>\n</head>", 1)


def offline_fetcher():
    """A WeasyPrint fetcher that reads only embedded data and local files, never the network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data", "file"})


def html_to_pdf(html: str, target: Path, *, language: str = "zh") -> Path:
    """Render HTML to an A4 PDF with embedded CJK fonts (WeasyPrint)."""
    import logging

    from weasyprint import CSS, HTML

    # The lab template's CSS has selectors WeasyPrint ignores; those warnings are noise.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    HTML(string=html, base_url=str(Path(target).parent), url_fetcher=offline_fetcher()).write_pdf(
        str(target), stylesheets=[CSS(string=report_css(language))])
    return Path(target)


def export_notebook(notebook: Path, folder: Path, *, language: str = "zh", title: str | None = None,
                    pdf: bool = True) -> dict[str, Path]:
    """Write ``<name>.html`` (and ``<name>.pdf``) of an executed notebook into ``folder``."""
    html = notebook_html(notebook, language=language, title=title)
    stem = Path(notebook).stem
    out = {"html": Path(folder) / f"{stem}.html"}
    out["html"].write_text(html, encoding="utf-8")
    if pdf:
        out["pdf"] = html_to_pdf(html, Path(folder) / f"{stem}.pdf", language=language)
    return out
