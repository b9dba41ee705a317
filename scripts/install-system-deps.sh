#!/usr/bin/env bash
# System packages the tests and the e2e need: PostgreSQL and MariaDB (second and third database
# of `npm test`; scripts/test.js starts them) and Chromium (admin screenshots / e2e). Idempotent:
# installs only what is missing.
# Run as root (or with sudo available). Debian/Ubuntu (apt-get).
set -euo pipefail

PACKAGES=(postgresql mariadb-server mariadb-client chromium)  # mariadb-client: mariadb-dump (retention test backups)

if ! command -v apt-get >/dev/null 2>&1; then
  echo "[system-deps] apt-get not found: install ${PACKAGES[*]} yourself (npm test falls back to SQLite only)." >&2
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "[system-deps] not root and no sudo: cannot install ${PACKAGES[*]}" >&2
    exit 1
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "[system-deps] $p: already installed ($(dpkg-query -W -f='${Version}' "$p"))"
  else
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "[system-deps] nothing to install"
  exit 0
fi

echo "[system-deps] installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y "${missing[@]}"
for p in "${missing[@]}"; do
  echo "[system-deps] $p: installed ($(dpkg-query -W -f='${Version}' "$p"))"
done
