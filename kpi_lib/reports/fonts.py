"""Explicit CJK fonts for charts and PDFs (never font fallback, which draws empty boxes or
mixes calligraphic glyphs). Debian's fonts-noto-cjk provides them; `make` installs it."""
from __future__ import annotations

import functools
from pathlib import Path

from kpi_lib.errors import KpiError

FONT_DIRS = [Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"),
             Path("/usr/local/share/fonts"), Path.home() / "Library" / "Fonts", Path("/Library/Fonts"),
             Path("/opt/homebrew/share/fonts")]
FONT_FILES = ["NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"]
# Family per report language: SC glyph forms for Chinese, JP forms for Japanese.
CJK_FAMILY = {"zh": "Noto Sans CJK SC", "en": "Noto Sans CJK SC", "ja": "Noto Sans CJK JP"}


@functools.cache
def cjk_font_files() -> tuple[Path, ...]:
    """The Noto Sans CJK collection files on this machine."""
    found = []
    for name in FONT_FILES:
        for folder in FONT_DIRS:
            if (folder / name).exists():
                found.append(folder / name)
                break
    if not found:
        raise KpiError("the Noto Sans CJK fonts are not installed",
                       expected="fonts-noto-cjk (Debian/Ubuntu) or the Noto Sans CJK font (macOS)",
                       fix="run `make setup`, or: sudo apt-get install fonts-noto-cjk / "
                           "brew install --cask font-noto-sans-cjk")
    return tuple(found)


def register_matplotlib_fonts(language: str = "zh") -> list[str]:
    """Register the CJK fonts with matplotlib and return the explicit family list to use.

    ``addfont`` works even with a stale font cache; the explicit list (Latin first, then
    CJK) gives per-glyph fallback without relying on fontconfig.
    """
    from matplotlib import font_manager

    for path in cjk_font_files():
        font_manager.fontManager.addfont(str(path))
    primary = CJK_FAMILY.get(language, CJK_FAMILY["zh"])
    others = [f for f in ("Noto Sans CJK SC", "Noto Sans CJK JP") if f != primary]
    return ["DejaVu Sans", primary, *others]


def css_font_stack(language: str = "zh") -> str:
    """The CSS ``font-family`` list for HTML/PDF: Latin in DejaVu Sans, CJK in the Noto Sans
    CJK face of the language, then the other face. Every family is named explicitly so
    fontconfig never substitutes a font of its own choosing (e.g. a calligraphic Kaiti)."""
    primary = CJK_FAMILY.get(language, CJK_FAMILY["zh"])
    others = [f for f in ("Noto Sans CJK SC", "Noto Sans CJK JP") if f != primary]
    return ", ".join(f'"{f}"' for f in ["DejaVu Sans", primary, *others])
