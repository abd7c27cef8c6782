"""kpi_lib: the helper library of the KPI workbook suite (跨境电商KPI咨询工具包)."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kpi-lib")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
