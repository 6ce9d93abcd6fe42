/**
 * Runs drill scenarios: one Hardhat L1 for the run, a fresh devnet per scenario with its fault
 * environment, the scenario's steps and checks, then the report (built from L1 alone plus the
 * sequencer's and the challenger's RPCs).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';
import { loadConfig } from '../../sequencer/config.ts';
import { drillPorts, startDevnet, startL1, type DrillDevnet, type DrillL1 } from './devnet.ts';
import { L1View } from './l1.ts';
import { readFinalState, summarize, type DrillReport } from './report.ts';
import { DRILL_ENV, DRILL_KEY, SCENARIO_DEFS, type Check, type ScenarioContext, type ScenarioName } from './scenarios.ts';
import { actorNames, collectTimeline, type TimeJump } from './timeline.ts';

/** Options of {@link runDrills}. */
export interface DrillOptions {
  scenarios: ScenarioName[];
  /** Folder for data dirs and logs (one sub-folder per scenario). */
  workDir: string;
  /** First port (L1); L2/challenger/prover are base + 1000 .. + 1002. Default 28545. */
  portBase?: number;
  /** Extra env for every devnet (tests shorten nothing else). */
  env?: Record<string, string>;
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
  /** Called with each report as soon as its scenario ends. */
  onReport?: (r: DrillReport) => void;
  /** Per-scenario limit, ms (default 240,000). */
  scenarioTimeoutMs?: number;
}

/** The devnet's L1 accounts by role, for the timeline. */
function actors(treasury: Hex): { names: Map<string, string>; credits: Record<string, Hex> } {
  const keys = devPrivateKeys(7);
  const addr = (i: number) => privateKeyToAccount(keys[i]!).address;
  const names = actorNames([
    [addr(0), 'deployer'],
    [addr(1), 'batcher'],
    [addr(2), 'proposer'],
    [addr(3), 'challenger'],
    [addr(4), 'prover'],
    [privateKeyToAccount(DRILL_KEY).address, 'drill'],
    [treasury, 'treasury'],
  ]);
  return { names, credits: { proposer: addr(2), challenger: addr(3), treasury } };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, rej) => (t = setTimeout(() => rej(new Error(`${what} took more than ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

/** Runs one scenario on a fresh devnet over `l1`; never throws (failures are in the report). */
export async function runScenario(name: ScenarioName, l1: DrillL1, o: DrillOptions): Promise<DrillReport> {
  const def = SCENARIO_DEFS[name];
  const log = o.log ?? ((l: string) => console.log(l));
  const started = Date.now();
  const dir = join(o.workDir, name);
  mkdirSync(dir, { recursive: true });
  const env = { ...DRILL_ENV, ...(o.env ?? {}), ...def.env };
  const logFile = join(dir, 'devnet.log');
  const checks: Check[] = [];
  const jumps: TimeJump[] = [];
  const notes = new Map<Hex, string>();
  const treasury = loadConfig({ ...process.env, ...env }).treasury;
  const { names, credits } = actors(treasury);
  const report: DrillReport = {
    scenario: name,
    expected: def.expected,
    passed: false,
    durationMs: 0,
    env,
    checks,
    timeline: [],
    jumps,
    gas: { perMove: [], disputeGas: 0n, disputeTxs: 0, totalGas: 0n, totalTxs: 0 },
    bonds: [],
    logFile,
  };
  let devnet: DrillDevnet | undefined;
  let view: L1View | undefined;
  const say = (l: string) => log(`[drill ${name}] ${l}`);
  try {
    say(`starting devnet (${Object.entries(def.env).map(([k, v]) => `${k}=${v}`).join(' ') || 'no fault'}); log ${logFile}`);
    devnet = await startDevnet({ l1Url: l1.url, ports: drillPorts(o.portBase), dataDir: join(dir, 'data'), env, logFile });
    view = new L1View(l1.url, devnet.addresses);
    const ctx: ScenarioContext = { devnet, view, checks, jumps, notes, log: say };
    await withTimeout(def.run(ctx), o.scenarioTimeoutMs ?? 240_000, `scenario ${name}`);
    checks.push({ name: 'devnet still running (nothing crashed)', ok: devnet.alive(), ...(devnet.alive() ? {} : { detail: devnet.exitInfo() }) });
  } catch (err) {
    report.error = (err as Error).message;
    say(`ERROR ${report.error}`);
  }
  try {
    if (view !== undefined && devnet !== undefined) {
      report.timeline = await collectTimeline(view, names, notes);
      const s = summarize(report.timeline, await view.oracle<bigint>('challengerBond'), names);
      report.gas = s.gas;
      report.bonds = s.bonds;
      report.final = await readFinalState(view, devnet.urls.l2, devnet.urls.challenger, credits);
    }
  } catch (err) {
    report.error = `${report.error ? `${report.error}; ` : ''}report: ${(err as Error).message}`;
  }
  await devnet?.stop();
  report.durationMs = Date.now() - started;
  report.passed = report.error === undefined && checks.length > 0 && checks.every((c) => c.ok);
  return report;
}

/**
 * Starts the drill's L1 (or reuses one answering on the drill's L1 port), runs the scenarios one
 * after the other and returns their reports.
 */
export async function runDrills(o: DrillOptions): Promise<DrillReport[]> {
  mkdirSync(o.workDir, { recursive: true });
  const ports = drillPorts(o.portBase);
  const l1 = await startL1(ports.l1, join(o.workDir, 'l1.log'));
  const reports: DrillReport[] = [];
  try {
    for (const s of o.scenarios) {
      const r = await runScenario(s, l1, o);
      reports.push(r);
      o.onReport?.(r);
    }
  } finally {
    await l1.stop();
  }
  return reports;
}
