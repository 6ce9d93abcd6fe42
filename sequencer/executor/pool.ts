/**
 * A pool of executor worker threads, kept alive across blocks (spawning one and loading state
 * costs seconds; see ../shared/NOTES.md).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Hex } from 'viem';
import type { GroupResult, RecoverResult, RunMsg, WorkerRequest, WorkerResponse } from './protocol.ts';
import type { TxReceipt } from './types.ts';

type Reply = Exclude<WorkerResponse, { type: 'ready' } | { type: 'error' }>;
type Request = Exclude<WorkerRequest, { type: 'init' }> extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>;
  dead?: Error;
}

export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private nextId = 1;

  /**
   * @param dbPath state database file the workers open read-only.
   * @param size number of workers (default: available parallelism).
   */
  constructor(dbPath: string, chainId: bigint, size = availableParallelism()) {
    this.size = Math.max(1, size);
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn(dbPath, chainId));
  }

  private spawn(dbPath: string, chainId: bigint): Slot {
    const worker = new Worker(new URL('./worker.ts', import.meta.url));
    worker.unref();
    const slot: Slot = { worker, ready: Promise.resolve(), pending: new Map() };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.once('message', (m: WorkerResponse) => (m.type === 'ready' ? resolve() : reject(new Error('worker init failed'))));
      worker.once('error', reject);
    });
    slot.ready.catch(() => {});
    worker.on('message', (m: WorkerResponse) => {
      if (m.type === 'ready') return;
      const p = slot.pending.get(m.id);
      if (p === undefined) return;
      slot.pending.delete(m.id);
      if (m.type === 'error') p.reject(new Error(`executor worker: ${m.message}`));
      else p.resolve(m);
    });
    const fail = (err: Error) => {
      slot.dead = err;
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`executor worker exited with code ${code}`)));
    worker.postMessage({ type: 'init', dbPath, chainId });
    return slot;
  }

  /** True when every worker is alive. */
  get healthy(): boolean {
    return this.slots.every((s) => s.dead === undefined);
  }

  /** Sends one request to worker `i` and waits for its reply. */
  private async request(i: number, msg: Request): Promise<Reply> {
    const slot = this.slots[i % this.slots.length]!;
    if (slot.dead !== undefined) throw slot.dead;
    await slot.ready;
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...msg, id });
    });
  }

  /**
   * Runs one group job per worker (`jobs[i]` on worker i; empty jobs are skipped).
   * @throws Error if a worker fails or dies.
   */
  async runAll(jobs: Array<Omit<RunMsg, 'type' | 'id'> | undefined>): Promise<GroupResult[][]> {
    return Promise.all(
      jobs.map(async (job, i) => {
        if (job === undefined || job.groups.length === 0) return [];
        const r = await this.request(i, { type: 'run', ...job });
        return r.type === 'result' ? r.groups : [];
      }),
    );
  }

  /** Decodes `raws` and recovers their senders, split in contiguous chunks over the workers. */
  async recover(raws: Uint8Array[]): Promise<RecoverResult> {
    const chunk = Math.ceil(raws.length / this.size);
    const parts = await Promise.all(
      Array.from({ length: this.size }, async (_, i) => {
        const slice = raws.slice(i * chunk, (i + 1) * chunk);
        if (slice.length === 0) return { pubkeys: [], gasLimits: [], features: [] };
        const r = await this.request(i, { type: 'recover', raws: slice });
        return r.type === 'recovered' ? r.result : { pubkeys: [], gasLimits: [], features: [] };
      }),
    );
    return { pubkeys: parts.flatMap((p) => p.pubkeys), gasLimits: parts.flatMap((p) => p.gasLimits), features: parts.flatMap((p) => p.features) };
  }

  /** Receipts root and block bloom, computed on worker 0 (overlaps the main thread's state root). */
  async receiptsRoot(receipts: TxReceipt[]): Promise<{ receiptsRoot: Hex; logsBloom: Hex }> {
    const r = await this.request(0, { type: 'receipts', receipts });
    if (r.type !== 'receipts') throw new Error('executor worker: unexpected reply');
    return { receiptsRoot: r.receiptsRoot, logsBloom: r.logsBloom };
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
