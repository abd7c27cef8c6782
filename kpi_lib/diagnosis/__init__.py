"""Diagnosis analytics: data inventory, organisation summary (the audit arrives with issue 6)."""
