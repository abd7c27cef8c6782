"""Report outputs: chart theme with explicit CJK fonts, HTML and PDF export of notebooks."""
