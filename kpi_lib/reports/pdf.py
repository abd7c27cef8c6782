"""HTML → PDF with WeasyPrint: offline, explicit fonts, written atomically.

Why WeasyPrint (and not nbconvert's webpdf or LaTeX): it needs no browser (webpdf wants a
Playwright-managed Chromium that cannot be downloaded here, gives Letter paper and embeds
CJK as nameless Type 3 fonts), it embeds real subsetted CID fonts so Chinese and Japanese
stay searchable and copyable, and it implements CSS paged media (A4, page numbers,
``target-counter`` contents, named landscape pages, repeated table headers, bookmarks). The
LaTeX route silently drops every CJK character with the stock template and needs a 1.1 GB
TeX install. WeasyPrint runs no JavaScript, which the reports do not need: charts are
static images and tables are HTML.
"""
from __future__ import annotations

import contextlib
import gc
import logging
from pathlib import Path

from kpi_lib.atomic import write_with


def offline_fetcher():
    """A WeasyPrint fetcher that reads only embedded data and local files, never the network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data", "file"})


def render_document(html: str, *, base_url: str | Path | None = None):
    """Lay out ``html`` into pages (a WeasyPrint Document: pages, bookmarks, links)."""
    from weasyprint import HTML

    # Stylesheets from notebook outputs can hold selectors WeasyPrint ignores; that is noise.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html, base_url=str(base_url) if base_url else None,
                url_fetcher=offline_fetcher()).render()


@contextlib.contextmanager
def many_documents():
    """Around a loop that writes many PDFs: everything alive before the loop is set aside
    (``gc.freeze``), so the collection after each document scans that document's objects
    only instead of the whole heap of tables a notebook holds."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# Kept under its old name for the report writers.
write_atomically = write_with


def write_pdf(html: str, target: Path, *, base_url: str | Path | None = None) -> Path:
    """Render ``html`` to the PDF ``target`` (atomically)."""
    document = render_document(html, base_url=base_url or Path(target).parent)
    written = write_atomically(Path(target), lambda temp: document.write_pdf(str(temp)))
    # A laid-out document is a web of reference cycles holding its fonts' shaping data:
    # only the cycle collector frees it, and between its runs a batch of per-employee
    # scorecards piled up ~30 MB each (600 MB for 16 people). Collect now.
    del document
    gc.collect()
    return written
