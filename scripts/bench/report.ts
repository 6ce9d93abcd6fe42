/**
 * The bench's rows (one per workload x mode x workers), their text table, the state-root check
 * and the JSON file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { Hex } from 'viem';
import type { BlockRun, ModeSpec } from './run.ts';
import type { WorkloadName } from './workloads.ts';

/** One measured configuration. Units in the field names; `speedup` = sequential seconds / seconds. */
export interface BenchRow {
  workload: WorkloadName;
  mode: ModeSpec['mode'];
  workers: number;
  txs: number;
  /** Gas used by all blocks. */
  gas: number;
  /** Wall-clock seconds in `executeBlock`, all blocks. */
  seconds: number;
  txPerSecond: number;
  mgasPerSecond: number;
  speedup: number;
  blocks: number;
  /** Mean over blocks of the conflict-free groups finally executed. */
  groupsPerBlock: number;
  /** Txs executed more than once (sum over blocks). */
  reexecuted: number;
  /** Most validation rounds in one block. */
  maxRounds: number;
  /** Share of the time spent computing state roots (executor's `rootMs` / wall time). */
  rootShare: number;
  /** Ideal speedup by construction of the workload (`planIdealSpeedup`: its true conflicts). */
  planIdealSpeedup: number;
  /**
   * Ideal speedup from the executor's final conflict groups, uniform tx cost assumed: sum over blocks of
   * txs / sum over blocks of the largest group's txs (total work / critical path). Null for the
   * sequential row.
   */
  idealSpeedup: number | null;
  /** The same bounded by the row's workers: txs / max(largest group, txs / workers), per block. */
  idealSpeedupAtWorkers: number | null;
  /** Final state root and each block's. */
  stateRoot: Hex;
  blockRoots: Hex[];
  /** Seconds of the parallel executor's phases (sum over blocks), null for sequential. */
  recoverSeconds: number | null;
  execSeconds: number | null;
  mergeSeconds: number | null;
  rootSeconds: number;
  /** Seconds of each of the `--repeat` runs (the row reports the median one). */
  runs: number[];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Builds a row from the runs of one configuration (all runs execute the same blocks; repeated
 * ones differ only in timing): every figure comes from the median run by seconds (the lower
 * median for an even count). `speedup` is filled by {@link fillSpeedups}.
 */
export function makeRow(workload: WorkloadName, spec: ModeSpec, runs: BlockRun[][], planIdeal: number): BenchRow {
  const secs = runs.map((r) => sum(r.map((b) => b.seconds)));
  const order = secs.map((_, i) => i).sort((a, b) => secs[a]! - secs[b]!);
  const pick = order[Math.floor((order.length - 1) / 2)]!;
  const run = runs[pick]!;
  const seconds = secs[pick]!;
  const txs = sum(run.map((b) => b.stats.txs));
  const gas = Number(run.reduce((a, b) => a + b.gasUsed, 0n));
  const par = spec.mode === 'parallel';
  const maxGroup = (b: BlockRun) => b.stats.groupSizes[0] ?? 0;
  const ideal = par ? txs / Math.max(1, sum(run.map(maxGroup))) : null;
  const idealW = par ? txs / Math.max(1e-9, sum(run.map((b) => Math.max(maxGroup(b), b.stats.txs / spec.workers)))) : null;
  const phase = (f: 'recoverMs' | 'execMs' | 'mergeMs') => (par ? sum(run.map((b) => b.stats[f] ?? 0)) / 1000 : null);
  const rootSeconds = sum(run.map((b) => b.stats.rootMs)) / 1000;
  return {
    workload,
    mode: spec.mode,
    workers: spec.workers,
    txs,
    gas,
    seconds,
    txPerSecond: txs / seconds,
    mgasPerSecond: gas / seconds / 1e6,
    speedup: NaN,
    blocks: run.length,
    groupsPerBlock: sum(run.map((b) => b.stats.groups)) / run.length,
    reexecuted: sum(run.map((b) => b.stats.reexecuted)),
    maxRounds: Math.max(...run.map((b) => b.stats.rounds)),
    rootShare: rootSeconds / sum(run.map((b) => b.seconds)),
    planIdealSpeedup: planIdeal,
    idealSpeedup: ideal,
    idealSpeedupAtWorkers: idealW,
    stateRoot: run.at(-1)!.stateRoot,
    blockRoots: run.map((b) => b.stateRoot),
    recoverSeconds: phase('recoverMs'),
    execSeconds: phase('execMs'),
    mergeSeconds: phase('mergeMs'),
    rootSeconds,
    runs: secs,
  };
}

/** Sets each row's `speedup` against the sequential row of its workload. */
export function fillSpeedups(rows: BenchRow[]): void {
  for (const r of rows) {
    const seq = rows.find((x) => x.workload === r.workload && x.mode === 'sequential');
    r.speedup = seq === undefined ? NaN : seq.seconds / r.seconds;
  }
}

/**
 * Differences between a run and the sequential reference: per block, the state root, the
 * receipts root and the gas used must be equal. Empty when they agree.
 */
export function compareRuns(reference: BlockRun[], run: BlockRun[]): string[] {
  const out: string[] = [];
  if (reference.length !== run.length) out.push(`blocks: ${reference.length} vs ${run.length}`);
  for (let i = 0; i < Math.min(reference.length, run.length); i++) {
    const [a, b] = [reference[i]!, run[i]!];
    if (a.stateRoot !== b.stateRoot) out.push(`block ${i} stateRoot: ${a.stateRoot} vs ${b.stateRoot}`);
    if (a.receiptsRoot !== b.receiptsRoot) out.push(`block ${i} receiptsRoot: ${a.receiptsRoot} vs ${b.receiptsRoot}`);
    if (a.gasUsed !== b.gasUsed) out.push(`block ${i} gasUsed: ${a.gasUsed} vs ${b.gasUsed}`);
  }
  return out;
}

/** Rows whose state roots differ from their workload's sequential row (final or any block). */
export function rootMismatches(rows: BenchRow[]): BenchRow[] {
  return rows.filter((r) => {
    const seq = rows.find((x) => x.workload === r.workload && x.mode === 'sequential');
    return seq !== undefined && (r.stateRoot !== seq.stateRoot || r.blockRoots.join() !== seq.blockRoots.join());
  });
}

/** The machine the numbers come from. */
export interface MachineInfo {
  cpu: string;
  /** `os.availableParallelism()`. */
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1, 5, 15-minute load averages when the bench started (a shared machine is noisy). */
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const f = (x: number | null, d: number) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));

/** The table of one workload's rows. */
export function formatTable(rows: BenchRow[]): string {
  const head = ['mode', 'workers', 'tx/s', 'Mgas/s', 'speedup', 'groups/blk', 're-exec', 'rounds', 'root %', 'ideal:plan', 'ideal:exec', 'ideal@W', 'seconds'];
  const body = rows.map((r) => [
    r.mode,
    String(r.workers),
    f(r.txPerSecond, 0),
    f(r.mgasPerSecond, 2),
    `${f(r.speedup, 2)}x`,
    f(r.groupsPerBlock, 1),
    String(r.reexecuted),
    String(r.maxRounds),
    f(r.rootShare * 100, 1),
    `${f(r.planIdealSpeedup, 1)}x`,
    r.idealSpeedup === null ? '-' : `${f(r.idealSpeedup, 1)}x`,
    r.idealSpeedupAtWorkers === null ? '-' : `${f(r.idealSpeedupAtWorkers, 2)}x`,
    f(r.seconds, 3),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Writes `{ machine, options, rows }` as JSON (folders created). */
export function writeJson(file: string, doc: { machine: MachineInfo; options: unknown; rows: BenchRow[] }): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}
