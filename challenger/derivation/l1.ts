/**
 * Reading batches from L1 alone: `BatchAppended` logs of the inbox, the calldata of each
 * appending transaction (`eth_getTransactionByHash`), decoded as `appendBatch(firstBlock,
 * lastBlock, data)`, then the shared derivation rule (`sequencer/codec/derive.ts`, D1).
 *
 * Data availability rule: a batch's bytes are readable only when the L1 transaction that emitted
 * the event is a direct call of `appendBatch` on the inbox (what the batcher, an EOA, sends) and
 * `keccak256(data)` equals the event's `dataHash`. Otherwise the data is treated as unavailable
 * and the batch is invalid, like undecodable data: D1 makes it empty blocks.
 */
import { decodeFunctionData, getAddress, keccak256, type AbiEvent, type Address, type Hex, type PublicClient } from 'viem';
import type { L2Header } from '../../sequencer/chain/header.ts';
import { deriveBlocks, type DerivedBlocks } from '../../sequencer/codec/derive.ts';
import { batchInboxAbi } from '../../sequencer/l1/contracts.ts';

/** One `BatchAppended` event with its calldata. */
export interface L1Batch {
  batchIndex: bigint;
  firstBlock: bigint;
  lastBlock: bigint;
  /** keccak256 of the batch bytes, from the event. */
  dataHash: Hex;
  l1Block: bigint;
  l1TxHash: Hex;
  /** The batch bytes, or null when unavailable (see module doc; `unavailable` says why). */
  data: Hex | null;
  unavailable?: string;
}

/** Largest L1 block range per `eth_getLogs` call. */
export const LOG_RANGE = 5_000n;

/** Reads the inbox's batches from L1. */
export class L1BatchReader {
  readonly publicClient: PublicClient;
  readonly inbox: Address;

  constructor(opts: { publicClient: PublicClient; inbox: Address }) {
    this.publicClient = opts.publicClient;
    this.inbox = getAddress(opts.inbox);
  }

  /**
   * Batches appended in L1 blocks `fromBlock..toBlock` (inclusive), in batch order, each with its
   * calldata fetched and checked against the event's `dataHash`.
   * @throws viem errors for RPC failures (callers retry).
   */
  async read(fromBlock: bigint, toBlock: bigint): Promise<L1Batch[]> {
    const event = batchInboxAbi().find((e) => e.type === 'event' && e.name === 'BatchAppended') as AbiEvent;
    const out: L1Batch[] = [];
    for (let from = fromBlock; from <= toBlock; from += LOG_RANGE) {
      const to = from + LOG_RANGE - 1n < toBlock ? from + LOG_RANGE - 1n : toBlock;
      const logs = await this.publicClient.getLogs({ address: this.inbox, event, fromBlock: from, toBlock: to });
      for (const log of logs) {
        const args = (log as unknown as { args: { batchIndex: bigint; firstBlock: bigint; lastBlock: bigint; dataHash: Hex } }).args;
        const base = {
          batchIndex: args.batchIndex,
          firstBlock: args.firstBlock,
          lastBlock: args.lastBlock,
          dataHash: args.dataHash,
          l1Block: log.blockNumber!,
          l1TxHash: log.transactionHash!,
        };
        out.push({ ...base, ...(await this.fetchData(base.l1TxHash, base.dataHash)) });
      }
    }
    out.sort((a, b) => (a.batchIndex < b.batchIndex ? -1 : a.batchIndex > b.batchIndex ? 1 : 0));
    return out;
  }

  private async fetchData(txHash: Hex, dataHash: Hex): Promise<{ data: Hex | null; unavailable?: string }> {
    const tx = await this.publicClient.getTransaction({ hash: txHash });
    if (tx.to == null || getAddress(tx.to) !== this.inbox) return { data: null, unavailable: 'L1 tx is not a direct call of the inbox' };
    let data: Hex;
    try {
      const call = decodeFunctionData({ abi: batchInboxAbi(), data: tx.input });
      if (call.functionName !== 'appendBatch') return { data: null, unavailable: `L1 tx calls ${call.functionName}` };
      data = (call.args as readonly [bigint, bigint, Hex])[2];
    } catch {
      return { data: null, unavailable: 'L1 tx input is not an appendBatch call' };
    }
    if (keccak256(data) !== dataHash) return { data: null, unavailable: 'calldata does not match the event dataHash' };
    return { data };
  }
}

/**
 * The derivation rule (D1) applied to an L1 batch on top of the derived head: its decoded blocks,
 * or empty blocks when the data is invalid or unavailable.
 * @throws ParallaxError `DERIVATION_GAP` when the batch does not continue at `head.number + 1`.
 */
export function deriveFromHead(batch: L1Batch, head: L2Header): DerivedBlocks {
  return deriveBlocks(batch, { expectedFirstBlock: head.number + 1n, parentTimestamp: head.timestamp }, `data unavailable: ${batch.unavailable}`);
}
