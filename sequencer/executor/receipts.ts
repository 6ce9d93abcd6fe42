/**
 * Receipts: building parallax {@link TxReceipt}s from ethereumjs results, and the block-level
 * receipts root (Yellow Paper 4.3.1: trie of rlp(index) -> EIP-2718 typed receipt) and bloom.
 */
import { RLP } from '@ethereumjs/rlp';
import { createMPT } from '@ethereumjs/mpt';
import type { TypedTransaction } from '@ethereumjs/tx';
import { Bloom, encodeReceipt, type RunTxResult } from '@ethereumjs/vm';
import { bytesToHex, hexToBytes, type Hex } from 'viem';
import { nativeKeccak256 } from '../chain/common.ts';
import { addrHex } from './env.ts';
import type { ExecLog, TxReceipt } from './types.ts';

/**
 * Receipt of one executed tx. `cumulativeGasUsed` is filled in by the caller in block order.
 * @param baseFee wei per gas of the block (for effectiveGasPrice).
 */
export function toReceipt(tx: TypedTransaction, res: RunTxResult, baseFee: bigint): TxReceipt {
  const logs: ExecLog[] = (res.execResult.logs ?? []).map(([address, topics, data]) => ({
    address: addrHex(address),
    topics: topics.map((t) => bytesToHex(t)),
    data: bytesToHex(data),
  }));
  return {
    hash: bytesToHex(tx.hash()),
    from: addrHex(tx.getSenderAddress().bytes),
    to: tx.to === undefined ? null : addrHex(tx.to.bytes),
    status: res.execResult.exceptionError === undefined ? 1 : 0,
    gasUsed: res.totalGasSpent,
    cumulativeGasUsed: 0n,
    effectiveGasPrice: effectiveGasPrice(tx, baseFee),
    contractAddress: res.createdAddress === undefined ? null : addrHex(res.createdAddress.bytes),
    logs,
    logsBloom: bytesToHex(res.bloom.bitvector),
    type: tx.type,
    returnData: bytesToHex(res.execResult.returnValue),
  };
}

/** Price per gas actually paid (EIP-1559: min(maxFee, baseFee + maxPriorityFee)), wei. */
export function effectiveGasPrice(tx: TypedTransaction, baseFee: bigint): bigint {
  if ('maxFeePerGas' in tx) {
    const t = tx as unknown as { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
    const tip = t.maxFeePerGas - baseFee < t.maxPriorityFeePerGas ? t.maxFeePerGas - baseFee : t.maxPriorityFeePerGas;
    return baseFee + tip;
  }
  return (tx as unknown as { gasPrice: bigint }).gasPrice;
}

/** Fills `cumulativeGasUsed` in block order; returns the block's gas used. */
export function accumulateGas(receipts: TxReceipt[]): bigint {
  let total = 0n;
  for (const r of receipts) {
    total += r.gasUsed;
    r.cumulativeGasUsed = total;
  }
  return total;
}

/** The receipts root and the block bloom (OR of the receipts' blooms). */
export async function receiptsRootAndBloom(receipts: TxReceipt[]): Promise<{ receiptsRoot: Hex; logsBloom: Hex }> {
  const trie = await createMPT({ useKeyHashingFunction: nativeKeccak256 });
  const bloom = new Bloom();
  for (let i = 0; i < receipts.length; i++) {
    const r = receipts[i]!;
    const bitvector = hexToBytes(r.logsBloom);
    bloom.or(new Bloom(bitvector));
    const encoded = encodeReceipt(
      {
        status: r.status,
        cumulativeBlockGasUsed: r.cumulativeGasUsed,
        bitvector,
        logs: r.logs.map((l) => [hexToBytes(l.address), l.topics.map((t) => hexToBytes(t)), hexToBytes(l.data)]),
      },
      r.type as never,
    );
    await trie.put(RLP.encode(i), encoded);
  }
  return { receiptsRoot: bytesToHex(trie.root()), logsBloom: bytesToHex(bloom.bitvector) };
}
