"""Reproducible .xlsx bytes from an openpyxl workbook.

openpyxl stamps the time of saving into every zip entry and into ``docProps/core.xml``
(whatever ``modified`` was set to), so two saves of the same workbook differ. Shipped
templates and published scorecards must not: the same content gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def workbook_bytes(wb, fixed_time: dt.datetime) -> bytes:
    """The workbook saved with every timestamp fixed to ``fixed_time`` / ``ZIP_TIME``."""
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    stamp = fixed_time.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            dst.writestr(info, data)
    return out.getvalue()
