/**
 * Messages between the parallel executor (main thread) and its workers. Everything is
 * structured-cloneable (bigint and Uint8Array included).
 */
import type { Hex } from 'viem';
import type { BlockEnv, TxReceipt } from './types.ts';

/** One tx as shipped to a worker: its block index, encoding and recovered sender public key. */
export interface WireTx {
  index: number;
  raw: Uint8Array;
  /** 64-byte uncompressed secp256k1 public key of the sender (recovered once, on the main thread). */
  senderPubKey: Uint8Array;
}

export interface InitMsg {
  type: 'init';
  dbPath: string;
  chainId: bigint;
}

/** Execute `groups` (lists of block indices, each in block order) on state `root`, each group from that root. */
export interface RunMsg {
  type: 'run';
  id: number;
  root: Hex;
  env: BlockEnv;
  txs: WireTx[];
  groups: number[][];
}

/** Final value of one written account after a group. */
export interface AccountWrite {
  /** Address, 40 hex chars. */
  key: string;
  /** False: the account does not exist at the end of the group. */
  exists: boolean;
  nonce: bigint;
  /** Wei. */
  balance: bigint;
  /** Present when the group wrote code to this account. */
  code?: Uint8Array;
  /** The account was deleted or its storage cleared during the group: reset storage first. */
  reset: boolean;
}

/** What one group did. */
export interface GroupResult {
  /** Block indices executed, in order (stops at a failed tx). */
  txIndices: number[];
  reads: string[];
  writes: string[];
  accounts: AccountWrite[];
  /** [address 40 hex, slot 64 hex, value (unpadded)]. */
  storage: Array<[string, string, Uint8Array]>;
  receipts: TxReceipt[];
  /** Fee credited to the coinbase by each executed tx, wei. */
  minerValues: bigint[];
  /** Block indices of txs that touched the coinbase explicitly. */
  explicitCoinbase: number[];
  /** First tx that could not be applied (invalid against the state the group saw). */
  failed?: { index: number; message: string };
}

/** Decode txs and recover their senders' public keys (64 bytes; an error string when invalid). */
export interface RecoverMsg {
  type: 'recover';
  id: number;
  raws: Uint8Array[];
}

export interface RecoverResult {
  pubkeys: Array<Uint8Array | string>;
  /** Gas limit of each tx (0 for an invalid one). */
  gasLimits: bigint[];
  /** Call feature of each tx for conflict prediction: `to` + 4-byte selector, or `create` ('' if invalid). */
  features: string[];
}

/** Compute the receipts root and block bloom of a block's receipts. */
export interface ReceiptsMsg {
  type: 'receipts';
  id: number;
  receipts: TxReceipt[];
}

export type WorkerRequest = InitMsg | RunMsg | RecoverMsg | ReceiptsMsg;

export type WorkerResponse =
  | { type: 'ready' }
  | { type: 'result'; id: number; groups: GroupResult[] }
  | { type: 'recovered'; id: number; result: RecoverResult }
  | { type: 'receipts'; id: number; receiptsRoot: Hex; logsBloom: Hex }
  | { type: 'error'; id: number; message: string };
