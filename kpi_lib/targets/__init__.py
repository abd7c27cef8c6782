"""Targets per person × metric × month: historical, budget decomposition and benchmark
methods, levels and tiers, calibration, versions, change notices and the tuning panel."""

# Modules of the target stage (one concept each; none imported here):
#   historical     — historical method (trailing mean / same month last year × growth)
#   calendar       — sales-event calendar per market (defaults/events.yaml)
#   seasonality    — seasonality index from history blended with the calendar
#   budget         — budget decomposition: months → markets → stores → people, exact sums
#   benchmark      — benchmark targets from defaults/benchmarks.csv
#   unit_economics — break-even and target ACoS / TACoS
#   levels         — threshold / target / stretch, junior / senior tiers, new-hire ramp
#   calibration    — hit probabilities, expected shares and expected bonus cost
#   versions       — the append-only target version store
#   notice         — change notices per person and for the team (zh / en)
#   panel          — the ipywidgets tuning panel (wiring only)
