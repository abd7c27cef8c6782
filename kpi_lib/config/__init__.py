"""Client configs: schema (models), layering on package defaults and validation (loader)."""
from kpi_lib.config.loader import load_config, resolve_secret, role_id_for, role_templates
from kpi_lib.config.models import ClientConfig, Source

__all__ = ["ClientConfig", "Source", "load_config", "resolve_secret", "role_id_for", "role_templates"]
