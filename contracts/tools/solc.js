#!/usr/bin/env node
// A stand-in for the native `solc` binary, for forge (and slither through forge), which cannot
// download a compiler here. It answers `--version` in the native format and compiles
// `--standard-json` from stdin with the pinned solc-js (WebAssembly) from this package's
// node_modules. Imports that the standard JSON input does not carry are read from the base path,
// the include paths, then the current directory, and never from outside them.
'use strict';

const fs = require('fs');
const path = require('path');

function fail(message) {
  process.stderr.write(`solc.js: ${message}\n`);
  process.exit(1);
}

let solc;
try {
  solc = require('solc');
} catch (_) {
  fail('the pinned solc-js is not installed: run npm ci in contracts/ (scripts/bootstrap.sh does)');
}

function nativeVersion() {
  // "0.8.30+commit.73712a01.Emscripten.clang" -> "0.8.30+commit.73712a01.Linux.g++"
  const m = /^(\d+\.\d+\.\d+\+commit\.[0-9a-f]+)/.exec(solc.version());
  if (!m) fail(`unexpected solc-js version string ${solc.version()}`);
  return `${m[1]}.Linux.g++`;
}

function parseArgs(argv) {
  const opts = { standardJson: false, version: false, basePath: null, includePaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, null];
    const value = () => {
      if (inline !== null) return inline;
      if (i + 1 >= argv.length) fail(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--version':
        opts.version = true;
        break;
      case '--standard-json':
        opts.standardJson = true;
        break;
      case '--base-path':
        opts.basePath = value();
        break;
      case '--include-path':
        opts.includePaths.push(value());
        break;
      case '--allow-paths':
      case '--pretty-json':
        if (flag === '--allow-paths') value();
        break;
      default:
        fail(`unsupported option ${arg} (this stand-in knows --version and --standard-json only)`);
    }
  }
  return opts;
}

function importReader(opts) {
  const roots = [opts.basePath, ...opts.includePaths, process.cwd()]
    .filter((r) => r !== null)
    .map((r) => path.resolve(r));
  return (importPath) => {
    for (const root of roots) {
      const candidate = path.resolve(root, importPath);
      if (candidate !== root && !candidate.startsWith(root + path.sep)) continue;
      try {
        return { contents: fs.readFileSync(candidate, 'utf8') };
      } catch (_) {
        // try the next root
      }
    }
    return { error: `file not found: ${importPath}` };
  };
}

const opts = parseArgs(process.argv.slice(2));
if (opts.version) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${nativeVersion()}\n`);
} else if (opts.standardJson) {
  let input;
  try {
    input = fs.readFileSync(0, 'utf8');
  } catch (err) {
    fail(`cannot read the standard JSON input from stdin: ${err.message}`);
  }
  process.stdout.write(solc.compile(input, { import: importReader(opts) }));
  process.stdout.write('\n');
} else {
  fail('nothing to do: pass --version or --standard-json');
}
