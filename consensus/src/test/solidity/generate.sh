#!/usr/bin/env bash
# Regenerates src/test/resources/contracts/<Name>.{abi,bin} from every *.sol here with solc 0.8.28 (npm), evmVersion shanghai.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent solc@0.8.28 >/dev/null)
cp "$here"/*.sol "$work/"
cat > "$work/compile.js" <<'JS'
const solc = require('solc');
const fs = require('fs');
const sources = {};
for (const f of fs.readdirSync('.').filter(f => f.endsWith('.sol'))) {
  sources[f] = { content: fs.readFileSync(f, 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: { evmVersion: 'shanghai', optimizer: { enabled: true, runs: 200 },
              outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter(e => e.severity === 'error');
if (errors.length) { console.error(errors); process.exit(1); }
for (const file of Object.keys(out.contracts)) {
  for (const [name, c] of Object.entries(out.contracts[file])) {
    fs.writeFileSync(name + '.abi', JSON.stringify(c.abi) + '\n');
    fs.writeFileSync(name + '.bin', c.evm.bytecode.object + '\n');
  }
}
JS
(cd "$work" && node compile.js)
for sol in "$here"/*.sol; do
  name="$(basename "$sol" .sol)"
  cp "$work/$name.abi" "$work/$name.bin" "$here/../resources/contracts/"
  echo "wrote src/test/resources/contracts/$name.{abi,bin}"
done
