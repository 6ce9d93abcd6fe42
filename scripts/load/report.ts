/**
 * The load's figures per target, printed side by side, and its JSON file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LoadFigures } from './send.ts';

/** One target's outcome. */
export interface TargetResult {
  name: string;
  url: string;
  chainId: number;
  /** Block time the target ran with (ms). */
  blockTimeMs: number;
  blockGasLimit: string;
  figures: LoadFigures;
  /** L2 only: how the executor ran the load's blocks (`parallax_getBlockExecution`). */
  execution?: { mode: string; workers: number; blocks: number; groupsPerBlock: number; reexecuted: number; executeMsPerBlock: number } | string;
}

const n = (x: number | null, d = 0) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));

/** The side-by-side table. */
export function formatLoadTable(results: TargetResult[]): string {
  const rows: Array<[string, (r: TargetResult) => string]> = [
    ['endpoint', (r) => `${r.url} (chain ${r.chainId})`],
    ['block time / gas limit', (r) => `${r.blockTimeMs} ms / ${(Number(r.blockGasLimit) / 1e6).toFixed(0)}M`],
    ['txs (ERC-20 transfers)', (r) => String(r.figures.txs)],
    ['accepted tx/s (acks)', (r) => `${n(r.figures.acceptedPerSecond)} (${r.figures.accepted} in ${n(r.figures.sendSeconds, 2)} s)`],
    ['executed tx/s (receipts)', (r) => `${n(r.figures.executedPerSecond)} (${r.figures.executed} in ${n(r.figures.totalSeconds, 2)} s)`],
    ['latency p50 / p99 (ms)', (r) => `${n(r.figures.latencyP50Ms)} / ${n(r.figures.latencyP99Ms)}`],
    ['latency max (ms)', (r) => n(r.figures.latencyMaxMs)],
    ['blocks used, max txs/block', (r) => `${r.figures.blocks}, ${r.figures.maxTxsPerBlock}`],
    ['failed / reverted', (r) => `${r.figures.failed} / ${r.figures.reverted}`],
    [
      'executor',
      (r) =>
        r.execution === undefined
          ? '-'
          : typeof r.execution === 'string'
            ? r.execution
            : `${r.execution.mode} x${r.execution.workers}, ${n(r.execution.groupsPerBlock, 1)} groups/blk, ${r.execution.reexecuted} re-exec, ${n(r.execution.executeMsPerBlock)} ms/blk`,
    ],
  ];
  const head = ['', ...results.map((r) => r.name)];
  const body = rows.map(([label, get]) => [label, ...results.map(get)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function writeLoadJson(file: string, doc: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(doc, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}
