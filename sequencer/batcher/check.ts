/**
 * The sequencer's own check of what it posted (docs/dispute-game.md, rule D1): the L1 data of a
 * batch, not the local blocks, defines the L2 chain. After posting, the batcher decodes exactly
 * the bytes it sent with the shared derivation rule (`deriveBlocks`); when they do not derive
 * (undecodable, wrong range or timestamps) the node replaces the batch's range by D1's empty
 * blocks (`SequencerNode.replaceWithEmpty`) *before* the proposer may propose that batch.
 *
 * Ordering: the batcher holds {@link BatchChecker.withLock} from before it sends `appendBatch`
 * until the check is done; the proposer calls {@link BatchChecker.ensureChecked} under the same
 * lock before proposing batch `i`. A batch this process did not post (posted before a restart)
 * is checked from its L1 calldata instead.
 */
import { decodeFunctionData, getAddress, keccak256, type AbiEvent, type Address, type Hex, type PublicClient } from 'viem';
import type { L2ChainReader } from '../chain/reader.ts';
import { deriveBlocks } from '../codec/derive.ts';
import { ParallaxError } from '../errors.ts';
import { batchInboxAbi } from '../l1/contracts.ts';
import { consoleLogger, type Logger } from './log.ts';

/** Options of {@link BatchChecker}. */
export interface BatchCheckerOptions {
  publicClient: PublicClient;
  /** `BatchInbox` address. */
  inbox: Address;
  /** The sequencer's chain (parent timestamps). */
  chain: L2ChainReader;
  /** Applies rule D1 to `first..last` (the node's `replaceWithEmpty`). */
  replaceWithEmpty: (first: bigint, last: bigint) => Promise<unknown>;
  /** L1 block to scan `BatchAppended` logs from (the inbox deployment block; default 0). */
  fromBlock?: bigint;
  logger?: Logger;
}

/** Result of one check. */
export type CheckVerdict = { valid: true } | { valid: false; reason: string };

export class BatchChecker {
  private readonly o: BatchCheckerOptions;
  private readonly logger: Logger;
  private readonly checked = new Set<bigint>();
  private lock: Promise<void> = Promise.resolve();

  constructor(opts: BatchCheckerOptions) {
    this.o = opts;
    this.logger = opts.logger ?? consoleLogger('batch-check');
  }

  /** Runs `fn` holding the checker's lock (one holder at a time, FIFO). */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.lock;
    let release!: () => void;
    this.lock = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Whether batch `index` was checked (and D1 applied if needed) by this process. */
  isChecked(index: bigint): boolean {
    return this.checked.has(index);
  }

  /**
   * Checks batch `index` as posted (`data` = the exact bytes sent) and applies D1 when it does
   * not derive. Call it holding the lock.
   * @returns the verdict.
   * @throws whatever `replaceWithEmpty` throws (the batch then stays unchecked).
   */
  async checkPosted(index: bigint, firstBlock: bigint, lastBlock: bigint, data: Hex | Uint8Array | null): Promise<CheckVerdict> {
    const parent = this.o.chain.header(firstBlock - 1n);
    if (parent === undefined) throw new ParallaxError('MISSING_BLOCK', `batch check: parent block ${firstBlock - 1n} of batch ${index} is not in the chain`);
    const derived = deriveBlocks({ firstBlock, lastBlock, data }, { expectedFirstBlock: firstBlock, parentTimestamp: parent.timestamp });
    if (derived.invalid === null) {
      this.checked.add(index);
      return { valid: true };
    }
    const reason = `${derived.invalid.reason}: ${derived.invalid.message}`;
    this.logger.warn('posted batch does not derive: applying rule D1 (empty blocks) before proposing it', {
      batchIndex: index,
      firstBlock,
      lastBlock,
      reason,
    });
    await this.o.replaceWithEmpty(firstBlock, lastBlock);
    this.checked.add(index);
    return { valid: false, reason };
  }

  /**
   * Makes sure batch `index` was checked: when this process did not post it, reads its
   * `BatchAppended` event and calldata from L1 and checks them. Takes the lock itself.
   * @throws viem errors for RPC failures; ParallaxError `BATCH_NOT_FOUND` when L1 has no event.
   */
  async ensureChecked(index: bigint): Promise<void> {
    if (this.checked.has(index)) return;
    await this.withLock(async () => {
      if (this.checked.has(index)) return;
      const b = await this.readBatch(index);
      await this.checkPosted(index, b.firstBlock, b.lastBlock, b.data);
    });
  }

  /** Event range and data (null when unavailable, as the derivation's data availability rule says). */
  private async readBatch(index: bigint): Promise<{ firstBlock: bigint; lastBlock: bigint; data: Hex | null }> {
    const event = batchInboxAbi().find((e) => e.type === 'event' && e.name === 'BatchAppended') as AbiEvent;
    const logs = await this.o.publicClient.getLogs({
      address: this.o.inbox,
      event,
      args: { batchIndex: index },
      fromBlock: this.o.fromBlock ?? 0n,
      toBlock: 'latest',
    } as Parameters<PublicClient['getLogs']>[0]);
    const log = logs[0] as unknown as { args: { firstBlock: bigint; lastBlock: bigint; dataHash: Hex }; transactionHash: Hex } | undefined;
    if (log === undefined) throw new ParallaxError('BATCH_NOT_FOUND', `batch check: no BatchAppended event for batch ${index}`);
    const { firstBlock, lastBlock, dataHash } = log.args;
    const tx = await this.o.publicClient.getTransaction({ hash: log.transactionHash });
    let data: Hex | null = null;
    if (tx.to != null && getAddress(tx.to) === getAddress(this.o.inbox)) {
      try {
        const call = decodeFunctionData({ abi: batchInboxAbi(), data: tx.input });
        if (call.functionName === 'appendBatch') data = (call.args as readonly [bigint, bigint, Hex])[2];
      } catch {
        data = null;
      }
    }
    if (data !== null && keccak256(data) !== dataHash) data = null;
    return { firstBlock, lastBlock, data };
  }
}
