"""The readable content of an executed notebook as one flat HTML fragment: no code.

Why not nbconvert's lab template: it nests every output three ``<div>`` deep (so a heading
can never "keep with" the table after it across a page break), ships 260 KB of screen CSS
whose fonts must be overridden with ``!important``, and links CDN scripts. Here each cell's
outputs become sibling blocks under one ``<main>``: markdown as HTML, tables as they are,
charts as embedded images sized to their physical size, stdout as preformatted text.

Left out on purpose: code (inputs), cells tagged for removal (``parameters``,
``injected-parameters``: papermill writes non-ASCII there as ``\\uXXXX``), stderr (warnings
are for the consultant, not the client), widget views (nothing to print), bare object
reprs (``<Figure size …>``), error tracebacks (a failed notebook is never exported).
"""
from __future__ import annotations

import base64
import html
import io
import re
from pathlib import Path

REMOVE_CELL_TAGS = {"parameters", "injected-parameters", "remove_cell", "remove-cell"}
# Richest first: what a browser and WeasyPrint render best.
MIME_ORDER = ("text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown", "text/plain")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_OBJECT_REPR = re.compile(r"^\s*<[^<>]*(?: at 0x[0-9a-fA-F]+|Figure size [^<>]*)>\s*$")
# Portrait A4 text box of the report CSS (210 − 2×14 mm wide; 297 − 16 − 18 mm high, less a
# heading): charts are scaled down to fit, never up.
TEXT_WIDTH_MM = 182.0
CHART_MAX_HEIGHT_MM = 225.0


def markdown_html(source: str) -> str:
    """Markdown as HTML with nbconvert's renderer (the one JupyterLab's export uses)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(source)


def image_size_mm(data: bytes, metadata: dict | None = None) -> tuple[float, float] | None:
    """Physical (width, height) of a PNG/JPEG in mm: the display size IPython recorded
    (retina PNGs carry it, in CSS px), else pixels ÷ the dpi stored in the file; None when
    the image cannot be read."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            width_px, height_px = im.size
            dpi = (im.info.get("dpi") or (96, 96))[0] or 96
    except Exception:  # noqa: BLE001 - an unreadable image is shown at its natural size
        return None
    metadata = metadata or {}
    if metadata.get("width"):
        width = float(metadata["width"]) * 25.4 / 96
    else:
        width = width_px / float(dpi) * 25.4
    return width, width * height_px / width_px


def fitted_width_mm(size: tuple[float, float] | None) -> float | None:
    """The printed width of a chart: its own size, scaled down to the text box."""
    if size is None:
        return None
    w, h = size
    scale = min(1.0, TEXT_WIDTH_MM / w, CHART_MAX_HEIGHT_MM / h)
    return round(w * scale, 1)


def image_block(mime: str, payload: str | bytes, metadata: dict | None = None) -> str:
    """A chart as an embedded image (``data:`` URI) at its physical size."""
    if mime == "image/svg+xml":
        raw = payload.encode("utf-8") if isinstance(payload, str) else payload
        src = "data:image/svg+xml;base64," + base64.b64encode(raw).decode("ascii")
        return f'<figure class="chart"><img src="{src}" alt="" style="max-width: 100%"></figure>'
    text = payload if isinstance(payload, str) else base64.b64encode(payload).decode("ascii")
    text = "".join(text.split())
    width = fitted_width_mm(image_size_mm(base64.b64decode(text), metadata))
    style = f' style="width: {width}mm"' if width else ""
    return f'<figure class="chart"><img src="data:{mime};base64,{text}" alt=""{style}></figure>'


def output_blocks(output: dict) -> list[str]:
    """The HTML of one cell output (empty when it has nothing for a reader)."""
    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name") != "stdout":
            return []
        text = "".join(output.get("text", "")) if isinstance(output.get("text"), list) else output.get("text", "")
        return [f'<pre class="output">{html.escape(text.rstrip())}</pre>'] if text.strip() else []
    if kind not in ("display_data", "execute_result"):
        return []  # errors: a failed notebook is never exported
    data = output.get("data", {})
    if WIDGET_MIME in data:
        return []
    metadata = output.get("metadata", {})
    for mime in MIME_ORDER:
        if mime not in data:
            continue
        payload = data[mime]
        if isinstance(payload, list):
            payload = "".join(payload)
        if mime == "text/html":
            return [payload]
        if mime.startswith("image/"):
            return [image_block(mime, payload, metadata.get(mime))]
        if mime == "text/markdown":
            return [markdown_html(payload)]
        if _OBJECT_REPR.match(payload) or not payload.strip():
            return []
        return [f'<pre class="output">{html.escape(payload)}</pre>']
    return []


def _tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags") or [])


def notebook_body(nb: dict) -> str:
    """The report content of a notebook (as loaded by ``nbformat``/``json``)."""
    blocks: list[str] = []
    for cell in nb.get("cells", []):
        if _tags(cell) & REMOVE_CELL_TAGS:
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            blocks.append(markdown_html(source))
        elif cell.get("cell_type") == "code":
            for output in cell.get("outputs", []):
                blocks.extend(output_blocks(output))
    return "\n".join(blocks)


def read_notebook(path: Path) -> dict:
    """An executed notebook as plain dicts. Papermill writes nbformat 4, read as plain JSON
    (importing nbformat's validator costs ~3 s); older files go through nbformat."""
    import json

    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    if nb.get("nbformat", 0) < 4:
        import nbformat

        nb = nbformat.read(str(path), as_version=4)
    return nb
