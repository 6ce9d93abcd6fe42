/**
 * The batcher: posts sealed L2 blocks to L1 as batches (`BatchInbox.appendBatch`), the data
 * availability half of the rollup (OP Stack: op-batcher).
 *
 * It is stateless: every {@link Batcher.tick} asks the inbox which L2 block comes next
 * (`nextBlock()`), so after a restart, a crash between send and receipt, or a second batcher
 * instance, it continues exactly where L1 stands. The contract enforces contiguity
 * (`NonContiguousBatch`), so a duplicate send fails instead of double-posting.
 */
import { randomBytes } from 'node:crypto';
import { bytesToHex, encodeFunctionData, parseEventLogs, type Address, type Hex, type PublicClient, type TransactionReceipt, type WalletClient } from 'viem';
import type { L2ChainReader } from '../chain/reader.ts';
import { type BatchBlock, type BatchCompression, encodeBatch, MAX_DECOMPRESSED_BYTES, rlpSizeBound } from '../codec/batch.ts';
import { ParallaxError } from '../errors.ts';
import { batchInboxAbi } from '../l1/contracts.ts';
import { sendWithFeeBump } from '../l1/send.ts';
import type { BatchChecker, CheckVerdict } from './check.ts';
import { consoleLogger, type Logger } from './log.ts';
import { PollLoop } from './loop.ts';

/** Options of {@link Batcher}. */
export interface BatcherOptions {
  /** The sequencer's sealed chain. */
  chain: L2ChainReader;
  /** L1 client (reads, receipts). */
  publicClient: PublicClient;
  /** L1 wallet with `account` = the inbox's sequencer (dev account #1). */
  walletClient: WalletClient;
  /** `BatchInbox` address. */
  inbox: Address;
  /** Most L2 blocks in one batch (default 64). */
  maxBlocksPerBatch?: number;
  /**
   * Largest batch `data`, bytes (default 120,000: under geth's 128 KiB transaction size limit
   * with room for the call's ABI encoding and signature).
   */
  maxBatchBytes?: number;
  /** Wait between ticks of the {@link Batcher.start} loop, ms (default 1,000). */
  minIntervalMs?: number;
  /** Batch compression (default: the codec's default, brotli). */
  compression?: BatchCompression;
  /**
   * Checks every posted batch with the derivation rule and applies D1 when it does not derive
   * (see `check.ts`); the post and the check run under the checker's lock.
   */
  checker?: BatchChecker;
  /** Runs the reading of the blocks to post without block production or rewrites in between. */
  exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
  /**
   * Fault drill `FAULT_GARBAGE_BATCH`: for the batch that gets this inbox index, post random
   * bytes (first byte 0xff, no valid version) of the real data's length instead of the data, with
   * the right block range. One-shot.
   */
  faultGarbageBatch?: bigint;
  /** Wait for the `appendBatch` receipt before resending it with bumped fees, ms (default 30,000). */
  stuckAfterMs?: number;
  logger?: Logger;
}

/** A batch the batcher landed on L1. */
export interface PostedBatch {
  /** Index in the inbox (from the `BatchAppended` event). */
  batchIndex: bigint;
  /** Inclusive L2 block range. */
  firstBlock: bigint;
  lastBlock: bigint;
  /** Uncompressed RLP payload, bytes. */
  rawBytes: number;
  /** Batch data posted (header + compressed payload), bytes. */
  compressedBytes: number;
  l1TxHash: Hex;
  /** L1 gas used by the `appendBatch` transaction. */
  gasUsed: bigint;
  /** True when the fault drill posted garbage instead of the data. */
  garbage?: boolean;
  /** The post-check's verdict (when a checker is set). */
  check?: CheckVerdict;
}

export class Batcher {
  readonly chain: L2ChainReader;
  readonly publicClient: PublicClient;
  readonly walletClient: WalletClient;
  readonly inbox: Address;
  readonly maxBlocksPerBatch: number;
  readonly maxBatchBytes: number;
  readonly minIntervalMs: number;
  readonly compression: BatchCompression | undefined;
  readonly logger: Logger;
  readonly checker: BatchChecker | undefined;
  readonly stuckAfterMs: number;
  private readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
  private faultGarbageBatch: bigint | undefined;
  private readonly loop: PollLoop;
  /** True when the last tick left sealed blocks unposted (hit a size or count limit). */
  private backlog = false;

  /** @throws ParallaxError `BAD_CONFIG` for non-positive limits or a wallet without account. */
  constructor(opts: BatcherOptions) {
    this.chain = opts.chain;
    this.publicClient = opts.publicClient;
    this.walletClient = opts.walletClient;
    this.inbox = opts.inbox;
    this.maxBlocksPerBatch = opts.maxBlocksPerBatch ?? 64;
    this.maxBatchBytes = opts.maxBatchBytes ?? 120_000;
    this.minIntervalMs = opts.minIntervalMs ?? 1_000;
    this.compression = opts.compression;
    this.logger = opts.logger ?? consoleLogger('batcher');
    this.checker = opts.checker;
    this.exclusive = opts.exclusive ?? ((fn) => fn());
    this.faultGarbageBatch = opts.faultGarbageBatch;
    this.stuckAfterMs = opts.stuckAfterMs ?? 30_000;
    if (!(this.maxBlocksPerBatch >= 1) || !(this.maxBatchBytes >= 3)) {
      throw new ParallaxError('BAD_CONFIG', 'batcher: maxBlocksPerBatch must be >= 1 and maxBatchBytes >= 3');
    }
    if (this.walletClient.account === undefined) throw new ParallaxError('BAD_CONFIG', 'batcher: walletClient has no account');
    this.loop = new PollLoop('batcher', async () => (await this.tick()) !== null && this.backlog, this.minIntervalMs, this.logger);
  }

  /**
   * Posts at most one batch: the sealed blocks from the inbox's `nextBlock()` up to the L2 head,
   * at most `maxBlocksPerBatch` of them and at most `MAX_DECOMPRESSED_BYTES` of uncompressed
   * payload, shrunk until the encoded data fits `maxBatchBytes`.
   * Waits for the L1 receipt.
   *
   * @returns the posted batch, or null when every sealed block is already on L1.
   * @throws ParallaxError `MISSING_BLOCK` when the chain lacks a header it reports as sealed;
   *   `BATCH_TOO_LARGE` when a single block does not fit `maxBatchBytes`; `BATCH_REVERTED` when
   *   the L1 transaction reverted; viem errors for RPC failures and failed gas estimation (e.g.
   *   the inbox's `NotSequencer` / `NonContiguousBatch`).
   *   With a checker, the batch is checked right after its receipt and D1 applied (see
   *   `check.ts`) before the checker's lock is released.
   */
  async tick(): Promise<PostedBatch | null> {
    if (this.checker === undefined) return this.postOne();
    return this.checker.withLock(() => this.postOne());
  }

  private async postOne(): Promise<PostedBatch | null> {
    this.backlog = false;
    const abi = batchInboxAbi();
    const next = (await this.publicClient.readContract({ address: this.inbox, abi, functionName: 'nextBlock' })) as bigint;
    const built = await this.exclusive(async () => this.build(next));
    if (built === null) return null;
    const { enc, count, lastBlock } = built;

    let data = enc.data;
    let garbage = false;
    if (this.faultGarbageBatch !== undefined) {
      const index = (await this.publicClient.readContract({ address: this.inbox, abi, functionName: 'batchCount' })) as bigint;
      if (index === this.faultGarbageBatch) {
        garbage = true;
        data = new Uint8Array(randomBytes(Math.max(enc.data.length, 3)));
        data[0] = 0xff;
        this.logger.error('FAULT DRILL: posting GARBAGE instead of the batch data (right range)', { batchIndex: index, firstBlock: next, lastBlock, bytes: data.length });
      }
    }

    const account = this.walletClient.account!;
    const call = { address: this.inbox, abi, functionName: 'appendBatch', args: [next, lastBlock, bytesToHex(data)] } as const;
    // Gas estimation throws the inbox's revert (NotSequencer / NonContiguousBatch) before sending.
    const gas = await this.publicClient.estimateContractGas({ ...call, account });
    let receipt: TransactionReceipt;
    try {
      ({ receipt } = await sendWithFeeBump({
        walletClient: this.walletClient,
        publicClient: this.publicClient,
        request: { to: this.inbox, data: encodeFunctionData(call), gas },
        stuckAfterMs: this.stuckAfterMs,
        logger: this.logger,
      }));
    } catch (err) {
      if (err instanceof ParallaxError && err.code === 'L1_TX_REVERTED') {
        const reverted = (err.data as { receipt: TransactionReceipt }).receipt.transactionHash;
        throw new ParallaxError('BATCH_REVERTED', `batcher: appendBatch ${next}..${lastBlock} reverted (L1 tx ${reverted})`);
      }
      throw err;
    }
    const hash = receipt.transactionHash;
    if (garbage) this.faultGarbageBatch = undefined; // one-shot
    const [ev] = parseEventLogs({ abi, logs: receipt.logs, eventName: 'BatchAppended' }) as unknown as Array<{ args: { batchIndex: bigint } }>;
    if (ev === undefined) throw new ParallaxError('BATCH_REVERTED', `batcher: no BatchAppended event in L1 tx ${hash}`);
    const posted: PostedBatch = {
      batchIndex: ev.args.batchIndex,
      firstBlock: next,
      lastBlock,
      rawBytes: enc.rawBytes,
      compressedBytes: data.length,
      l1TxHash: hash,
      gasUsed: receipt.gasUsed,
      ...(garbage ? { garbage } : {}),
    };
    this.logger.info('batch posted', { ...posted, blocks: count, l1Block: receipt.blockNumber });
    if (this.checker !== undefined) posted.check = await this.checker.checkPosted(posted.batchIndex, next, lastBlock, data);
    return posted;
  }

  /** Encodes the sealed blocks from `next` on (limits as {@link tick} says), or null when none. */
  private build(next: bigint): { enc: ReturnType<typeof encodeBatch>; count: number; lastBlock: bigint } | null {
    const head = this.chain.headNumber();
    if (head < next) return null;
    let count = Number(head - next + 1n < BigInt(this.maxBlocksPerBatch) ? head - next + 1n : BigInt(this.maxBlocksPerBatch));

    const blocks: BatchBlock[] = [];
    const base = rlpSizeBound([]);
    let bound = base;
    for (let i = 0; i < count; i++) {
      const n = next + BigInt(i);
      const h = this.chain.header(n);
      if (h === undefined) throw new ParallaxError('MISSING_BLOCK', `batcher: L2 block ${n} is not in the chain (head ${head})`);
      const block = { number: n, timestamp: h.timestamp, txs: this.chain.txs(n) };
      // Readers reject payloads over MAX_DECOMPRESSED_BYTES however well they compress.
      bound += rlpSizeBound([block]) - base;
      if (i > 0 && bound > MAX_DECOMPRESSED_BYTES) break;
      blocks.push(block);
    }
    count = blocks.length;
    let enc = encodeBatch(blocks, { compression: this.compression });
    while (enc.data.length > this.maxBatchBytes) {
      if (count === 1) {
        throw new ParallaxError('BATCH_TOO_LARGE', `batcher: L2 block ${next} alone encodes to ${enc.data.length} bytes > maxBatchBytes ${this.maxBatchBytes}`);
      }
      // Shrink proportionally (compression is roughly linear), at least by one block.
      count = Math.max(1, Math.min(count - 1, Math.floor((count * this.maxBatchBytes) / enc.data.length)));
      enc = encodeBatch(blocks.slice(0, count), { compression: this.compression });
    }
    const lastBlock = next + BigInt(count - 1);
    this.backlog = lastBlock < head;
    return { enc, count, lastBlock };
  }

  /**
   * Runs {@link tick} every `minIntervalMs` (immediately again while a backlog remains); errors
   * are logged and retried with backoff, never thrown.
   */
  start(): void {
    this.loop.start();
  }

  /** Stops the loop, waiting for a tick in progress (and its receipt). */
  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
