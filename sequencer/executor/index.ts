/**
 * Executor entry point: `createExecutor({ mode, stateDb, workers })`.
 * - `sequential`: {@link SequentialExecutor}, the reference (challenger path).
 * - `parallel`: {@link ParallelExecutor}, conflict-free groups on a worker pool; must equal
 *   sequential on every block.
 */
import type { StateDb } from '../state/state-db.ts';

import { SequentialExecutor } from './sequential.ts';
import type { BlockExecutor } from './types.ts';

export type ExecutorMode = 'sequential' | 'parallel';

/**
 * @param opts.workers worker threads for `parallel` (default: available parallelism, at least 2).
 */
export function createExecutor(opts: { mode: ExecutorMode; stateDb: StateDb; workers?: number }): BlockExecutor {
  if (opts.mode === 'sequential') return new SequentialExecutor(opts.stateDb);
  throw new Error('todo');
}

export type * from './types.ts';
export { SequentialExecutor } from './sequential.ts';

