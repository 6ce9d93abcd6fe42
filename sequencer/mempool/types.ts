/**
 * Shapes shared by the mempool modules and its users (node, block builder, RPC backend).
 */
import type { Common } from '@ethereumjs/common';
import type { Hex } from 'viem';

/** A transaction waiting in the mempool. Quantities are bigint (gas, wei per gas, wei). */
export interface PendingTx {
  /** keccak256 of `raw`. */
  hash: Hex;
  /** Canonical EIP-2718 encoding, lower-case hex. */
  raw: Hex;
  /** Recovered sender, lower-case hex. */
  from: Hex;
  nonce: bigint;
  /** Gas. */
  gasLimit: bigint;
  /** Wei per gas (the gas price for type 0/1 txs). */
  maxFeePerGas: bigint;
  /** Wei per gas (the gas price for type 0/1 txs). */
  maxPriorityFeePerGas: bigint;
  /** Wei transferred. */
  value: bigint;
  /** EIP-2718 type: 0 legacy, 1 EIP-2930, 2 EIP-1559. */
  type: 0 | 1 | 2;
  /**
   * Arrival key: milliseconds since the Unix epoch, made strictly increasing within the process
   * (ties broken by +1), so it orders txs by arrival and survives restarts through the store.
   */
  arrival: number;
}

/** One persisted mempool entry. */
export interface StoredMempoolTx {
  hash: Hex;
  raw: Hex;
  arrival: number;
}

/**
 * Durability hook: the mempool writes every admitted tx before `add` resolves, and deletes txs it
 * drops. Calls are synchronous so that admission needs no extra await (better-sqlite3 is
 * synchronous). `all()` returns entries ordered by arrival.
 */
export interface MempoolStore {
  put(hash: Hex, raw: Hex, arrival: number): void;
  delete(hashes: Hex[]): void;
  all(): StoredMempoolTx[];
}

/** Account state the mempool validates against (latest sealed state). */
export interface AccountState {
  nonce: bigint;
  /** Wei. */
  balance: bigint;
}

/** Options of `new Mempool(...)`. */
export interface MempoolOptions {
  chainId: bigint;
  /** Gas; txs with a larger gas limit are refused ("exceeds block gas limit"). */
  blockGasLimit: bigint;
  /** Bytes; default 131072 (128 KiB, geth txMaxSize). */
  maxTxBytes?: number;
  /** Most txs one sender may have pooled, and width of its nonce window; default 64. */
  maxPerSender?: number;
  /** Most txs in the pool; default 10,000. */
  maxTotal?: number;
  /** Percent both fee cap and tip must rise to replace a tx with the same nonce; default 10 (geth). */
  priceBumpPercent?: number;
  /** Minimum maxPriorityFeePerGas, wei per gas; default 0. */
  minTip?: bigint;
  /** Latest sealed state of an account. */
  getAccount: (address: Hex) => Promise<AccountState>;
  /** Base fee of the next block, wei per gas (used to rank txs when the pool is full). */
  nextBaseFee: () => bigint;
  store?: MempoolStore;
  /** Hardfork for intrinsic-gas rules when no `common` is given; default 'cancun'. */
  hardfork?: string;
  /** @ethereumjs Common to decode/recover with (default: `createChainCommon({ chainId, hardfork })`). */
  common?: Common;
  /** Clock for arrival keys (ms); default Date.now. */
  now?: () => number;
}

/** Options of `Mempool.selectForBlock`. */
export interface SelectOptions {
  /** Base fee of the block being built, wei per gas. */
  baseFee: bigint;
  /** Gas available for txs in the block. */
  gasLimit: bigint;
  /** Nonce of `address` in the state the block builds on. */
  stateNonce: (address: Hex) => Promise<bigint> | bigint;
  /** Most txs to return (default: no limit). */
  maxTxs?: number;
}
