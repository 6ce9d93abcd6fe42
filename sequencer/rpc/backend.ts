/**
 * What the JSON-RPC layer needs from the node. The node (`sequencer/node.ts`) implements it over
 * the chain store, the state database and the mempool; tests implement it with fakes.
 *
 * All quantities are bigint in the units Ethereum uses (wei, gas, seconds); hashes/addresses/data
 * are 0x-hex. Formatting to JSON-RPC hex quantities is the RPC layer's job.
 */
import type { Hex } from 'viem';
import type { L2Header } from '../chain/header.ts';
import type { ExecLog, ExecutionStats, TxReceipt } from '../executor/types.ts';

/** A sealed L2 block as stored: its header plus size and tx hashes. */
export interface StoredBlock extends L2Header {
  /** RLP size of the block in bytes. */
  size: bigint;
  /** Hashes of the block's txs in block order. */
  txHashes: Hex[];
}

/** A transaction known to the node: sealed in a block, or pending in the mempool (block fields null). */
export interface StoredTx {
  hash: Hex;
  /** Canonical EIP-2718 encoding (what eth_sendRawTransaction received). */
  raw: Hex;
  from: Hex;
  blockNumber: bigint | null;
  blockHash: Hex | null;
  transactionIndex: number | null;
}

/** A receipt with its position. `logs[i]` has log index `firstLogIndex + i`. */
export interface StoredReceipt extends TxReceipt {
  blockNumber: bigint;
  blockHash: Hex;
  transactionIndex: number;
  /** Index in the block of this receipt's first log. */
  firstLogIndex: number;
}

/** A log with its position, as eth_getLogs returns it. */
export interface StoredLog extends ExecLog {
  blockNumber: bigint;
  blockHash: Hex;
  transactionHash: Hex;
  transactionIndex: number;
  logIndex: number;
}

/** eth_getLogs filter, already resolved to block numbers. */
export interface LogFilter {
  fromBlock: bigint;
  toBlock: bigint;
  /** Any of these addresses (none = all). */
  addresses?: Hex[];
  /** Positional topic filter: null = any; array = any of. */
  topics?: Array<Hex | Hex[] | null>;
}

/** eth_call / eth_estimateGas request, already parsed. Missing fields take geth's defaults. */
export interface CallRequest {
  from?: Hex;
  to?: Hex | null;
  /** Gas; default: block gas limit. */
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  /** Wei. */
  value?: bigint;
  data?: Hex;
  nonce?: bigint;
  accessList?: Array<{ address: Hex; storageKeys: Hex[] }>;
}

/** Result of simulating a call on a state (nothing is written). */
export interface CallResult {
  /** 1 success, 0 revert or exceptional halt. */
  status: 0 | 1;
  gasUsed: bigint;
  returnData: Hex;
  /** ethereumjs error string for exceptional halts ("out of gas", "revert", ...). */
  error?: string;
}

export interface RpcBackend {
  readonly chainId: bigint;
  /** Number of the latest sealed L2 block. */
  headNumber(): bigint;
  getBlockByNumber(n: bigint): StoredBlock | undefined;
  getBlockByHash(hash: Hex): StoredBlock | undefined;
  /** Sealed or pending. */
  getTransaction(hash: Hex): StoredTx | undefined;
  getReceipt(hash: Hex): StoredReceipt | undefined;
  getLogs(filter: LogFilter): StoredLog[];
  getAccount(address: Hex, blockNumber: bigint): Promise<{ nonce: bigint; balance: bigint }>;
  getCode(address: Hex, blockNumber: bigint): Promise<Hex>;
  /** 32-byte hex value of a storage slot. */
  getStorageAt(address: Hex, slot: Hex, blockNumber: bigint): Promise<Hex>;
  /** Simulates `req` on top of block `blockNumber`'s post-state, in the env of the next block. */
  call(req: CallRequest, blockNumber: bigint): Promise<CallResult>;
  /**
   * Validates and admits a signed tx to the mempool; durable once it returns.
   * @throws ParallaxError with geth's message and rpcCode (e.g. "nonce too low", -32000).
   */
  sendRawTransaction(raw: Hex): Promise<Hex>;
  /** Nonce including pending txs (eth_getTransactionCount 'pending'). */
  pendingNonce(address: Hex): Promise<bigint>;
  /** Base fee (wei/gas) the next block will have. */
  nextBaseFee(): bigint;
  /** Suggested priority fee (wei/gas). */
  suggestedTip(): bigint;
  /** How the parallel executor split block `n` (parallax_getBlockExecution). */
  blockExecution(n: bigint): ExecutionStats | undefined;
}
