#!/usr/bin/env bash
# Recompiles the contracts with the pinned solc (npm) and refreshes the committed ABI/bin and manifest.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
if [ ! -d node_modules/solc ]; then
  npm ci --no-audit --no-fund --silent
fi
node compile.mjs
