"""Metric definitions (the registry) and, later, their computation."""
