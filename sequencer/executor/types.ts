/**
 * Shapes shared by the sequential and the parallel executor.
 *
 * Both executors implement {@link BlockExecutor}: given the parent state root, the block
 * environment and the block's signed transactions (canonical EIP-2718 encodings), they return
 * the post-state root, the receipts and the gas used. The parallel executor must return exactly
 * what the sequential one returns for every input (see `test/executor/`).
 */
import type { Hex } from 'viem';

/** One withdrawal (EIP-4895): `amountGwei` is credited to `address` after the transactions. */
export interface Withdrawal {
  index: bigint;
  validatorIndex: bigint;
  address: Hex;
  /** Amount in gwei (1 gwei = 1e9 wei), as in the consensus layer. */
  amountGwei: bigint;
}

/** Everything about a block that execution depends on, except the transactions. */
export interface BlockEnv {
  number: bigint;
  /** Unix seconds. */
  timestamp: bigint;
  /** Fee recipient (priority fees are credited here). */
  coinbase: Hex;
  /** Gas. */
  gasLimit: bigint;
  /** Wei per gas (EIP-1559). */
  baseFeePerGas: bigint;
  /** 32-byte hex; PREVRANDAO returns it. */
  prevRandao: Hex;
  parentHash: Hex;
  /** EIP-4788 parent beacon block root; when set and the beacon roots contract has code, it is stored before the txs. */
  parentBeaconBlockRoot?: Hex;
  /** EIP-4844 excess blob gas (only vectors use blobs; the L2 sets 0). */
  excessBlobGas?: bigint;
  blobGasUsed?: bigint;
  /** EIP-4895 withdrawals, applied after the transactions (only vectors use them). */
  withdrawals?: Withdrawal[];
  /**
   * Hashes of up to 256 ancestors for BLOCKHASH: `[number, hash]` pairs. Missing numbers give 0.
   */
  blockHashes: Array<[bigint, Hex]>;
}

/** A log as it appears in a receipt. */
export interface ExecLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
}

/** Per-transaction result, in block order. */
export interface TxReceipt {
  /** Transaction hash (keccak256 of the EIP-2718 encoding). */
  hash: Hex;
  /** Recovered sender. */
  from: Hex;
  /** Recipient, or null for contract creation. */
  to: Hex | null;
  /** 1 success, 0 revert / exceptional halt. */
  status: 0 | 1;
  /** Gas charged to this tx (after refund). */
  gasUsed: bigint;
  /** Gas used by this tx and all before it in the block. */
  cumulativeGasUsed: bigint;
  /** Price actually paid per gas, wei. */
  effectiveGasPrice: bigint;
  /** Created contract address, or null. */
  contractAddress: Hex | null;
  logs: ExecLog[];
  /** 256-byte logs bloom of this receipt, hex. */
  logsBloom: Hex;
  /** EIP-2718 type: 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844. */
  type: number;
  /** Revert reason/return data of the top-level call (hex), for eth_call-like debugging. */
  returnData: Hex;
}

/** How the parallel executor split one block (the sequential executor reports one group). */
export interface ExecutionStats {
  mode: 'sequential' | 'parallel';
  txs: number;
  /** Conflict-free groups finally executed (a group runs its txs in block order). */
  groups: number;
  /** Sizes of those groups, largest first. */
  groupSizes: number[];
  /** Transactions executed more than once because their real access set broke their group. */
  reexecuted: number;
  /** Validation rounds (1 = speculation was right everywhere). */
  rounds: number;
  /** Parallel only: txs placed in a group up front by conflict prediction from the previous block. */
  predicted?: number;
  /** Workers used. */
  workers: number;
  /** Wall-clock milliseconds: total, and the part spent computing the state root. */
  ms: number;
  rootMs: number;
  /** Parallel only: milliseconds in sender recovery, worker rounds, and the merge. */
  recoverMs?: number;
  execMs?: number;
  mergeMs?: number;
  /**
   * Parallel only: the state keys that joined groups most often (`0xaddr` account, `0xaddr[slot]`
   * storage slot, `0xaddr*` account reset, `coinbase` explicit fee-recipient access).
   */
  hotKeys?: Array<{ key: string; joins: number }>;
}

/** The outcome of executing one block. */
export interface BlockResult {
  stateRoot: Hex;
  receiptsRoot: Hex;
  /** Bloom of all receipts, hex. */
  logsBloom: Hex;
  /** Total gas used by the block. */
  gasUsed: bigint;
  receipts: TxReceipt[];
  stats: ExecutionStats;
}

/**
 * Executes whole blocks on top of a state root held in the executor's state database.
 *
 * Errors: throws `InvalidTransactionError` (with `txIndex`) if a transaction cannot be applied
 * (bad nonce, insufficient balance, gas limit above what is left in the block, ...). The state
 * database is then left unchanged (no root of the failed block exists).
 */
export interface BlockExecutor {
  executeBlock(parentStateRoot: Hex, env: BlockEnv, txs: Uint8Array[]): Promise<BlockResult>;
  /** Releases workers / handles. */
  close(): Promise<void>;
}
