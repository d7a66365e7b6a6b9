#!/bin/sh
# What the test suite needs from the system: Debian's Chromium (tests/browser), the
# HarfBuzz subsetter WeasyPrint uses for PDFs, CJK fonts for residents' names in PDFs, and
# Node's npm for axe-core (package.json).
#
# Run by `make test`. Installs what is missing with apt-get when running as root;
# otherwise prints exactly what to install and exits 1. Fast and silent when everything
# is present. Playwright never downloads a browser of its own: it drives /usr/bin/chromium.
set -eu

missing_packages=""

have_package() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

if [ ! -x /usr/bin/chromium ] || ! have_package chromium; then
    missing_packages="$missing_packages chromium"
fi
if ! have_package libharfbuzz-subset0; then
    missing_packages="$missing_packages libharfbuzz-subset0"
fi
# Residents' names in Chinese, Japanese or Korean must render in PDFs (WeasyPrint).
if ! have_package fonts-noto-cjk; then
    missing_packages="$missing_packages fonts-noto-cjk"
fi
if ! command -v npm >/dev/null 2>&1; then
    missing_packages="$missing_packages nodejs npm"
fi

if [ -z "$missing_packages" ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser_deps: missing:$missing_packages" >&2
    echo "  This is not a Debian-like system: install Chromium (at /usr/bin/chromium," >&2
    echo "  or set CHROMIUM_PATH), HarfBuzz's subset library and Node.js with npm." >&2
    exit 1
fi

if [ "$(id -u)" != 0 ]; then
    echo "install_browser_deps: missing Debian packages:$missing_packages" >&2
    echo "  Install them as root, then run make test again:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing_packages" >&2
    exit 1
fi

echo "install_browser_deps: installing$missing_packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086  # the list is meant to split into words
apt-get install -y -qq --no-install-recommends $missing_packages
