#!/usr/bin/env bash
# Installs the pinned solc (package-lock.json) into contracts/solc/node_modules, so that the
# contracts' RecompileTest can check the committed ABI/bin against a fresh compile. The Maven build
# runs this before the contracts' tests. Never fails the build: without npm, or when npm cannot
# fetch (offline, no cache), it says so and RecompileTest is skipped with its reason.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
if [ -f node_modules/solc/package.json ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "contracts: Node.js/npm not found; RecompileTest (committed ABI/bin == fresh solc compile) is skipped. Install Node.js to run it." >&2
  exit 0
fi
echo "contracts: installing the pinned solc for RecompileTest (npm ci in contracts/solc)" >&2
if ! npm ci --no-audit --no-fund --silent --prefer-offline --fetch-timeout=20000 --fetch-retries=1 >&2; then
  rm -rf node_modules
  echo "contracts: npm ci failed (offline and not in npm's cache?); RecompileTest is skipped." >&2
fi
exit 0
