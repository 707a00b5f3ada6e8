#!/usr/bin/env bash
# Regenerates src/test/resources/contracts/Counter.{abi,bin} from Counter.sol with solc 0.8.28 (npm), evmVersion shanghai.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent solc@0.8.28 >/dev/null)
cp "$here/Counter.sol" "$work/"
cat > "$work/compile.js" <<'JS'
const solc = require('solc');
const fs = require('fs');
const input = {
  language: 'Solidity',
  sources: { 'Counter.sol': { content: fs.readFileSync('Counter.sol', 'utf8') } },
  settings: { evmVersion: 'shanghai', optimizer: { enabled: true, runs: 200 },
              outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter(e => e.severity === 'error');
if (errors.length) { console.error(errors); process.exit(1); }
const c = out.contracts['Counter.sol'].Counter;
fs.writeFileSync('Counter.abi', JSON.stringify(c.abi) + '\n');
fs.writeFileSync('Counter.bin', c.evm.bytecode.object + '\n');
JS
(cd "$work" && node compile.js)
cp "$work/Counter.abi" "$work/Counter.bin" "$here/../resources/contracts/"
echo "wrote $(cd "$here/../resources/contracts" && pwd)/Counter.{abi,bin}"
