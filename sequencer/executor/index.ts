/**
 * Executor entry point: `createExecutor({ mode, stateDb, workers })`.
 * - `sequential`: {@link SequentialExecutor}, the reference (challenger path).
 * - `parallel`: {@link ParallelExecutor}, conflict-free groups on a worker pool; must equal
 *   sequential on every block.
 */
import type { StateDb } from '../state/state-db.ts';
import { ParallelExecutor, type ParallelExecutorOptions } from './parallel.ts';
import { SequentialExecutor } from './sequential.ts';
import type { BlockExecutor } from './types.ts';

export type ExecutorMode = 'sequential' | 'parallel';

/**
 * @param opts.workers worker threads for `parallel` (default: available parallelism).
 */
export function createExecutor(opts: { mode: ExecutorMode; stateDb: StateDb } & ParallelExecutorOptions): BlockExecutor {
  if (opts.mode === 'sequential') return new SequentialExecutor(opts.stateDb);
  return new ParallelExecutor(opts.stateDb, opts);
}

export type * from './types.ts';
export { SequentialExecutor } from './sequential.ts';
export { ParallelExecutor } from './parallel.ts';
