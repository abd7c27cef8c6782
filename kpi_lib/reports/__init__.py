"""Report outputs: what a client's managers and employees read.

- :mod:`~kpi_lib.reports.export`: stage notebooks as self-contained HTML (e-mail) and A4 PDF
  with a cover, contents, page numbers and no code (:mod:`.notebook` extracts the content,
  :mod:`.layout` fits tables to the page, :mod:`.cover` gathers the cover facts,
  :mod:`.pdf` prints with WeasyPrint and says why WeasyPrint).
- :mod:`~kpi_lib.reports.excel`: ``scorecards.xlsx`` (summary and person × metric detail).
- :mod:`~kpi_lib.reports.employee`: one confidential scorecard PDF per employee.
- :mod:`~kpi_lib.reports.charts` with :mod:`.theme` and :mod:`.fonts`: the charts, in one
  seaborn theme with explicit CJK fonts.
- :mod:`.labels`, :mod:`.formats`, :mod:`.textwidth`: texts in zh/en, value formats by unit,
  CJK-aware widths. Templates are in ``templates/`` (jinja2).
"""
