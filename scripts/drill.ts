/**
 * `npm run drill -- <scenario>|all [--json FILE] [--keep]`: fraud-proof drills against a devnet
 * of their own (docs/dispute-game.md). Each scenario restarts the devnet (`scripts/devnet.ts
 * --fresh`, temp DATA_DIR, ports 28545/29545/29546/29547) with its fault switches, sends a small
 * L2 load, lets the sequencer, proposer/defender, challenger and prover-stub act, moves L1 time
 * with `evm_increaseTime` + `evm_mine` instead of waiting for windows and clocks, checks the
 * outcome and prints a report (timeline, gas per move, bonds, final state). Exits 1 when any
 * scenario does not end as expected.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderReport, reportJson } from './drill/report.ts';
import { runDrills } from './drill/run.ts';
import { SCENARIOS, SCENARIO_DEFS, type ScenarioName } from './drill/scenarios.ts';

const USAGE = `usage: npm run drill -- <scenario>|all [--json FILE] [--keep] [--port-base N]

scenarios:
${SCENARIOS.map((s) => `  ${s.padEnd(16)} ${SCENARIO_DEFS[s].expected}`).join('\n')}
  all              every scenario above, in this order

  --json FILE      write the reports as JSON (path relative to where you ran the command)
  --keep           keep the data folders and logs (printed at the end)
  --port-base N    L1 port N, L2 N+1000, challenger N+1001, prover N+1002 (default 28545)`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'port-base': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help || positionals.length === 0) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const wanted = positionals.flatMap((p) => (p === 'all' ? [...SCENARIOS] : [p]));
const unknown = wanted.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}\n${USAGE}`);
  process.exit(2);
}
const portBase = values['port-base'] === undefined ? undefined : Number(values['port-base']);
if (portBase !== undefined && (!Number.isInteger(portBase) || portBase < 1024 || portBase > 64000)) {
  console.error(`--port-base must be an integer in 1024..64000\n${USAGE}`);
  process.exit(2);
}

// Children run in their own process groups; exiting runs the hook that kills them.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const workDir = mkdtempSync(join(tmpdir(), 'px-drill-'));
const started = Date.now();
const reports = await runDrills({
  scenarios: wanted as ScenarioName[],
  workDir,
  portBase,
  onReport: (r) => console.log(`\n${renderReport(r)}\n`),
});
const failed = reports.filter((r) => !r.passed);
console.log(`drills: ${reports.length - failed.length}/${reports.length} passed in ${((Date.now() - started) / 1000).toFixed(1)} s${failed.length ? `; FAILED: ${failed.map((r) => r.scenario).join(', ')}` : ''}`);
if (values.json !== undefined) {
  const file = resolve(process.env.PX_CWD || process.env.INIT_CWD || process.cwd(), values.json);
  writeFileSync(file, `${JSON.stringify(reports.map(reportJson), null, 2)}\n`);
  console.log(`reports written to ${file}`);
}
if (values.keep || failed.length > 0) console.log(`data and logs kept in ${workDir}`);
else rmSync(workDir, { recursive: true, force: true });
process.exit(failed.length > 0 ? 1 : 0);
