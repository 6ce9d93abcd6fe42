/**
 * Node objects -> JSON-RPC JSON, with go-ethereum's field sets and encodings: quantities as
 * minimal hex ("0x0", "0x1a"), data/hashes/addresses as lower-case 0x-hex, absent values null.
 */
import { type Hex, numberToHex, parseTransaction } from 'viem';
import type { ExecutionStats } from '../executor/types.ts';
import type { StoredBlock, StoredLog, StoredReceipt, StoredTx } from './backend.ts';

/** Hex quantity: minimal big-endian hex, "0x0" for zero. */
export const hexQ = (n: bigint | number): Hex => numberToHex(n);

/** keccak256(rlp([])): the uncles hash of a block without uncles. */
export const EMPTY_UNCLES_HASH: Hex = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347';

export type JsonTx = Record<string, unknown>;

const TYPE_NUMBER: Record<string, number> = { legacy: 0, eip2930: 1, eip1559: 2, eip4844: 3, eip7702: 4 };

/**
 * A transaction as eth_getTransactionByHash returns it.
 *
 * `gasPrice` of a dynamic-fee tx is the effective price min(maxFee, baseFee + tip) once mined
 * (needs the block's `baseFee`), and maxFeePerGas while pending, as geth does.
 */
export function formatTransaction(tx: StoredTx, baseFee: bigint | undefined): JsonTx {
  const p = parseTransaction(tx.raw);
  const type = p.type === undefined ? 0 : (TYPE_NUMBER[p.type] ?? 0);
  const out: JsonTx = {
    blockHash: tx.blockHash,
    blockNumber: tx.blockNumber === null ? null : hexQ(tx.blockNumber),
    from: tx.from.toLowerCase(),
    gas: hexQ(p.gas ?? 0n),
    gasPrice: '0x0',
    hash: tx.hash,
    input: p.data ?? '0x',
    nonce: hexQ(p.nonce ?? 0),
    to: p.to ? p.to.toLowerCase() : null,
    transactionIndex: tx.transactionIndex === null ? null : hexQ(tx.transactionIndex),
    value: hexQ(p.value ?? 0n),
    type: hexQ(type),
  };
  if (p.type === 'legacy' || p.type === 'eip2930') {
    out.gasPrice = hexQ(p.gasPrice ?? 0n);
  } else {
    const maxFee = p.maxFeePerGas ?? 0n;
    const tip = p.maxPriorityFeePerGas ?? 0n;
    out.maxFeePerGas = hexQ(maxFee);
    out.maxPriorityFeePerGas = hexQ(tip);
    out.gasPrice = hexQ(tx.blockHash !== null && baseFee !== undefined ? min(maxFee, baseFee + tip) : maxFee);
  }
  if (p.type !== 'legacy') {
    out.accessList = (p.accessList ?? []).map((e) => ({ address: e.address.toLowerCase(), storageKeys: e.storageKeys.map((k) => k.toLowerCase()) }));
    out.chainId = hexQ(p.chainId ?? 0);
    out.v = hexQ(p.yParity ?? 0);
    out.r = hexQ(BigInt(p.r ?? 0));
    out.s = hexQ(BigInt(p.s ?? 0));
    out.yParity = hexQ(p.yParity ?? 0);
  } else {
    if (p.chainId !== undefined) out.chainId = hexQ(p.chainId);
    out.v = hexQ(p.v ?? 0n);
    out.r = hexQ(BigInt(p.r ?? 0));
    out.s = hexQ(BigInt(p.s ?? 0));
  }
  return out;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/**
 * A block as eth_getBlockBy* return it. `txs`: hashes (fullTx=false) or formatted txs.
 * Post-merge constants: difficulty 0, nonce 0, no uncles.
 */
export function formatBlock(b: StoredBlock, txs: Hex[] | JsonTx[]): Record<string, unknown> {
  return {
    baseFeePerGas: hexQ(b.baseFeePerGas),
    difficulty: '0x0',
    extraData: b.extraData,
    gasLimit: hexQ(b.gasLimit),
    gasUsed: hexQ(b.gasUsed),
    hash: b.hash,
    logsBloom: b.logsBloom,
    miner: b.miner.toLowerCase(),
    mixHash: b.mixHash,
    nonce: '0x0000000000000000',
    number: hexQ(b.number),
    parentHash: b.parentHash,
    receiptsRoot: b.receiptsRoot,
    sha3Uncles: EMPTY_UNCLES_HASH,
    size: hexQ(b.size),
    stateRoot: b.stateRoot,
    timestamp: hexQ(b.timestamp),
    transactions: txs,
    transactionsRoot: b.transactionsRoot,
    uncles: [],
  };
}

/** A log with its position (eth_getLogs, receipts). */
export function formatLog(l: StoredLog): Record<string, unknown> {
  return {
    address: l.address.toLowerCase(),
    topics: l.topics,
    data: l.data,
    blockNumber: hexQ(l.blockNumber),
    transactionHash: l.transactionHash,
    transactionIndex: hexQ(l.transactionIndex),
    blockHash: l.blockHash,
    logIndex: hexQ(l.logIndex),
    removed: false,
  };
}

/** A receipt as eth_getTransactionReceipt returns it; log indices from `firstLogIndex`. */
export function formatReceipt(r: StoredReceipt): Record<string, unknown> {
  return {
    blockHash: r.blockHash,
    blockNumber: hexQ(r.blockNumber),
    contractAddress: r.contractAddress === null ? null : r.contractAddress.toLowerCase(),
    cumulativeGasUsed: hexQ(r.cumulativeGasUsed),
    effectiveGasPrice: hexQ(r.effectiveGasPrice),
    from: r.from.toLowerCase(),
    gasUsed: hexQ(r.gasUsed),
    logs: r.logs.map((l, i) =>
      formatLog({
        ...l,
        blockNumber: r.blockNumber,
        blockHash: r.blockHash,
        transactionHash: r.hash,
        transactionIndex: r.transactionIndex,
        logIndex: r.firstLogIndex + i,
      }),
    ),
    logsBloom: r.logsBloom,
    status: hexQ(r.status),
    to: r.to === null ? null : r.to.toLowerCase(),
    transactionHash: r.hash,
    transactionIndex: hexQ(r.transactionIndex),
    type: hexQ(r.type),
  };
}

/** parallax_getBlockExecution: the stats object with the block number added (numbers stay numbers). */
export function formatExecutionStats(n: bigint, s: ExecutionStats): Record<string, unknown> {
  return { blockNumber: hexQ(n), ...s, groupSizes: [...s.groupSizes] };
}
