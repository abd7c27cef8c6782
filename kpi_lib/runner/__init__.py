"""Running stage notebooks: one client (``run``), every client (``batch``), safe publishing."""
