#!/usr/bin/env bash
# System packages the suite needs: CJK fonts (charts and PDFs in Chinese/Japanese),
# Pango (WeasyPrint PDF export), poppler (PDF checks in tests) and Chromium (the tuning
# panel's browser test, driven by Playwright with the system browser — never
# `playwright install`).
# Installs them with apt-get when it can (root, or passwordless sudo); otherwise prints the
# exact commands for Debian/Ubuntu and macOS and stops. Chromium alone missing is only a
# warning: the browser test then skips itself.
set -euo pipefail

# `--with-browser` (make test) adds Chromium; the demo and the reports do not need it.
WITH_BROWSER=0
[ "${1:-}" = "--with-browser" ] && WITH_BROWSER=1
APT_PACKAGES=(fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
[ $WITH_BROWSER = 1 ] && APT_PACKAGES+=(chromium)

missing=()
fc-list 2>/dev/null | grep "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
if [ "$(uname -s)" = "Linux" ]; then
  ldconfig -p 2>/dev/null | grep "libpango-1.0.so" >/dev/null || missing+=(libpango-1.0-0)
  ldconfig -p 2>/dev/null | grep "libpangoft2-1.0.so" >/dev/null || missing+=(libpangoft2-1.0-0)
  ldconfig -p 2>/dev/null | grep "libharfbuzz-subset.so" >/dev/null || missing+=(libharfbuzz-subset0)
fi
if [ $WITH_BROWSER = 1 ]; then command -v chromium >/dev/null 2>&1 || missing+=(chromium); fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "system packages missing: ${missing[*]}"
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
  if [ "$SUDO" != "none" ]; then
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${APT_PACKAGES[@]}"
    exit 0
  fi
fi
if [ "${missing[*]}" = "chromium" ]; then
  cat >&2 <<MSG
Chromium is not installed, so the tuning panel's browser test (tests/test_panel_browser.py) will be skipped.
To run it:
  Debian/Ubuntu: sudo apt-get install -y --no-install-recommends chromium
  macOS:         brew install --cask chromium   (or leave it: the browser test is skipped)
MSG
  exit 0
fi
cat >&2 <<MSG
Please install them, then run the command again:
  Debian/Ubuntu: sudo apt-get install -y --no-install-recommends ${APT_PACKAGES[*]}
  macOS:         brew install pango poppler && brew install --cask font-noto-sans-cjk
                 brew install --cask chromium   (optional: without it the browser test is skipped)
MSG
exit 1
