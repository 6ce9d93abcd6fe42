/**
 * Read access to the sealed L2 chain, as the batcher and proposer need it. The sequencer's chain
 * store implements it; the challenger never uses it (it derives the chain from L1).
 */
import type { Hex } from 'viem';
import type { L2Header } from './header.ts';

export interface L2ChainReader {
  /** Latest sealed block number (0 = only genesis). */
  headNumber(): bigint;
  /** Header of sealed block `n`, or undefined. */
  header(n: bigint): L2Header | undefined;
  /** Raw EIP-2718 txs of sealed block `n`, in block order ([] if none or unknown). */
  txs(n: bigint): Hex[];
}
