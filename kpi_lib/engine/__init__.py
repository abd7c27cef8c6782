"""The KPI engine: from scorecard rows (one per person × metric × month) to scores and bonus.

Modules (each one concept, pure functions on DataFrames):

* :mod:`kpi_lib.engine.exemptions` — force-majeure exemptions leave metrics out and
  renormalise the weights, with an audit of what was applied;
* :mod:`kpi_lib.engine.scoring` — attainment, payout curves, person totals, guardrail
  gates and ratings;
* :mod:`kpi_lib.engine.proration` — the days-worked fraction of joiners and leavers;
* :mod:`kpi_lib.engine.bonus` — KPI-multiplier bonus, profit pool and budget cap.

Typical month (``rows`` from the scorecard assembly)::

    rows, audit = apply_exemptions(rows, config.exemptions, period, people)
    scored = score_rows(rows, config.scoring)
    totals = person_totals(scored, ratings=config.scoring.ratings)
    result = compute_bonus(totals, config.bonus, prorate=days_worked(people, period),
                           gate_caps=gate_caps(scored, config.scoring.gates),
                           currency=config.base_currency)

Submodules are not imported here, so importing one part of the engine never pulls in the
others.
"""
