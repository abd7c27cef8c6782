"""Fault injection for tests/test_faults.py: active only in a process whose PYTHONPATH holds
this folder (the test's subprocesses). ``KPI_FAULT_PDF_CLIENT=<client_id>`` makes the PDF
step fail for that client's runs, after writing half a PDF, the way a full disk does."""
import os

_client = os.environ.get("KPI_FAULT_PDF_CLIENT")
if _client:
    from pathlib import Path

    import weasyprint.document as _document

    _real_write_pdf = _document.Document.write_pdf

    def _write_pdf(self, target=None, *args, **kwargs):
        if target is not None and f"{os.sep}{_client}{os.sep}" in str(target):
            Path(target).write_bytes(b"%PDF-1.7\n%half-written")
            raise OSError(28, "No space left on device (injected by the test)")
        return _real_write_pdf(self, target, *args, **kwargs)

    _document.Document.write_pdf = _write_pdf
