/**
 * Sends pre-signed transactions and times them as a client sees them.
 *
 * - Sending: one lane per account sends its txs in nonce order (each `eth_sendRawTransaction`
 *   awaited before the next, so a node never sees a nonce gap); all lanes run concurrently, at
 *   most `concurrency` requests in flight overall, and a lane keeps at most `maxPendingPerAccount`
 *   of its txs unincluded (the L2 mempool caps a sender at 64). "Pool full" answers are retried.
 * - Receipts: a watcher polls `eth_blockNumber` every `pollMs` and reads each new block's tx
 *   hashes (`eth_getBlockByNumber`); a tx's receipt time is when the watcher saw its block, so
 *   latencies include up to one poll interval. Statuses are read with `eth_getTransactionReceipt`
 *   after the timing ends.
 */
import type { Hex, PublicClient } from 'viem';
import type { SignedTransfer } from './setup.ts';

/** What happened to one tx; times are `performance.now()` ms. */
export interface TxTiming {
  sendAt?: number;
  ackAt?: number;
  includedAt?: number;
  block?: bigint;
  status?: 'success' | 'reverted';
  error?: string;
}

export interface LoadRun {
  timings: TxTiming[];
  firstSendAt: number;
  lastAckAt: number;
  lastIncludedAt: number;
  /** Txs per block, for the blocks holding load txs. */
  blocks: Map<bigint, number>;
}

export interface SendOptions {
  concurrency: number;
  /** Milliseconds to wait for inclusions after the last acknowledged send. */
  timeoutMs: number;
  pollMs?: number;
  maxPendingPerAccount?: number;
}

/** Rejections worth retrying after a pause (geth / parallax wording). */
const RETRYABLE = /account limit exceeded|txpool is full|too many requests/i;
/** The node already has the tx (a retried send that had landed): counts as accepted. */
const ALREADY = /already known|known transaction/i;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function message(e: unknown): string {
  const err = e as { details?: string; shortMessage?: string; message?: string };
  return (err.details ?? err.shortMessage ?? err.message ?? String(e)).split('\n')[0]!;
}

/** A counting semaphore. */
class Semaphore {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(n: number) {
    this.free = n;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * Sends `txs` (grouped per account by `byAccount`, each list in nonce order) to `client`'s node
 * and waits for them in blocks. Never throws for a single tx: see `TxTiming.error`.
 */
export async function sendLoad(client: PublicClient, txs: SignedTransfer[], byAccount: number[][], opts: SendOptions): Promise<LoadRun> {
  const pollMs = opts.pollMs ?? 50;
  const maxPending = opts.maxPendingPerAccount ?? 48;
  const timings: TxTiming[] = txs.map(() => ({}));
  const index = new Map<Hex, number>(txs.map((t, i) => [t.hash, i]));
  const blocks = new Map<bigint, number>();
  let included = 0;
  let lastIncludedAt = 0;

  // --- block watcher
  let head = BigInt(await client.request({ method: 'eth_blockNumber' }));
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      try {
        const n = BigInt(await client.request({ method: 'eth_blockNumber' }));
        for (let b = head + 1n; b <= n; b++) {
          const block = (await client.request({ method: 'eth_getBlockByNumber', params: [`0x${b.toString(16)}`, false] })) as { transactions: Hex[] } | null;
          if (block === null) break;
          const now = performance.now();
          for (const h of block.transactions) {
            const i = index.get(h);
            if (i === undefined || timings[i]!.includedAt !== undefined) continue;
            timings[i]!.includedAt = now;
            timings[i]!.block = b;
            blocks.set(b, (blocks.get(b) ?? 0) + 1);
            included++;
            lastIncludedAt = now;
          }
          head = b;
        }
      } catch {
        // a failed poll is retried on the next tick
      }
      await sleep(pollMs);
    }
  })();

  // --- senders
  const sem = new Semaphore(opts.concurrency);
  let firstSendAt = Infinity;
  let lastAckAt = 0;
  const lane = async (list: number[]): Promise<void> => {
    for (let k = 0; k < list.length; k++) {
      const old = list[k - maxPending];
      const waitUntil = performance.now() + opts.timeoutMs;
      while (old !== undefined && timings[old]!.includedAt === undefined && performance.now() < waitUntil) await sleep(pollMs);
      if (old !== undefined && timings[old]!.includedAt === undefined) {
        for (const j of list.slice(k)) timings[j]!.error = `not sent: ${maxPending} earlier txs of this account still unincluded after ${opts.timeoutMs / 1000} s`;
        return;
      }
      const i = list[k]!;
      const t = timings[i]!;
      for (;;) {
        await sem.acquire();
        t.sendAt ??= performance.now();
        firstSendAt = Math.min(firstSendAt, t.sendAt);
        try {
          await client.request({ method: 'eth_sendRawTransaction', params: [txs[i]!.raw] });
          t.ackAt = performance.now();
        } catch (e) {
          const msg = message(e);
          if (ALREADY.test(msg)) t.ackAt = performance.now();
          else if (!RETRYABLE.test(msg)) t.error = `send rejected: ${msg}`;
        } finally {
          sem.release();
        }
        if (t.ackAt !== undefined || t.error !== undefined) break;
        await sleep(100);
      }
      if (t.error !== undefined) {
        for (const j of list.slice(k + 1)) timings[j]!.error = 'not sent: an earlier tx of this account was rejected';
        return;
      }
      lastAckAt = Math.max(lastAckAt, t.ackAt!);
    }
  };
  await Promise.all(byAccount.map(lane));

  const accepted = timings.filter((t) => t.ackAt !== undefined).length;
  const deadline = performance.now() + opts.timeoutMs;
  while (included < accepted && performance.now() < deadline) await sleep(pollMs);
  watching = false;
  await watcher;

  // --- statuses (untimed)
  const todo = timings.flatMap((t, i) => (t.includedAt !== undefined ? [i] : []));
  for (let k = 0; k < todo.length; k += 32) {
    await Promise.all(
      todo.slice(k, k + 32).map(async (i) => {
        const r = (await client.request({ method: 'eth_getTransactionReceipt', params: [txs[i]!.hash] })) as { status: Hex } | null;
        timings[i]!.status = r?.status === '0x1' ? 'success' : 'reverted';
      }),
    );
  }
  for (const t of timings) if (t.ackAt !== undefined && t.includedAt === undefined) t.error ??= `no receipt within ${opts.timeoutMs / 1000} s of the last send`;
  return { timings, firstSendAt: Number.isFinite(firstSendAt) ? firstSendAt : 0, lastAckAt, lastIncludedAt, blocks };
}

/** Figures of one target's run. Rates in tx/s, latencies in ms. */
export interface LoadFigures {
  txs: number;
  accepted: number;
  /** Included with status 1. */
  executed: number;
  reverted: number;
  failed: number;
  acceptedPerSecond: number;
  executedPerSecond: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  latencyMaxMs: number | null;
  blocks: number;
  maxTxsPerBlock: number;
  /** Seconds from the first send to the last ack / to the last inclusion seen. */
  sendSeconds: number;
  totalSeconds: number;
  firstErrors: string[];
}

/** Nearest-rank percentile of sorted `xs` (p in 0..100). */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function loadFigures(run: LoadRun): LoadFigures {
  const t = run.timings;
  const accepted = t.filter((x) => x.ackAt !== undefined).length;
  const executed = t.filter((x) => x.status === 'success').length;
  const lat = t.flatMap((x) => (x.status === 'success' && x.sendAt !== undefined ? [x.includedAt! - x.sendAt] : [])).sort((a, b) => a - b);
  const sendSeconds = (run.lastAckAt - run.firstSendAt) / 1000;
  const totalSeconds = (run.lastIncludedAt - run.firstSendAt) / 1000;
  return {
    txs: t.length,
    accepted,
    executed,
    reverted: t.filter((x) => x.status === 'reverted').length,
    failed: t.filter((x) => x.error !== undefined).length,
    acceptedPerSecond: sendSeconds > 0 ? accepted / sendSeconds : 0,
    executedPerSecond: totalSeconds > 0 ? executed / totalSeconds : 0,
    latencyP50Ms: percentile(lat, 50),
    latencyP99Ms: percentile(lat, 99),
    latencyMaxMs: lat.at(-1) ?? null,
    blocks: run.blocks.size,
    maxTxsPerBlock: Math.max(0, ...run.blocks.values()),
    sendSeconds,
    totalSeconds,
    firstErrors: [...new Set(t.flatMap((x) => (x.error ? [x.error] : [])))].slice(0, 3),
  };
}
