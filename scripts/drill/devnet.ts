/**
 * The processes a drill runs against: one Hardhat L1 for the whole drill run (reused when one
 * already answers on the drill's L1 port), and per scenario a fresh devnet
 * (`scripts/devnet.ts --fresh`: contracts deployed anew on that L1, prover-stub, sequencer,
 * challenger) with the scenario's fault switches in its environment, on non-default ports and a
 * temp DATA_DIR.
 *
 * Every child runs in its own process group; {@link DevnetProcess.stop} sends SIGINT (the devnet
 * stops its children) and SIGKILLs the group if it lingers. An `exit` hook kills whatever is left
 * when the drill process ends first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { readAddresses, REPO_ROOT, type RollupAddresses } from '../../sequencer/l1/contracts.ts';
import { probeChainId, waitForHttp } from '../lib/probe.ts';

/** Ports of one drill devnet. */
export interface DrillPorts {
  l1: number;
  l2: number;
  challenger: number;
  prover: number;
}

/** Non-default ports (the user's `npm run devnet` keeps 8545/9545/9546/9547). */
export function drillPorts(base = 28545): DrillPorts {
  return { l1: base, l2: base + 1000, challenger: base + 1001, prover: base + 1002 };
}

const groups = new Set<number>();
process.once('exit', () => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** A child process in its own group. */
export interface DevnetProcess {
  proc: ChildProcess;
  logFile: string;
  /** Whether it is still running. */
  alive(): boolean;
  /** Exit description once it exited (`code N` / `signal S`). */
  exitInfo(): string | undefined;
  /** SIGINT, then SIGKILL of the whole group after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

function spawnGroup(args: string[], env: NodeJS.ProcessEnv, logFile: string): DevnetProcess {
  const out = openSync(logFile, 'a');
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  if (proc.pid !== undefined) groups.add(proc.pid);
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', (code, signal) => {
      exit = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    }),
  );
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      if (proc.pid !== undefined) process.kill(-proc.pid, sig);
    } catch {
      // already gone
    }
  };
  return {
    proc,
    logFile,
    alive: () => exit === undefined,
    exitInfo: () => exit,
    stop: async (graceMs = 20_000) => {
      if (exit === undefined) {
        proc.kill('SIGINT');
        let t: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise<void>((r) => (t = setTimeout(r, graceMs)))]);
        clearTimeout(t);
      }
      killGroup('SIGKILL'); // children that outlived their parent
      if (proc.pid !== undefined) groups.delete(proc.pid);
    },
  };
}

/** The drill's L1. */
export interface DrillL1 {
  url: string;
  /** False when an L1 already answered and is reused. */
  started: boolean;
  stop(): Promise<void>;
}

/**
 * A Hardhat node on 127.0.0.1:`port`, or the node already answering there.
 * @throws Error when it does not answer within 60 s (the child is stopped).
 */
export async function startL1(port: number, logFile: string): Promise<DrillL1> {
  const url = `http://127.0.0.1:${port}`;
  if ((await probeChainId(url, 1000)) !== undefined) return { url, started: false, stop: async () => {} };
  const p = spawnGroup([join(REPO_ROOT, 'node_modules/hardhat/dist/src/cli.js'), 'node', '--hostname', '127.0.0.1', '--port', String(port)], process.env, logFile);
  const deadline = Date.now() + 60_000;
  while ((await probeChainId(url, 1000)) === undefined) {
    if (!p.alive() || Date.now() > deadline) {
      await p.stop(1000);
      throw new Error(`the drill's Hardhat L1 did not answer at ${url} (${p.exitInfo() ?? 'timeout'}); see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, started: true, stop: () => p.stop(5000) };
}

/** A running drill devnet. */
export interface DrillDevnet extends DevnetProcess {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  urls: { l1: string; l2: string; challenger: string; prover: string };
  addresses: RollupAddresses;
}

/** Whether something answers HTTP on 127.0.0.1:`port`. */
async function portAnswers(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `scripts/devnet.ts --fresh` on the drill's L1 with `DATA_DIR = dataDir`, the drill
 * ports and `env` (fault switches, short intervals), and waits for the L2, the challenger's
 * status server and `addresses.json`.
 * @throws Error when a port is taken, the devnet exits early or does not come up in `timeoutMs`
 *   (it is stopped first).
 */
export async function startDevnet(opts: {
  l1Url: string;
  ports: DrillPorts;
  dataDir: string;
  env: Record<string, string>;
  logFile: string;
  timeoutMs?: number;
}): Promise<DrillDevnet> {
  const { ports } = opts;
  for (const [name, port] of [['L2', ports.l2], ['challenger', ports.challenger], ['prover', ports.prover]] as const) {
    if (await portAnswers(port)) throw new Error(`port ${port} (${name}) is taken: stop whatever runs there (a previous drill?)`);
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: opts.dataDir,
    L1_RPC_URL: opts.l1Url,
    L2_RPC_PORT: String(ports.l2),
    CHALLENGER_RPC_PORT: String(ports.challenger),
    PROVER_RPC_PORT: String(ports.prover),
    PROVER_RPC_URL: `http://127.0.0.1:${ports.prover}`,
    ...opts.env,
  };
  // Fault switches of an outer shell must not leak into a scenario.
  for (const k of Object.keys(env)) if (k.startsWith('FAULT_') && !(k in opts.env)) delete env[k];
  const p = spawnGroup([join(REPO_ROOT, 'scripts/devnet.ts'), '--fresh'], env, opts.logFile);
  const urls = {
    l1: opts.l1Url,
    l2: `http://127.0.0.1:${ports.l2}`,
    challenger: `http://127.0.0.1:${ports.challenger}`,
    prover: `http://127.0.0.1:${ports.prover}`,
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const fail = async (why: string): Promise<never> => {
    await p.stop(2000);
    throw new Error(`devnet ${why}; see ${opts.logFile}`);
  };
  const addressesFile = join(opts.dataDir, 'addresses.json');
  for (;;) {
    if (!p.alive()) await fail(`exited (${p.exitInfo()}) before it was ready`);
    if (Date.now() > deadline) await fail('did not come up in time');
    if (existsSync(addressesFile) && (await probeChainId(urls.l2, 1000)) !== undefined) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await waitForHttp(urls.challenger, Math.max(1000, deadline - Date.now())).catch(() => fail('challenger status server did not answer'));
  return { ...p, dataDir: opts.dataDir, env, urls, addresses: readAddresses(addressesFile) };
}
