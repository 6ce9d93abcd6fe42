/**
 * The whole devnet (`scripts/devnet.ts --fresh`: Hardhat L1, rollup contracts, prover-stub,
 * sequencer, challenger) and the demo (`scripts/demo.ts`) as child processes, on non-default ports and a
 * temp data folder, for end-to-end tests.
 *
 * The devnet runs in its own process group: {@link Devnet.kill} SIGKILLs whatever of it is left
 * (also its children); process.ts does the same for every child if the test process ends first.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPublicClient, http, parseEventLogs, type Hex, type PublicClient } from 'viem';
import { outputOracleAbi, readAddresses, type RollupAddresses } from '../../sequencer/l1/contracts.ts';
import { probeChainId } from '../../scripts/lib/probe.ts';
import { hasExited, isPortFree, killGroup, runChild, spawnChild, stopChild, waitUntil, type Child } from './process.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface DevnetPorts {
  l1: number;
  l2: number;
  challenger: number;
  /** The prover-stub's JSON-RPC (`PROVER_RPC_PORT`), where the devnet starts one. */
  prover: number;
}

export interface DevnetUrls {
  l1: string;
  l2: string;
  challenger: string;
}

/** One verdict of `parallax_challengerStatus`. */
export interface Verdict {
  batchIndex: number;
  firstBlock: string;
  lastBlock: string;
  verdict: 'agree' | 'disagree' | 'pending';
  postedOutputRoot: Hex | null;
  computedOutputRoot: Hex | null;
  challengeTx?: Hex;
}

export interface Devnet {
  child: Child;
  /** Holds DATA_DIR and the logs (`devnet.out`, `demo-*.out`). */
  workDir: string;
  dataDir: string;
  ports: DevnetPorts;
  urls: DevnetUrls;
  /** The env the devnet got; the demo gets the matching URLs. */
  env: NodeJS.ProcessEnv;
  /** `DATA_DIR/addresses.json`. */
  addresses(): RollupAddresses;
  /** SIGKILLs everything of the devnet still running. Idempotent; never throws. */
  kill(): Promise<void>;
}

/**
 * Starts `node scripts/devnet.ts --fresh` with `DATA_DIR=workDir/data`, the given ports and
 * `extraEnv` (e.g. short intervals, `FAULT_BAD_ROOT_BATCH`), and waits until the L2 JSON-RPC
 * answers eth_chainId.
 * @throws Error (with the devnet's output) if a port is taken, the devnet exits, or the L2 does
 *   not answer within `timeoutMs`. The devnet is killed before throwing.
 */
export async function startDevnet(opts: { workDir: string; ports: DevnetPorts; extraEnv?: Record<string, string>; timeoutMs?: number }): Promise<Devnet> {
  const { workDir, ports } = opts;
  for (const [name, port] of Object.entries(ports)) {
    // devnet.ts would silently reuse an L1 already listening there.
    if (!(await isPortFree(port))) throw new Error(`port ${port} (${name}) is already in use; is another devnet running?`);
  }
  mkdirSync(workDir, { recursive: true });
  const dataDir = join(workDir, 'data');
  const urls: DevnetUrls = {
    l1: `http://127.0.0.1:${ports.l1}`,
    l2: `http://127.0.0.1:${ports.l2}`,
    challenger: `http://127.0.0.1:${ports.challenger}`,
  };
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Nothing from the caller's shell may change the devnet under test.
  for (const k of ['FAULT_BAD_ROOT_BATCH', 'L2_RPC_URL', 'CHALLENGER_RPC_URL', 'PROVER_RPC_URL', 'REDIS_URL', 'L2_CHAIN_ID', 'NODE_TEST_CONTEXT']) delete env[k];
  Object.assign(env, {
    DATA_DIR: dataDir,
    L1_RPC_URL: urls.l1,
    L2_RPC_PORT: String(ports.l2),
    CHALLENGER_RPC_PORT: String(ports.challenger),
    PROVER_RPC_PORT: String(ports.prover),
    ...opts.extraEnv,
  });
  const child = spawnChild('devnet', process.execPath, [join(REPO_ROOT, 'scripts/devnet.ts'), '--fresh'], {
    env,
    cwd: REPO_ROOT,
    logFile: join(workDir, 'devnet.out'),
  });
  const devnet: Devnet = {
    child,
    workDir,
    dataDir,
    ports,
    urls,
    env,
    addresses: () => readAddresses(join(dataDir, 'addresses.json')),
    kill: () => killGroup(child),
  };
  try {
    const early = child.exited.then((r) => {
      throw new Error(`devnet exited before its L2 JSON-RPC answered (code ${r.code}, signal ${r.signal})`);
    });
    early.catch(() => undefined); // also rejects when the devnet exits normally, later
    await Promise.race([
      early,
      waitUntil(async () => hasExited(child) || (await probeChainId(urls.l2, 1000)) === 901n, {
        timeoutMs: opts.timeoutMs ?? 60_000,
        intervalMs: 250,
        what: `the L2 JSON-RPC at ${urls.l2}`,
      }),
    ]);
    await waitUntil(() => existsSync(join(dataDir, 'addresses.json')), { timeoutMs: 5000, what: 'addresses.json' });
  } catch (e) {
    await devnet.kill();
    throw new Error(`${(e as Error).message}\n--- devnet output (tail) ---\n${child.tail()}`);
  }
  return devnet;
}

/**
 * Stops the devnet as Ctrl-C would (SIGINT to the devnet process only; it stops its children).
 * @returns Its exit code, or undefined if it had not exited after `timeoutMs`.
 */
export async function interruptDevnet(d: Devnet, timeoutMs: number): Promise<number | null | undefined> {
  const r = await stopChild(d.child, 'SIGINT', timeoutMs);
  return r === undefined ? undefined : r.code;
}

/** Runs `scripts/demo.ts --txs N --json FILE` against the devnet; returns its exit code, output and parsed JSON. */
export async function runDemo(
  d: Devnet,
  opts: { txs: number; name: string; timeoutMs: number },
): Promise<{ code: number | null; output: string; json: DemoJson | undefined }> {
  const jsonFile = join(d.workDir, `${opts.name}.json`);
  const env: NodeJS.ProcessEnv = { ...process.env, L2_RPC_URL: d.urls.l2, L1_RPC_URL: d.urls.l1, CHALLENGER_RPC_URL: d.urls.challenger, DATA_DIR: d.dataDir };
  delete env.NODE_TEST_CONTEXT;
  const r = await runChild('demo', process.execPath, [join(REPO_ROOT, 'scripts/demo.ts'), '--txs', String(opts.txs), '--json', jsonFile], {
    env,
    cwd: REPO_ROOT,
    logFile: join(d.workDir, `${opts.name}.out`),
    timeoutMs: opts.timeoutMs,
  });
  const json = existsSync(jsonFile) ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as DemoJson) : undefined;
  return { code: r.code, output: r.output, json };
}

/** The parts of the demo's `--json` figures the tests check. */
export interface DemoJson {
  l2ChainId: number;
  txsRequested: number;
  failed: Record<string, number>;
  failures: Array<{ label: string; from: string; error: string }>;
  load: { txs: number; ok: number; blocks: number; firstBlock: string | null; lastBlock: string | null };
  demoBlocks: { first: string | null; last: string | null };
  execution: { available: boolean; blocks?: Array<{ number: string; txs: number; groups: number }> };
  l1:
    | { checked: false; reason: string }
    | {
        checked: true;
        batches: Array<{ batchIndex: number; firstBlock: string; lastBlock: string }>;
        verdicts: Array<{ batchIndex: number; verdict: string }>;
        error?: string;
      };
  ok: boolean;
}

/** `parallax_challengerStatus` of the devnet's challenger. */
export async function challengerStatus(d: Devnet): Promise<{ l2Head: string; verdicts: Verdict[] }> {
  const res = await fetch(d.urls.challenger, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'parallax_challengerStatus', params: [] }),
    signal: AbortSignal.timeout(5000),
  });
  const j = (await res.json()) as { result?: { l2Head: string; verdicts: Verdict[] }; error?: { message: string } };
  if (j.result === undefined) throw new Error(`parallax_challengerStatus: ${j.error?.message ?? 'no result'}`);
  return j.result;
}

/** viem public client on the devnet's L1. */
export function l1Client(d: Devnet): PublicClient {
  return createPublicClient({ transport: http(d.urls.l1, { timeout: 10_000 }), pollingInterval: 250 }) as PublicClient;
}

/** `OutputChallenged` events of the devnet's OutputOracle since its deployment. */
export async function outputChallengedEvents(d: Devnet): Promise<Array<{ batchIndex: bigint; challenger: Hex; transactionHash: Hex }>> {
  const a = d.addresses();
  const logs = await l1Client(d).getLogs({ address: a.outputOracle, fromBlock: a.deployedAtBlock, toBlock: 'latest' });
  const events = parseEventLogs({ abi: outputOracleAbi(), logs, eventName: 'OutputChallenged' }) as unknown as Array<{
    args: { batchIndex: bigint; challenger: Hex };
    transactionHash: Hex;
  }>;
  return events.map((e) => ({ batchIndex: e.args.batchIndex, challenger: e.args.challenger, transactionHash: e.transactionHash }));
}

/** Whether all the devnet's ports accept a new listener (nothing of it is left listening). */
export async function portsFree(ports: DevnetPorts): Promise<boolean> {
  for (const p of Object.values(ports)) if (!(await isPortFree(p))) return false;
  return true;
}
