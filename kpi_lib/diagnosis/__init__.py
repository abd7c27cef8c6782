"""Diagnosis analytics: data inventory (:mod:`.inventory`), organisation summary
(:mod:`.org`), the client's current scheme (:mod:`.scheme`: from the YAML or the
``current_scheme_template.xlsx`` workbook), the KPI-design audit against the field's
pitfalls (:mod:`.audit`), and the recommended metric set with a readiness verdict
(:mod:`.recommend`)."""
