// Compiles every contracts/src/main/solidity/*.sol with the pinned npm solc and writes, for each
// deployable contract, <Name>.abi and <Name>.bin into contracts/src/main/resources/contracts,
// plus manifest.json holding the SHA-256 of every source, of this script and of the lock file.
// The Maven build (ArtifactsFreshnessTest) fails when a hash no longer matches.
// `node compile.mjs --out DIR` writes into DIR instead (RecompileTest compares the two).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = join(here, '..', 'src', 'main', 'solidity');
const outFlag = process.argv.indexOf('--out');
const outDir =
  outFlag > 0 ? process.argv[outFlag + 1] : join(here, '..', 'src', 'main', 'resources', 'contracts');
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

export const SETTINGS = {
  evmVersion: 'shanghai',
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

const files = readdirSync(sourceDir).filter((f) => f.endsWith('.sol')).sort();
const sources = {};
for (const f of files) {
  sources[f] = { content: readFileSync(join(sourceDir, f), 'utf8') };
}
const output = JSON.parse(
  solc.compile(JSON.stringify({ language: 'Solidity', sources, settings: SETTINGS })),
);
const problems = output.errors || [];
for (const p of problems) {
  console.error(p.formattedMessage);
}
if (problems.some((p) => p.severity === 'error')) {
  process.exit(1);
}

mkdirSync(outDir, { recursive: true });
const manifest = {
  compiler: solc.version(),
  settings: SETTINGS,
  toolchain: {
    'solc/compile.mjs': sha256(readFileSync(join(here, 'compile.mjs'))),
    'solc/package-lock.json': sha256(readFileSync(join(here, 'package-lock.json'))),
  },
  sources: {},
  artifacts: {},
};
for (const f of files) {
  manifest.sources[f] = sha256(readFileSync(join(sourceDir, f)));
}
const written = [];
for (const f of files) {
  for (const [name, c] of Object.entries(output.contracts[f] || {})) {
    if (!c.evm.bytecode.object) {
      continue; // abstract contracts, interfaces and libraries that are only inlined
    }
    const abi = JSON.stringify(c.abi) + '\n';
    const bin = c.evm.bytecode.object;
    writeFileSync(join(outDir, `${name}.abi`), abi);
    writeFileSync(join(outDir, `${name}.bin`), bin);
    manifest.artifacts[`${name}.abi`] = sha256(abi);
    manifest.artifacts[`${name}.bin`] = sha256(bin);
    written.push(name);
  }
}
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`solc ${solc.version()}: wrote ${written.join(', ')} to ${outDir}`);
