/**
 * Scale-out mode (only when `REDIS_URL` is set): the BullMQ queues the sequencer enqueues to and
 * the `npm run worker -- batcher|proposer|challenger` processes consume.
 *
 * Redis keys: `parallax:batches:*`, `parallax:outputs:*`, `parallax:verify:*` (BullMQ prefix
 * `parallax`; BullMQ forbids `:` inside queue names and job ids, so ids use `-`).
 * Every job carries a deterministic `jobId` (see `jobIds`): BullMQ ignores an `add` whose id
 * exists, so a job is never done twice. Completed and failed jobs are kept (dedup needs the
 * completed ones; failed ones stay visible to `npm run worker -- status`).
 */
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { errMessage, type Logger } from '../batcher/log.ts';
import { ParallaxError } from '../errors.ts';

/** BullMQ key prefix: keys are `parallax:<queue>:...`. */
export const QUEUE_PREFIX = 'parallax';
/** Redis key holding the L1 addresses JSON (as `addresses.json`), written by the sequencer. */
export const ADDRESSES_KEY = `${QUEUE_PREFIX}:addresses`;

/** Queue names (full Redis names `parallax:batches`, ...). */
export const QUEUE_NAMES = { batches: 'batches', outputs: 'outputs', verify: 'verify' } as const;
export type QueueKind = keyof typeof QUEUE_NAMES;

/** Retry policy of every job: `attempts` tries, exponential backoff from `backoffMs` (ms). */
export interface RetryPolicy {
  attempts: number;
  /** ms before the 2nd attempt; doubled each further attempt (BullMQ `exponential`). */
  backoffMs: number;
}

/**
 * `QUEUE_ATTEMPTS` (default 8) and `QUEUE_BACKOFF_MS` (default 1000) from the environment.
 * @throws ParallaxError `BAD_CONFIG` for a value that is not a positive integer.
 */
export function retryPolicyFromEnv(env: Record<string, string | undefined> = process.env): RetryPolicy {
  const num = (name: string, def: number) => {
    const v = env[name];
    const n = v === undefined || v === '' ? def : Number(v);
    if (!Number.isInteger(n) || n < 1) throw new ParallaxError('BAD_CONFIG', `${name} must be a positive integer, got "${v}"`);
    return n;
  };
  return { attempts: num('QUEUE_ATTEMPTS', 8), backoffMs: num('QUEUE_BACKOFF_MS', 1000) };
}

/** Job options: deterministic id, retries with exponential backoff, completed and failed jobs kept. */
export function jobOptions(jobId: string, policy: RetryPolicy): JobsOptions {
  return {
    jobId,
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: false,
    removeOnFail: false,
  };
}

/**
 * Deterministic job ids. `tag` identifies the L1 deployment (first 8 hex digits of the hash of the
 * L1 block that deployed the contracts), so a fresh L1 (devnet restart) never collides with the
 * jobs of the previous one.
 */
export const jobIds = {
  /** The batch that starts at L2 block `firstBlock` (= the inbox's `nextBlock()` when enqueued). */
  batch: (tag: string, firstBlock: bigint) => `batch-${tag}-${firstBlock}`,
  /** The output of batch `batchIndex`. */
  output: (tag: string, batchIndex: bigint) => `output-${tag}-${batchIndex}`,
  /** The verdict on output `batchIndex` as proposed with `outputRoot` (a re-proposal is a new job). */
  verify: (tag: string, batchIndex: bigint, outputRoot: string) => `verify-${tag}-${batchIndex}-${outputRoot.slice(2, 18)}`,
};

/** A Redis connection usable by BullMQ Workers (`maxRetriesPerRequest: null`). Caller `quit()`s it. */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** The three queues on one connection the caller owns. */
export interface Queues {
  batches: Queue;
  outputs: Queue;
  verify: Queue;
  connection: Redis;
  /** Closes the queues and quits the connection. */
  close(): Promise<void>;
}

/** Opens the three queues on a new connection to `url`. */
export function openQueues(url: string): Queues {
  const connection = redisConnection(url);
  const mk = (name: string) => new Queue(name, { connection, prefix: QUEUE_PREFIX });
  const q = { batches: mk(QUEUE_NAMES.batches), outputs: mk(QUEUE_NAMES.outputs), verify: mk(QUEUE_NAMES.verify) };
  return {
    ...q,
    connection,
    async close() {
      await Promise.allSettled([q.batches.close(), q.outputs.close(), q.verify.close()]);
      await connection.quit().catch(() => undefined);
    },
  };
}

/**
 * Adds a job unless one with `jobId` exists (BullMQ dedup). When it exists and is completed but
 * `stillNeeded()` (read from L1 after seeing it completed) says its work is missing again (an
 * output deleted by a lost dispute game), the completed job is removed and the job re-added.
 * @returns `added`, `readded` or `exists`.
 */
export async function enqueueOnce(
  queue: Queue,
  jobId: string,
  data: Record<string, unknown>,
  policy: RetryPolicy,
  stillNeeded?: () => Promise<boolean>,
): Promise<'added' | 'readded' | 'exists'> {
  const existing = await queue.getJob(jobId);
  let result: 'added' | 'readded' = 'added';
  if (existing !== undefined) {
    if (stillNeeded === undefined || (await existing.getState()) !== 'completed' || !(await stillNeeded())) return 'exists';
    await existing.remove();
    result = 'readded';
  }
  await queue.add(jobId.split('-')[0]!, data, jobOptions(jobId, policy));
  return result;
}

/** A running BullMQ worker and its own connection. */
export interface QueueWorker {
  worker: Worker;
  /** Waits for the job in progress, closes the worker, quits its connection. */
  close(): Promise<void>;
}

/**
 * Consumes queue `kind` with `handler` (return value stored as the job's `returnvalue`; must be
 * JSON-safe; a throw is a failed attempt, retried per the job's backoff).
 */
export function startQueueWorker(
  url: string,
  kind: QueueKind,
  handler: (job: Job) => Promise<unknown>,
  opts: { concurrency?: number; logger?: Logger } = {},
): QueueWorker {
  const connection = redisConnection(url);
  const worker = new Worker(QUEUE_NAMES[kind], handler, { connection, prefix: QUEUE_PREFIX, concurrency: opts.concurrency ?? 1 });
  const logger = opts.logger;
  worker.on('failed', (job, err) => {
    const final = job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1);
    logger?.[final ? 'error' : 'warn'](final ? 'job failed for good (kept in the failed set)' : 'job attempt failed; retrying with backoff', {
      queue: kind,
      jobId: job?.id,
      attemptsMade: job?.attemptsMade,
      err: errMessage(err),
    });
  });
  worker.on('completed', (job) => logger?.info('job completed', { queue: kind, jobId: job.id }));
  worker.on('error', (err) => logger?.error('worker error', { queue: kind, err: errMessage(err) }));
  return {
    worker,
    async close() {
      await worker.close();
      await connection.quit().catch(() => undefined);
    },
  };
}

/** Job counts of one queue. */
export interface QueueCounts {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  /** The failed jobs (id, attempts, last error), at most 20. */
  failedJobs: Array<{ id: string; attemptsMade: number; failedReason: string }>;
}

/** Counts (and failed jobs) of the three queues. */
export async function queueStatus(queues: Queues): Promise<QueueCounts[]> {
  const out: QueueCounts[] = [];
  for (const q of [queues.batches, queues.outputs, queues.verify]) {
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    const failed = await q.getFailed(0, 19);
    out.push({
      queue: `${QUEUE_PREFIX}:${q.name}`,
      waiting: c.waiting ?? 0,
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
      failedJobs: failed.map((j) => ({ id: String(j.id), attemptsMade: j.attemptsMade, failedReason: j.failedReason })),
    });
  }
  return out;
}
