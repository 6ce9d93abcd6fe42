/**
 * Compiles the demo's ERC-20 (`DemoToken is ERC20` from `@openzeppelin/contracts`) with solcjs,
 * the wasm compiler shipped by the `solc` npm package, through its standard-JSON interface.
 * Imports are read from `node_modules`. The result is cached under `cache/demo/` keyed by the
 * source, the compiler version, the settings and the OpenZeppelin version.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Abi, Hex } from 'viem';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** Solidity source of the demo token: all of the supply is minted to the deployer. */
export const DEMO_TOKEN_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Plain OpenZeppelin ERC-20 for the parallax demo; mints \`supply\` to the deployer.
contract DemoToken is ERC20 {
    constructor(string memory name_, string memory symbol_, uint256 supply) ERC20(name_, symbol_) {
        _mint(msg.sender, supply);
    }
}
`;

/** Same EVM target and optimizer as the project's Hardhat config. */
const SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { '*': { DemoToken: ['abi', 'evm.bytecode.object'] } },
} as const;

/** A compiled contract ready for `deployContract`. */
export interface CompiledContract {
  abi: Abi;
  /** Creation bytecode, 0x-prefixed. */
  bytecode: Hex;
}

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

/**
 * Resolves a Solidity import path (`@openzeppelin/contracts/...`) to a file under
 * `node_modules`. Paths that would leave `node_modules` are refused.
 */
function readImport(path: string): { contents: string } | { error: string } {
  const nm = join(ROOT, 'node_modules');
  const file = normalize(join(nm, path));
  if (!file.startsWith(nm + '/')) return { error: `import outside node_modules: ${path}` };
  try {
    return { contents: readFileSync(file, 'utf8') };
  } catch {
    return { error: `file not found: ${path}` };
  }
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Returns the ABI and creation bytecode of `DemoToken` (constructor
 * `(string name, string symbol, uint256 supply)`, supply in token base units, minted to
 * `msg.sender`).
 *
 * Compiles with solcjs on a cache miss (a few seconds: loading the wasm compiler dominates) and
 * writes `cache/demo/DemoToken.json`; later calls read that file.
 *
 * @param opts.cacheDir Cache folder; default `<repo>/cache/demo`.
 * @throws Error with solc's formatted messages if compilation reports errors.
 */
export function compileDemoToken(opts: { cacheDir?: string } = {}): CompiledContract & { cached: boolean } {
  const cacheDir = opts.cacheDir ?? join(ROOT, 'cache', 'demo');
  const solcVersion = packageVersion('solc');
  const key = createHash('sha256')
    .update(JSON.stringify([DEMO_TOKEN_SOURCE, solcVersion, SETTINGS, packageVersion('@openzeppelin/contracts')]))
    .digest('hex');
  const cacheFile = join(cacheDir, 'DemoToken.json');
  try {
    const c = JSON.parse(readFileSync(cacheFile, 'utf8')) as CompiledContract & { key: string };
    if (c.key === key) return { abi: c.abi, bytecode: c.bytecode, cached: true };
  } catch {
    // no cache yet
  }

  const solc = require('solc') as { compile(input: string, callbacks: { import(path: string): unknown }): string };
  const input = {
    language: 'Solidity',
    sources: { 'DemoToken.sol': { content: DEMO_TOKEN_SOURCE } },
    settings: SETTINGS,
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: readImport })) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc ${solcVersion}: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const c = out.contracts?.['DemoToken.sol']?.DemoToken;
  if (!c?.evm.bytecode.object) throw new Error('solc produced no bytecode for DemoToken');
  const compiled: CompiledContract = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };

  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ key, solcVersion, ...compiled }));
  renameSync(tmp, cacheFile);
  return { ...compiled, cached: false };
}
