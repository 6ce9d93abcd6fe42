/**
 * Command line of `npm run bench`.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WORKLOADS, type WorkloadName } from './workloads.ts';

/** Default txs per workload: sized so the whole default run takes about a minute on 2 cores. */
export const DEFAULT_TXS = 500;

export const USAGE = `usage: npm run bench -- [--txs N] [--workloads a,b] [--workers 1,2] [--blocks K]
                        [--repeat R] [--warmup N] [--json FILE] [--chart FILE] [--cache DIR]

  --txs N        transactions per workload (default ${DEFAULT_TXS})
  --workloads    comma-separated, from: ${WORKLOADS.join(', ')} (default all)
  --workers      parallel executor worker counts (default 1..availableParallelism = 1..${availableParallelism()})
  --blocks K     split each workload's txs into K consecutive blocks (default 1)
  --repeat R     timed runs per configuration, each on a fresh copy of the pre-state; the row
                 reports the median (default 1)
  --warmup N     txs of the first block executed once, untimed, before timing (default 64)
  --json FILE    write { machine, options, rows } (default: none)
  --chart FILE   speedup-vs-workers PNG (default bench-results/bench-speedup.png; "none": no chart)
  --cache DIR    signed-tx cache (default bench-results/cache)

Every mode runs on its own copy of one pre-state database per workload; every parallel row's
state roots must equal the sequential row's, or the bench stops with exit code 1.`;

export interface BenchOptions {
  txs: number;
  workloads: WorkloadName[];
  workers: number[];
  blocks: number;
  repeat: number;
  warmup: number;
  json?: string;
  chart?: string;
  cacheDir: string;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`--${name} must be a positive integer, got ${v}\n${USAGE}`);
  return n;
}

/**
 * Parses `argv` (without node and script). Paths are resolved against `cwd`, defaults against
 * `root` (the repository).
 * @returns The options, or `{ help }` for `--help`.
 * @throws TypeError on an unknown flag, workload or a bad number.
 */
export function parseBenchArgs(argv: string[], root: string, cwd: string): BenchOptions | { help: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      txs: { type: 'string', default: String(DEFAULT_TXS) },
      workloads: { type: 'string', default: WORKLOADS.join(',') },
      workers: { type: 'string' },
      blocks: { type: 'string', default: '1' },
      repeat: { type: 'string', default: '1' },
      warmup: { type: 'string', default: '64' },
      json: { type: 'string' },
      chart: { type: 'string' },
      cache: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return { help: USAGE };
  const workloads = values.workloads.split(',').map((w) => w.trim()).filter(Boolean);
  for (const w of workloads) if (!(WORKLOADS as readonly string[]).includes(w)) throw new TypeError(`unknown workload ${w}\n${USAGE}`);
  const workers = values.workers === undefined
    ? Array.from({ length: availableParallelism() }, (_, i) => i + 1)
    : values.workers.split(',').map((w) => positiveInt('workers', w.trim()));
  const warmup = Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0) throw new TypeError(`--warmup must be an integer >= 0, got ${values.warmup}`);
  const opts: BenchOptions = {
    txs: positiveInt('txs', values.txs),
    workloads: [...new Set(workloads)] as WorkloadName[],
    workers: [...new Set(workers)].sort((a, b) => a - b),
    blocks: positiveInt('blocks', values.blocks),
    repeat: positiveInt('repeat', values.repeat),
    warmup,
    cacheDir: resolve(cwd, values.cache ?? resolve(root, 'bench-results/cache')),
  };
  if (opts.workloads.length === 0) throw new TypeError(`--workloads is empty\n${USAGE}`);
  if (values.json !== undefined) opts.json = resolve(cwd, values.json);
  if (values.chart !== 'none') opts.chart = resolve(cwd, values.chart ?? resolve(root, 'bench-results/bench-speedup.png'));
  return opts;
}
