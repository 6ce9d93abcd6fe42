/**
 * `npm run bench`: block-execution throughput of the sequential executor (the challenger's
 * path) and the parallel executor with 1..W workers, on fixed workloads (see
 * `scripts/bench/workloads.ts`): disjoint ETH transfers, disjoint ERC-20 transfers, ERC-20
 * transfers into one account, swaps on one Uniswap V2 pair, and a blend of them.
 *
 * Per workload: the pre-state is built once into a SQLite file (`bench/prestate.ts`), the txs
 * are signed once (cached under bench-results/cache), then every mode runs on its own copy of
 * that file, warmed, and timed around `executeBlock` (`bench/run.ts`). Every parallel run's
 * state roots, receipts roots and gas must equal the sequential run's, else the bench stops
 * with exit code 1. Prints the machine and one table per workload, writes `--json` and the
 * speedup chart (PNG). Flags: `bench/args.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadUniswapV2 } from './demo/contracts.ts';
import { parseBenchArgs, type BenchOptions } from './bench/args.ts';
import { drawSpeedupChart } from './bench/chart.ts';
import { benchEnv, buildPreState } from './bench/prestate.ts';
import { compareRuns, fillSpeedups, formatTable, machineInfo, makeRow, rootMismatches, writeJson, type BenchRow } from './bench/report.ts';
import { runMode, type BenchBlock, type BlockRun, type ModeSpec } from './bench/run.ts';
import { signPlan } from './bench/sign.ts';
import { benchDeployment, planIdealSpeedup, planWorkload, splitBlocks, type WorkloadName } from './bench/workloads.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const t0 = performance.now();
const log = (msg: string) => console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);

/** Thrown when a parallel run disagrees with the sequential one. */
class RootMismatch extends Error {}

async function benchWorkload(workload: WorkloadName, opts: BenchOptions, dir: string): Promise<BenchRow[]> {
  const deployment = benchDeployment(loadUniswapV2().pair.bytecode);
  const plan = planWorkload(workload, opts.txs, deployment);
  const prePath = join(dir, `${workload}.pre.sqlite`);
  const tPre = performance.now();
  const pre = await buildPreState(prePath, plan);
  const preMs = performance.now() - tPre;
  const tSign = performance.now();
  const signed = await signPlan(plan, opts.cacheDir);
  const signMs = performance.now() - tSign;
  log(
    `${workload}: ${plan.txs.length} txs (${Object.entries(plan.mix).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}), ` +
      `${plan.senders} senders; pre-state ${(preMs / 1000).toFixed(1)} s; txs ${signed.cached ? 'from cache' : `signed in ${(signMs / 1000).toFixed(1)} s`} (${relative(process.cwd(), signed.file)})`,
  );

  const txChunks = splitBlocks(signed.txs, opts.blocks);
  const planChunks = splitBlocks(plan.txs, opts.blocks);
  const planIdeal = planIdealSpeedup(planChunks);
  const blocks: BenchBlock[] = txChunks.map((txs, i) => ({
    env: benchEnv(pre.firstBlock + BigInt(i), planChunks[i]!.reduce((a, t) => a + t.gas, 0n)),
    txs,
  }));

  const rows: BenchRow[] = [];
  const specs: ModeSpec[] = [{ mode: 'sequential', workers: 1 }, ...opts.workers.map((w) => ({ mode: 'parallel' as const, workers: w }))];
  let reference: BlockRun[] | undefined;
  for (const spec of specs) {
    const runs: BlockRun[][] = [];
    for (let r = 0; r < opts.repeat; r++) {
      const run = await runMode(prePath, join(dir, `${workload}.run.sqlite`), pre.root, blocks, spec, opts.warmup);
      if (reference === undefined) {
        reference = run;
        const failed = run.flatMap((b, i) => b.failedTxs.map((t) => `block ${i} tx ${t}`));
        if (failed.length > 0) throw new Error(`${workload}: ${failed.length} txs failed in the sequential run (workload bug): ${failed.slice(0, 5).join(', ')}`);
      } else {
        const diff = compareRuns(reference, run);
        if (diff.length > 0) throw new RootMismatch(`${workload}: ${spec.mode} with ${spec.workers} workers disagrees with sequential:\n  ${diff.join('\n  ')}`);
      }
      runs.push(run);
    }
    const row = makeRow(workload, spec, runs, planIdeal);
    rows.push(row);
    log(`${workload}: ${spec.mode}${spec.mode === 'parallel' ? ` x${spec.workers}` : ''} ${row.seconds.toFixed(3)} s, ${row.txPerSecond.toFixed(0)} tx/s`);
  }
  fillSpeedups(rows);
  return rows;
}

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    const parsed = parseBenchArgs(process.argv.slice(2), ROOT, process.env.PX_CWD || process.env.INIT_CWD || process.cwd());
    if ('help' in parsed) {
      console.log(parsed.help);
      return 0;
    }
    opts = parsed;
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const machine = machineInfo();
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node} (${machine.platform}); load average ${machine.loadAverage.join(' ')}`);
  console.log(
    `workloads: ${opts.workloads.join(', ')}; ${opts.txs} txs each in ${opts.blocks} block(s); parallel workers ${opts.workers.join(',')}; ` +
      `repeat ${opts.repeat}; warm-up ${opts.warmup} txs`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'parallax-bench-'));
  const rows: BenchRow[] = [];
  try {
    for (const w of opts.workloads) {
      const r = await benchWorkload(w, opts, dir);
      rows.push(...r);
      console.log(`\n=== ${w} (${r[0]!.txs} txs, ${r[0]!.blocks} block(s), ${(r[0]!.gas / 1e6).toFixed(1)} Mgas) ===\n${formatTable(r)}\n`);
    }
  } catch (e) {
    if (e instanceof RootMismatch) {
      console.error(`\n!!!!!!!! STATE ROOT MISMATCH: the parallel executor disagrees with the sequential one !!!!!!!!\n${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Belt and braces: every row's roots against its sequential row (already checked per run).
  const bad = rootMismatches(rows);
  if (bad.length > 0) {
    console.error(`STATE ROOT MISMATCH in ${bad.map((r) => `${r.workload}/${r.mode}x${r.workers}`).join(', ')}`);
    return 1;
  }
  console.log(
    'Ideal speedups = total work / critical path with uniform tx cost: txs / (sum over blocks of the largest set of conflicting txs).\n' +
      '  ideal:plan = conflicts by construction of the workload (hot slot, pair reserves); ideal:exec = the executor\'s final conflict groups;\n' +
      '  ideal@W = ideal:exec bounded by the workers: txs / max(largest group, txs / W). speedup = sequential seconds / row seconds.\n' +
      `root % = share of execution time spent computing the state root. Machine is shared: load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')} (was ${machine.loadAverage.join(' ')}).`,
  );
  if (opts.json) {
    writeJson(opts.json, { machine, options: { ...opts, cacheDir: undefined }, rows });
    log(`rows written to ${opts.json}`);
  }
  if (opts.chart) {
    drawSpeedupChart(rows, opts.chart, `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${opts.txs} txs per workload, ${opts.blocks} block(s)`);
    log(`chart written to ${opts.chart}`);
  }
  return 0;
}

process.exitCode = await main();
