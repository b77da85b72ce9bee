#!/usr/bin/env bash
# The real-n8n tier (make test-n8n): installs n8n 2.8.4 into $CACHE/n8n when
# it is missing, then runs the Go tests in test/n8n against it. Skips loudly,
# exiting 0, when the machine has too little free disk for the install or
# when Node.js is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/counterpart-ci}"
N8N_VERSION=2.8.4
N8N_DIR="$CACHE/n8n"
N8N_BIN="$N8N_DIR/node_modules/.bin/n8n"
NEED_GB="${COUNTERPART_N8N_NEED_GB:-3}"   # free disk the install needs, in GB

skip() {
  echo "########################################################################"
  echo "SKIPPED: real-n8n tier: $*"
  echo "########################################################################"
  exit 0
}

installed_version() {
  node -p "require('$N8N_DIR/node_modules/n8n/package.json').version" 2>/dev/null || true
}

# install_n8n installs n8n into $N8N_DIR (≈ 6 min and 2.3 GB when cold).
# n8n-nodes-base fetches xlsx from a CDN that is not reachable from every
# machine: the override takes the same version from the npm registry.
install_n8n() {
  command -v node >/dev/null || skip "Node.js is not installed (n8n $N8N_VERSION needs Node 20.19 to 24)"
  mkdir -p "$N8N_DIR"
  local free_gb
  free_gb=$(df -Pk "$N8N_DIR" | awk 'NR==2 { printf "%d", $4 / 1048576 }')
  if [ "$free_gb" -lt "$NEED_GB" ]; then
    skip "only $free_gb GB free in $N8N_DIR, the n8n install needs about $NEED_GB GB"
  fi
  cat > "$N8N_DIR/package.json" <<JSON
{
  "name": "counterpart-n8n-tier",
  "private": true,
  "overrides": {
    "xlsx": "npm:@e965/xlsx@0.20.2"
  }
}
JSON
  echo "==> installing n8n $N8N_VERSION into $N8N_DIR ($free_gb GB free)"
  local start=$SECONDS
  (cd "$N8N_DIR" && npm install --no-audit --no-fund --save-exact "n8n@$N8N_VERSION")
  echo "==> n8n installed in $((SECONDS - start)) s ($(du -sh "$N8N_DIR/node_modules" | cut -f1))"
}

if [ "${1:-}" = "--install-only" ]; then
  if [ "$(installed_version)" != "$N8N_VERSION" ]; then install_n8n; else echo "==> n8n $N8N_VERSION is in the cache"; fi
  exit 0
fi

if [ "$(installed_version)" != "$N8N_VERSION" ] || [ ! -x "$N8N_BIN" ]; then
  install_n8n
fi

export COUNTERPART_N8N_BIN="$N8N_BIN"
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"
echo "==> real-n8n tier: n8n $(installed_version), $(node --version)"
exec go test -count=1 -v -timeout 20m ./test/n8n/
