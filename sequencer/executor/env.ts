/**
 * Turns a {@link BlockEnv} into what ethereumjs executes against: a header-only `Block`, a
 * BLOCKHASH source, and a VM bound to a given state manager.
 */
import { createBlock, type Block } from '@ethereumjs/block';
import type { Common } from '@ethereumjs/common';
import type { EVMMockBlockchainInterface } from '@ethereumjs/evm';
import type { MerkleStateManager } from '@ethereumjs/statemanager';
import { createVM, type VM } from '@ethereumjs/vm';
import { hexToBytes, type Hex } from 'viem';
import type { BlockEnv } from './types.ts';

/** A header-only ethereumjs block carrying the env's fields (no consensus validation). */
export function envToBlock(env: BlockEnv, common: Common): Block {
  return createBlock(
    {
      header: {
        number: env.number,
        timestamp: env.timestamp,
        coinbase: hexToBytes(env.coinbase),
        gasLimit: env.gasLimit,
        baseFeePerGas: env.baseFeePerGas,
        mixHash: hexToBytes(env.prevRandao),
        parentHash: hexToBytes(env.parentHash),
        parentBeaconBlockRoot: env.parentBeaconBlockRoot === undefined ? undefined : hexToBytes(env.parentBeaconBlockRoot),
        excessBlobGas: env.excessBlobGas ?? 0n,
        blobGasUsed: env.blobGasUsed ?? 0n,
      },
    },
    { common, skipConsensusFormatValidation: true },
  );
}

/** BLOCKHASH source backed by the env's `blockHashes` (0 for anything missing). */
export function envBlockchain(env: BlockEnv): EVMMockBlockchainInterface {
  const byNumber = new Map<number, Uint8Array>();
  for (const [n, h] of env.blockHashes) byNumber.set(Number(n), hexToBytes(h));
  const zero = new Uint8Array(32);
  const chain: EVMMockBlockchainInterface = {
    async getBlock(n: number) {
      const h = byNumber.get(n) ?? zero;
      return { hash: () => h };
    },
    async putBlock() {},
    shallowCopy: () => chain,
  };
  return chain;
}

/** A VM executing on `stateManager` with the env's BLOCKHASH source. */
export async function makeVm(common: Common, stateManager: MerkleStateManager, env: BlockEnv): Promise<VM> {
  return createVM({ common, stateManager, blockchain: envBlockchain(env) });
}

/** Hex helper for 20-byte addresses from ethereumjs. */
export function addrHex(bytes: Uint8Array): Hex {
  let s = '0x';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s as Hex;
}
