"""Source adapters: one module per report family, registered by type id.

Every module in this package is imported here, so adding a format is adding a module
(plus its alias table in ``aliases/`` and a fixture); nothing else needs editing.
"""
from __future__ import annotations

import importlib
import pkgutil

from kpi_lib.sources.base import (REGISTRY, Adapter, SourceContext, adapter_types, detect_file,
                                  get_adapter, register)

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base" and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REGISTRY", "Adapter", "SourceContext", "adapter_types", "detect_file", "get_adapter", "register"]
