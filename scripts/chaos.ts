/**
 * `npm run chaos [-- --rounds N] [--duration S] [--outage S] [--json FILE]`: the crash and L1
 * outage drill (scripts/chaos/run.ts) on a private devnet (L1 on :18645, L2 on :19645 unless
 * CHAOS_L1_PORT / CHAOS_L2_PORT say otherwise, data in a temp folder), then its report.
 * `--rounds`: kill -9 / restart rounds (default 3); `--duration`: seconds of load before each
 * event (default 5); `--outage`: seconds of each L1 outage, first frozen (SIGSTOP), then refusing
 * (a TCP proxy in front of it resets connections and stops listening) (default 15, 0 = none).
 * Exits 1 when a tx was lost, a batch duplicated or missing, or the replay disagrees.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport, runChaos } from './chaos/run.ts';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    outage: { type: 'string', default: '15' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('usage: npm run chaos [-- --rounds N] [--duration S] [--outage S] [--json FILE] [--keep]');
  process.exit(0);
}
const workDir = mkdtempSync(join(tmpdir(), 'px-chaos-'));
let code = 1;
try {
  const report = await runChaos({
    workDir,
    ports: { l1: Number(process.env.CHAOS_L1_PORT ?? 18645), l2: Number(process.env.CHAOS_L2_PORT ?? 19645), l1Proxy: Number(process.env.CHAOS_L1_PROXY_PORT ?? 18646) },
    rounds: Number(args.rounds),
    loadS: Number(args.duration),
    outageS: Number(args.outage),
    refuseS: Number(args.outage),
  });
  console.log(formatReport(report));
  if (args.json) writeFileSync(args.json, JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
  code = report.ok ? 0 : 1;
} catch (e) {
  console.error(`[chaos] failed: ${(e as Error).stack ?? String(e)}\n(logs in ${workDir})`);
  args.keep = true;
} finally {
  if (!args.keep) rmSync(workDir, { recursive: true, force: true });
  else console.log(`[chaos] logs and data kept in ${workDir}`);
}
process.exit(code);
