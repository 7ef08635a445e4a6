#!/usr/bin/env bash
# Installs the system tools archtools uses when they are missing: graphviz `dot` (ERDs) and, with
# --browser, Chromium (the report and dashboard browser tests). Uses the system package manager; says
# in one line what to do where it cannot. Under CI=true a missing tool is an error, never a skip.
set -euo pipefail

want_browser=0
[ "${1:-}" = "--browser" ] && want_browser=1

have() { command -v "$1" >/dev/null 2>&1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif have sudo; then sudo -n "$@"; else return 1; fi
}

apt_install() {
  have apt-get || return 1
  if [ ! -f /tmp/.archtools-apt-updated ]; then
    as_root apt-get update -qq >/dev/null 2>&1 || return 1
    touch /tmp/.archtools-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null 2>&1
}

install_pkg() {
  # $1: apt name, $2: brew name, $3: dnf name
  apt_install "$1" && return 0
  if have brew; then brew install "$2" >/dev/null 2>&1 && return 0; fi
  if have dnf; then as_root dnf install -y -q "$3" >/dev/null 2>&1 && return 0; fi
  return 1
}

missing=0
if ! have dot; then
  echo "archtools: installing graphviz (the 'dot' binary) for ERDs..." >&2
  if ! install_pkg graphviz graphviz graphviz || ! have dot; then
    echo "archtools: could not install graphviz; install it yourself (apt-get install graphviz / brew install graphviz)" >&2
    missing=1
  fi
fi

if [ "$want_browser" = 1 ] && ! have chromium && ! have chromium-browser; then
  echo "archtools: installing Chromium for the browser tests..." >&2
  if ! install_pkg chromium chromium chromium || { ! have chromium && ! have chromium-browser; }; then
    echo "archtools: could not install Chromium; install it yourself (apt-get install chromium)" >&2
    missing=1
  fi
fi

if [ "$missing" = 1 ]; then
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  # Outside CI the demo and most tests still run; the affected tests say what is missing.
fi
exit 0
