#!/usr/bin/env node
// Compiles the wallet's contracts with the pinned solc-js and writes one artifact per contract to
// wallet/chain/artifacts/<Name>.json: {contractName, abi, bytecode, deployedBytecode, compiler},
// with sorted keys, 2-space indent and a trailing newline, so that a diff shows what changed.
//
//   node contracts/tools/compile.js           write the artifacts
//   node contracts/tools/compile.js --check   compile in memory; exit 1 naming any artifact that
//                                             differs from the committed one (or is missing)
//
// Compiler warnings fail the build too: the contracts are small enough to keep warning-free.
'use strict';

const fs = require('fs');
const path = require('path');

const CONTRACTS = ['ProviderRegistry', 'ConsentRegistry', 'RecordAnchor'];
const SETTINGS = { optimizerRuns: 10000, evmVersion: 'cancun' };

const contractsDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(contractsDir, '..');
const artifactsDir = path.join(repoRoot, 'wallet', 'chain', 'artifacts');
const nodeModules = path.join(contractsDir, 'node_modules');

function fail(message) {
  process.stderr.write(`compile.js: ${message}\n`);
  process.exit(1);
}

let solc;
try {
  solc = require('solc');
} catch (_) {
  fail('the pinned solc-js is not installed: run npm ci in contracts/ (scripts/bootstrap.sh does)');
}

function findImport(importPath) {
  // Only package imports ("@openzeppelin/contracts/...") resolve, and only inside node_modules.
  const candidate = path.resolve(nodeModules, importPath);
  if (!importPath.startsWith('@') || !candidate.startsWith(nodeModules + path.sep)) {
    return { error: `import outside node_modules refused: ${importPath}` };
  }
  try {
    return { contents: fs.readFileSync(candidate, 'utf8') };
  } catch (_) {
    return { error: `file not found: ${importPath} (did npm ci run in contracts/?)` };
  }
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    );
  }
  return value;
}

function compile() {
  const sources = {};
  for (const name of CONTRACTS) {
    const file = `src/${name}.sol`;
    sources[file] = { content: fs.readFileSync(path.join(contractsDir, file), 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: SETTINGS.optimizerRuns },
      evmVersion: SETTINGS.evmVersion,
      outputSelection: Object.fromEntries(
        Object.keys(sources).map((f) => [f, { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] }]),
      ),
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const problems = (output.errors || []).filter((e) => e.severity !== 'info');
  if (problems.length) {
    for (const e of problems) process.stderr.write(e.formattedMessage || e.message);
    fail(`solc reported ${problems.length} error(s) or warning(s); see above`);
  }
  if (!output.contracts) fail('solc produced no contracts');
  const version = solc.version().split('+')[0];
  const artifacts = {};
  for (const name of CONTRACTS) {
    const c = output.contracts[`src/${name}.sol`][name];
    const artifact = {
      contractName: name,
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      compiler: { solc: version, optimizerRuns: SETTINGS.optimizerRuns, evmVersion: SETTINGS.evmVersion },
    };
    artifacts[name] = `${JSON.stringify(sortKeys(artifact), null, 2)}\n`;
  }
  return artifacts;
}

function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length) fail(`unknown argument ${unknown[0]} (usage: compile.js [--check])`);

  const artifacts = compile();
  if (check) {
    const stale = [];
    for (const [name, text] of Object.entries(artifacts)) {
      const file = path.join(artifactsDir, `${name}.json`);
      const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
      if (committed !== text) stale.push(`${path.relative(repoRoot, file)}${committed === null ? ' (missing)' : ''}`);
    }
    if (stale.length) {
      fail(`artifact out of date: ${stale.join(', ')}; run: node contracts/tools/compile.js`);
    }
    process.stdout.write(`compile.js: ${CONTRACTS.length} artifacts match the sources\n`);
    return;
  }
  fs.mkdirSync(artifactsDir, { recursive: true });
  for (const [name, text] of Object.entries(artifacts)) {
    const file = path.join(artifactsDir, `${name}.json`);
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
    process.stdout.write(`wrote ${path.relative(repoRoot, file)}\n`);
  }
}

main();
