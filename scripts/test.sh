#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh machine: installs the Debian packages the
# tests start for real (PostgreSQL, the Distribution registry and htpasswd, openssl, Chromium for the UI tests) and Helm (scripts/install-helm.sh), installs
# the npm dependencies (which builds Gantry), then runs `npm run check` (format, lint,
# typecheck, tests).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v htpasswd >/dev/null || missing+=(apache2-utils)
command -v openssl >/dev/null || missing+=(openssl)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v helm >/dev/null || command -v unzip >/dev/null || missing+=(unzip)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The tests need these Debian packages: ${missing[*]}; run this script as root to install them." >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Helm 3 for helm-template (and kustomize's chart inflator): no Debian package has it.
bash scripts/install-helm.sh

npm ci --no-audit --no-fund
npm run check
