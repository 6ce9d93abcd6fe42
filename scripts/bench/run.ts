/**
 * Times one executor mode on a workload: a fresh copy of the pre-state database, the executor
 * created on it and warmed (a prefix of the first block executed once and thrown away, so worker
 * start-up, JIT and the top of the trie are not in the measurement), then the workload's blocks
 * executed in order, each from the previous block's root, timed around `executeBlock`.
 */
import { copyFileSync, rmSync } from 'node:fs';
import type { Hex } from 'viem';
import { makeCommon } from '../../sequencer/chain/common.ts';
import { createExecutor } from '../../sequencer/executor/index.ts';
import type { BlockEnv, ExecutionStats } from '../../sequencer/executor/types.ts';
import { StateDb } from '../../sequencer/state/state-db.ts';
import { BENCH_CHAIN_ID } from './workloads.ts';

/** A block to execute: its env and its signed txs (EIP-2718). */
export interface BenchBlock {
  env: BlockEnv;
  txs: Uint8Array[];
}

export interface ModeSpec {
  mode: 'sequential' | 'parallel';
  /** Worker threads (parallel); 1 for sequential. */
  workers: number;
}

/** What one block's execution gave. */
export interface BlockRun {
  stateRoot: Hex;
  receiptsRoot: Hex;
  /** Gas. */
  gasUsed: bigint;
  /** Wall-clock seconds of `executeBlock`. */
  seconds: number;
  stats: ExecutionStats;
  /** Indices of txs whose receipt has status 0. */
  failedTxs: number[];
}

/** Removes a SQLite file and its WAL/SHM side files. */
export function removeDb(path: string): void {
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
}

/**
 * Runs `blocks` with `spec` on a copy of the pre-state at `prePath` (copied to `workPath`,
 * removed afterwards).
 * @param warmTxs how many txs of the first block the untimed warm-up executes (0: none).
 * @throws whatever the executor throws (e.g. InvalidTransactionError: the workload is broken).
 */
export async function runMode(prePath: string, workPath: string, preRoot: Hex, blocks: BenchBlock[], spec: ModeSpec, warmTxs: number): Promise<BlockRun[]> {
  removeDb(workPath);
  copyFileSync(prePath, workPath);
  const db = StateDb.open(workPath, makeCommon(BENCH_CHAIN_ID));
  const ex = createExecutor({ mode: spec.mode, stateDb: db, workers: spec.workers });
  try {
    const first = blocks[0];
    if (first !== undefined && warmTxs > 0) await ex.executeBlock(preRoot, first.env, first.txs.slice(0, warmTxs));
    const out: BlockRun[] = [];
    let root = preRoot;
    for (const b of blocks) {
      const t0 = performance.now();
      const r = await ex.executeBlock(root, b.env, b.txs);
      const seconds = (performance.now() - t0) / 1000;
      out.push({
        stateRoot: r.stateRoot,
        receiptsRoot: r.receiptsRoot,
        gasUsed: r.gasUsed,
        seconds,
        stats: r.stats,
        failedTxs: r.receipts.flatMap((x, i) => (x.status === 1 ? [] : [i])),
      });
      root = r.stateRoot;
    }
    return out;
  } finally {
    await ex.close();
    db.close();
    removeDb(workPath);
  }
}
