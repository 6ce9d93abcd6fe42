/** Compiles a single-file Solidity source with solcjs (the `solc` npm package, wasm). */
import { createRequire } from 'node:module';
import type { Abi, Hex } from 'viem';

const require = createRequire(import.meta.url);

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

/**
 * @returns ABI and creation bytecode of `contractName` in `source` (Cancun, optimizer on).
 * @throws Error with solc's messages on a compile error.
 */
export function compileSolidity(source: string, contractName: string): { abi: Abi; bytecode: Hex } {
  const solc = require('solc') as { compile(input: string): string };
  const input = {
    language: 'Solidity',
    sources: { 'Test.sol': { content: source } },
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { [contractName]: ['abi', 'evm.bytecode.object'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const c = out.contracts?.['Test.sol']?.[contractName];
  if (c === undefined) throw new Error(`solc produced no ${contractName}`);
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}
