/**
 * Contract artifacts the demo deploys and calls: Uniswap V2 core (from `@uniswap/v2-core`'s
 * Waffle build JSON), the L1 BatchInbox fragments it reads, and the constant-product swap math.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseAbi } from 'viem';
import type { Abi, Hex } from 'viem';
import type { CompiledContract } from './compile.ts';

const require = createRequire(import.meta.url);

interface WaffleJson {
  abi: Abi;
  bytecode?: string | { object?: string };
  evm?: { bytecode?: { object?: string } };
}

/**
 * Reads a Waffle-format build JSON (`abi` plus `bytecode`, or `evm.bytecode.object`) and
 * returns its ABI and 0x-prefixed creation bytecode.
 * @param file A path resolvable by Node's `require.resolve` or an absolute path.
 * @throws Error if the JSON holds no bytecode.
 */
export function loadWaffleArtifact(file: string): CompiledContract {
  const json = JSON.parse(readFileSync(require.resolve(file), 'utf8')) as WaffleJson;
  const raw =
    (typeof json.bytecode === 'string' ? json.bytecode : json.bytecode?.object) || json.evm?.bytecode?.object || '';
  if (raw.length === 0 || raw === '0x') throw new Error(`${file}: no bytecode`);
  return { abi: json.abi, bytecode: (raw.startsWith('0x') ? raw : `0x${raw}`) as Hex };
}

/** Uniswap V2 factory and pair (solc 0.5.16 builds shipped by `@uniswap/v2-core@1.0.1`). */
export function loadUniswapV2(): { factory: CompiledContract; pair: CompiledContract } {
  return {
    factory: loadWaffleArtifact('@uniswap/v2-core/build/UniswapV2Factory.json'),
    pair: loadWaffleArtifact('@uniswap/v2-core/build/UniswapV2Pair.json'),
  };
}

/** The parts of the L1 BatchInbox (`contracts/BatchInbox.sol`) a client reads. */
export const batchInboxAbi = parseAbi([
  'event BatchAppended(uint256 indexed batchIndex, uint64 firstBlock, uint64 lastBlock, bytes32 dataHash)',
  'function appendBatch(uint64 firstBlock, uint64 lastBlock, bytes data)',
]);

/**
 * Uniswap V2's `getAmountOut`: output for `amountIn` against reserves `reserveIn`/`reserveOut`
 * with the 0.3% fee (x*y=k on 99.7% of the input). All in token base units.
 * @throws RangeError on a zero input or empty reserves.
 */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (amountIn <= 0n || reserveIn <= 0n || reserveOut <= 0n) throw new RangeError('getAmountOut: zero amount or reserve');
  const inWithFee = amountIn * 997n;
  return (inWithFee * reserveOut) / (reserveIn * 1000n + inWithFee);
}
