#!/usr/bin/env bash
# Prepare this checkout on a Debian machine: system packages, a virtualenv in .venv, the project.
#
# Safe to run again: installs only what is missing. Options (environment):
#   WITH_BROKERS=1   also install redis-server, rabbitmq-server, Java and Maven (scripts/install-brokers.sh)
#   WITH_TEST_TOOLS=1  also install Xvfb and poppler-utils (tests, screenshots, PDF checks) and the
#                      clients the report's snippets target (the 'test' extra: Celery, Django, ...)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUDO=()
[[ $(id -u) -eq 0 ]] || SUDO=(sudo)
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q)

log() { printf '[setup] %s\n' "$*" >&2; }

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# Qt's runtime needs these shared libraries even offscreen; fonts so text renders.
packages=(libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3
          libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
          libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
          libx11-xcb1 libxrender1 libxi6 libsm6 libice6 fonts-dejavu-core ca-certificates)
if [[ ${WITH_TEST_TOOLS:-0} == 1 ]]; then
    packages+=(xvfb xauth poppler-utils)
fi
python_ok() {
    command -v python3 >/dev/null && python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}
python_ok || packages+=(python3 python3-venv python3-pip)

missing=()
for pkg in "${packages[@]}"; do
    have_pkg "$pkg" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if command -v apt-get >/dev/null; then
        log "installing ${missing[*]}"
        "${APT[@]}" update
        "${APT[@]}" install --no-install-recommends "${missing[@]}"
    else
        log "not a Debian system: make sure these are installed: ${missing[*]}"
    fi
fi
# The Persian edition reads best in Noto's Arabic-script faces. Debian ships them only inside
# fonts-noto-core, whose Noto Sans would also replace DejaVu as every program's Latin sans-serif
# (other metrics, other layouts): so only the Arabic faces are taken from that package, into a
# fonts folder fontconfig reads. Without them Persian still renders, in DejaVu Sans.
persian_fonts() {
    local dest=$HOME/.local/share/fonts/broker-advisor
    [[ $(id -u) == 0 ]] && dest=/usr/local/share/fonts/broker-advisor
    [[ -f $dest/NotoSansArabic-Regular.ttf ]] && return 0
    command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || return 0
    local work
    work=$(mktemp -d)
    if (cd "$work" && apt-get download -q fonts-noto-core >/dev/null 2>&1) &&
        dpkg-deb -x "$work"/fonts-noto-core_*.deb "$work/x"; then
        mkdir -p "$dest"
        cp "$work"/x/usr/share/fonts/truetype/noto/Noto{Sans,Naskh}Arabic-{Regular,Bold}.ttf "$dest/"
        command -v fc-cache >/dev/null && fc-cache -f "$dest" >/dev/null 2>&1
        log "Persian fonts (Noto Sans Arabic, Noto Naskh Arabic) in $dest"
    else
        log "could not fetch Debian's fonts-noto-core: Persian text will use DejaVu Sans"
    fi
    rm -rf "$work"
}
persian_fonts

if ! python_ok; then
    log "Python 3.11 or newer with the venv module is needed; found: $(python3 --version 2>&1)"
    exit 2
fi

if [[ ${WITH_BROKERS:-0} == 1 ]]; then
    bash scripts/install-brokers.sh
fi

# The virtualenv lives in the checkout (ignored by git); pip's own cache makes re-creation fast.
extras=dev
[[ ${WITH_TEST_TOOLS:-0} == 1 ]] && extras=dev,test
stamp=.venv/.installed-$( (cat pyproject.toml; echo "$extras") | sha256sum | cut -c1-16)
if [[ ! -f $stamp ]]; then
    [[ -x .venv/bin/python ]] || python3 -m venv .venv
    log "installing the project and its dependencies ($extras) into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[$extras]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
