/**
 * A pool of executor worker threads, kept alive across blocks (spawning one and loading state
 * costs seconds; see ../shared/NOTES.md).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { GroupResult, RunMsg, WorkerResponse } from './protocol.ts';

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, { resolve: (g: GroupResult[]) => void; reject: (e: Error) => void }>;
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
      if (m.type === 'result') p.resolve(m.groups);
      else p.reject(new Error(`executor worker: ${m.message}`));
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

  /**
   * Runs one request per worker (`jobs[i]` on worker i; empty jobs are skipped).
   * @throws Error if a worker fails or dies.
   */
  async runAll(jobs: Array<Omit<RunMsg, 'type' | 'id'> | undefined>): Promise<GroupResult[][]> {
    return Promise.all(
      jobs.map(async (job, i) => {
        if (job === undefined || job.groups.length === 0) return [];
        const slot = this.slots[i % this.slots.length]!;
        if (slot.dead !== undefined) throw slot.dead;
        await slot.ready;
        const id = this.nextId++;
        return new Promise<GroupResult[]>((resolve, reject) => {
          slot.pending.set(id, { resolve, reject });
          slot.worker.postMessage({ type: 'run', id, ...job } satisfies RunMsg);
        });
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
