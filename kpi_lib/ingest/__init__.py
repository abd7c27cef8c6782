"""Ingestion: from a client's raw exports to validated canonical tables."""
