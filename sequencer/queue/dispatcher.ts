/**
 * The sequencer's side of scale-out mode: instead of posting, it **enqueues** (every `intervalMs`):
 *
 * 1. `parallax:batches`: the range from the inbox's `nextBlock()` to the sealed head (at most
 *    `maxBlocksPerBatch` blocks), job id `batch-<tag>-<nextBlock>`;
 * 2. `parallax:outputs`: for every batch in the inbox without an output (from the oracle's
 *    `nextBatchIndex()`), once the node checked the batch's L1 data (rule D1 applied locally by
 *    the `BatchChecker`, as in embedded mode), job id `output-<tag>-<batchIndex>`;
 * 3. `parallax:verify`: for every proposed output, job id `verify-<tag>-<batchIndex>-<root>`.
 *
 * The defender (dispute games, rollback on `OutputsDeleted`) stays in the sequencer process: it
 * needs the node. `tag` = the first 8 hex digits of the hash of the L1 block that deployed the
 * contracts. The addresses are published under Redis key `parallax:addresses` for the workers.
 */
import type { Address, PublicClient } from 'viem';
import type { BatchChecker } from '../batcher/check.ts';
import { silentLogger, type Logger } from '../batcher/log.ts';
import { PollLoop } from '../batcher/loop.ts';
import type { L2ChainReader } from '../chain/reader.ts';
import { batchInboxAbi, outputOracleAbi, type RollupAddresses } from '../l1/contracts.ts';
import type { Defender } from '../proposer/defender.ts';
import { ADDRESSES_KEY, enqueueOnce, jobIds, type Queues, type RetryPolicy } from './queues.ts';

/** Options of {@link QueueDispatcher}. */
export interface DispatcherOptions {
  queues: Queues;
  chain: L2ChainReader;
  publicClient: PublicClient;
  addresses: RollupAddresses;
  policy: RetryPolicy;
  /** Most L2 blocks per batch job (default 64). */
  maxBlocksPerBatch?: number;
  /** Gate outputs on the node's own check of the batch data (rule D1). */
  checker?: BatchChecker;
  /** Plays games / rolls back before outputs are enqueued (as the embedded proposer does). */
  defender?: Defender;
  /** ms between rounds (default 1,000). */
  intervalMs?: number;
  logger?: Logger;
}

/** Jobs one {@link QueueDispatcher.tick} added (ids). */
export interface DispatchRound {
  batches: string[];
  outputs: string[];
  verify: string[];
}

export class QueueDispatcher {
  private readonly o: DispatcherOptions;
  private readonly logger: Logger;
  private readonly loop: PollLoop;
  private tag: string | undefined;
  private verifyCursor = 0n;

  constructor(opts: DispatcherOptions) {
    this.o = opts;
    this.logger = opts.logger ?? silentLogger;
    this.loop = new PollLoop('queue-dispatcher', async () => (await this.tick()).batches.length > 0, opts.intervalMs ?? 1_000, this.logger);
  }

  private read<T>(address: Address, fn: string, args: readonly unknown[] = [], abi = batchInboxAbi()): Promise<T> {
    return this.o.publicClient.readContract({ address, abi, functionName: fn, args }) as Promise<T>;
  }

  /** The deployment tag of the job ids (reads L1 once). */
  async deploymentTag(): Promise<string> {
    if (this.tag === undefined) {
      const b = await this.o.publicClient.getBlock({ blockNumber: this.o.addresses.deployedAtBlock });
      this.tag = b.hash!.slice(2, 10);
      const a = this.o.addresses;
      await this.o.queues.connection.set(
        ADDRESSES_KEY,
        JSON.stringify({ ...a, deployedAtBlock: a.deployedAtBlock.toString(10) }),
      );
    }
    return this.tag;
  }

  /** One round (see module doc). @throws viem/Redis errors (the loop retries with backoff). */
  async tick(): Promise<DispatchRound> {
    const { queues, policy, addresses: a } = this.o;
    const tag = await this.deploymentTag();
    const round: DispatchRound = { batches: [], outputs: [], verify: [] };
    const oabi = outputOracleAbi();

    const next = await this.read<bigint>(a.batchInbox, 'nextBlock');
    const head = this.o.chain.headNumber();
    if (head >= next) {
      const max = BigInt(this.o.maxBlocksPerBatch ?? 64);
      const last = head - next + 1n > max ? next + max - 1n : head;
      const id = jobIds.batch(tag, next);
      const r = await enqueueOnce(queues.batches, id, { firstBlock: next.toString(), lastBlock: last.toString(), inbox: a.batchInbox }, policy, async () =>
        (await this.read<bigint>(a.batchInbox, 'nextBlock')) === next,
      );
      if (r !== 'exists') round.batches.push(id);
    }

    let index = await this.read<bigint>(a.outputOracle, 'nextBatchIndex', [], oabi);
    if (this.o.defender !== undefined) await this.o.defender.tick();
    const count = await this.read<bigint>(a.batchInbox, 'batchCount');
    for (let n = 0; index < count && n < 64; index++, n++) {
      if (this.o.checker !== undefined) await this.o.checker.ensureChecked(index);
      const batch = await this.read<{ lastBlock: bigint }>(a.batchInbox, 'getBatch', [index]);
      const id = jobIds.output(tag, index);
      const i = index;
      const r = await enqueueOnce(queues.outputs, id, { batchIndex: i.toString(), lastBlock: batch.lastBlock.toString(), oracle: a.outputOracle }, policy, async () =>
        (await this.read<bigint>(a.outputOracle, 'nextBatchIndex', [], oabi)) <= i,
      );
      if (r !== 'exists') round.outputs.push(id);
    }

    const proposed = await this.read<bigint>(a.outputOracle, 'nextBatchIndex', [], oabi);
    if (this.verifyCursor > proposed) this.verifyCursor = proposed; // outputs deleted on L1
    for (; this.verifyCursor < proposed; this.verifyCursor++) {
      const i = this.verifyCursor;
      const out = await this.read<{ outputRoot: `0x${string}`; l2BlockNumber: bigint }>(a.outputOracle, 'getOutput', [i], oabi);
      const id = jobIds.verify(tag, i, out.outputRoot);
      const r = await enqueueOnce(queues.verify, id, { batchIndex: i.toString(), outputRoot: out.outputRoot, l2Block: out.l2BlockNumber.toString() }, policy);
      if (r !== 'exists') round.verify.push(id);
    }
    if (round.batches.length + round.outputs.length + round.verify.length > 0) this.logger.info('jobs enqueued', { ...round });
    return round;
  }

  /** Runs {@link tick} every `intervalMs` (errors logged, retried with backoff). */
  start(): void {
    this.loop.start();
  }

  /** Stops the loop, waiting for a round in progress. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
