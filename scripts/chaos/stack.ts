/**
 * The devnet pieces the chaos drills need, started one by one so that the drill holds each pid:
 * a Hardhat L1 node, the rollup contracts deployed to it (DATA_DIR/addresses.json), and the
 * sequencer process (`sequencer/main.ts`: L2 JSON-RPC, builder, batcher, proposer). No prover or
 * challenger: the drills check the sequencer's durability and its L1 posting, not disputes.
 *
 * Every child runs in its own process group; {@link Stack.kill} SIGKILLs what is left, and so
 * does the exit of the drill's process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devnetRollupConfig } from '../../sequencer/chain/config.ts';
import { devnetGenesisOutputRoot } from '../../sequencer/chain/genesis-output.ts';
import { loadConfig } from '../../sequencer/config.ts';
import { compileContracts, deployRollupContracts, readAddresses, REPO_ROOT, writeAddresses, type RollupAddresses } from '../../sequencer/l1/contracts.ts';
import { probeChainId, waitForRpc } from '../lib/probe.ts';
import { TcpProxy } from './proxy.ts';

/** One child process (own process group). */
export interface Proc {
  name: string;
  proc: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last ~4 KB it printed. */
  tail(): string;
}

const live = new Set<number>();
let hooked = false;
function hook(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const pid of live) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  };
  process.once('exit', killAll);
}

/** Spawns `node args` (own process group), output appended to `logFile`. */
export function spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Proc {
  hook();
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (proc.pid === undefined) throw new Error(`failed to spawn ${name}`);
  const pid = proc.pid;
  live.add(pid);
  const file = createWriteStream(logFile, { flags: 'a' });
  let tail = '';
  for (const s of [proc.stdout!, proc.stderr!]) {
    s.on('data', (c: Buffer) => {
      file.write(c);
      tail = (tail + c.toString('utf8')).slice(-4096);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      live.delete(pid);
      setTimeout(() => file.end(), 50);
      resolve({ code, signal });
    }),
  );
  return { name, proc, pid, exited, tail: () => tail };
}

/** SIGKILLs the process group of `p` and waits for the process to exit. */
export async function killProc(p: Proc): Promise<void> {
  try {
    process.kill(-p.pid, 'SIGKILL');
  } catch {
    // gone
  }
  await Promise.race([p.exited, new Promise((r) => setTimeout(r, 5000).unref())]);
}

export interface StackPorts {
  l1: number;
  l2: number;
  /** When set, the sequencer reaches L1 through a {@link TcpProxy} on this port. */
  l1Proxy?: number;
}

export interface Stack {
  workDir: string;
  dataDir: string;
  l1Url: string;
  l2Url: string;
  env: NodeJS.ProcessEnv;
  l1: Proc;
  /** The sequencer's way to L1, when `ports.l1Proxy` is set. */
  proxy?: TcpProxy;
  /** The running sequencer (replaced by {@link Stack.restartSequencer}). */
  sequencer: Proc;
  addresses: RollupAddresses;
  l1Client: PublicClient;
  /** Starts the sequencer again on the same DATA_DIR (after a kill); waits for its L2 JSON-RPC. */
  restartSequencer(): Promise<Proc>;
  /** SIGKILLs everything still running. Idempotent. */
  kill(): Promise<void>;
}

/**
 * Starts L1 (Hardhat node on `ports.l1`), deploys the contracts into `workDir/data`, starts the
 * sequencer (L2 JSON-RPC on `ports.l2`) with short block/batch/propose intervals (overridable by
 * `extraEnv`), and waits for its JSON-RPC.
 * @throws Error with the child's output tail when something does not come up within `timeoutMs`.
 */
export async function startStack(opts: { workDir: string; ports: StackPorts; extraEnv?: Record<string, string>; timeoutMs?: number }): Promise<Stack> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const dataDir = join(opts.workDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const l1Url = `http://127.0.0.1:${opts.ports.l1}`;
  const l2Url = `http://127.0.0.1:${opts.ports.l2}`;
  for (const url of [l1Url, l2Url]) {
    if ((await probeChainId(url, 500)) !== undefined) throw new Error(`something already answers at ${url}`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('FAULT_') || k === 'REDIS_URL' || k === 'NODE_TEST_CONTEXT') delete env[k];
  Object.assign(env, {
    DATA_DIR: dataDir,
    L1_RPC_URL: l1Url,
    L2_RPC_PORT: String(opts.ports.l2),
    L2_BLOCK_TIME_MS: '200',
    BATCH_INTERVAL_MS: '500',
    PROPOSE_INTERVAL_MS: '500',
    EXECUTOR_WORKERS: '2',
    LOG_LEVEL: 'info',
    ...opts.extraEnv,
  });
  const cfg = loadConfig(env);

  const l1 = spawnNode('l1', [join(REPO_ROOT, 'node_modules/hardhat/dist/src/cli.js'), 'node', '--hostname', '127.0.0.1', '--port', String(opts.ports.l1)], env, join(opts.workDir, 'l1.log'));
  const procs: Proc[] = [l1];
  const proxy = opts.ports.l1Proxy === undefined ? undefined : new TcpProxy(opts.ports.l1Proxy, opts.ports.l1);
  const killAll = async () => {
    await proxy?.down();
    for (const p of procs) await killProc(p);
  };
  try {
    await waitForRpc(l1Url, timeoutMs);
    await compileContracts();
    const transport = http(l1Url);
    const l1Client = createPublicClient({ transport, pollingInterval: 100 }) as PublicClient;
    const addresses = await deployRollupContracts({
      wallet: createWalletClient({ account: privateKeyToAccount(cfg.deployerKey), transport }),
      publicClient: l1Client,
      sequencer: privateKeyToAccount(cfg.sequencerKey).address,
      proposer: privateKeyToAccount(cfg.proposerKey).address,
      challengeWindowSeconds: cfg.challengeWindowSeconds,
      proposerBondWei: cfg.proposerBondWei,
      challengerBondWei: cfg.challengerBondWei,
      genesisOutputRoot: await devnetGenesisOutputRoot(devnetRollupConfig({ chainId: cfg.l2ChainId, gasLimit: cfg.l2GasLimit })),
      gameClockSeconds: cfg.gameClockSeconds,
      slashRewardPercent: cfg.slashRewardPercent,
      treasury: cfg.treasury,
    });
    writeAddresses(join(dataDir, 'addresses.json'), addresses);
    if (proxy !== undefined) {
      await proxy.up();
      env.L1_RPC_URL = `http://127.0.0.1:${proxy.port}`;
    }

    const startSequencer = async (): Promise<Proc> => {
      const p = spawnNode('sequencer', [join(REPO_ROOT, 'sequencer/main.ts')], env, join(opts.workDir, 'sequencer.log'));
      procs.push(p);
      const early = p.exited.then((r) => {
        throw new Error(`sequencer exited (code ${r.code}, signal ${r.signal})\n${p.tail()}`);
      });
      early.catch(() => undefined);
      await Promise.race([early, waitForRpc(l2Url, timeoutMs)]);
      return p;
    };
    const stack: Stack = {
      workDir: opts.workDir,
      dataDir,
      l1Url,
      l2Url,
      env,
      l1,
      proxy,
      sequencer: await startSequencer(),
      addresses: readAddresses(join(dataDir, 'addresses.json')),
      l1Client,
      restartSequencer: async () => (stack.sequencer = await startSequencer()),
      kill: killAll,
    };
    return stack;
  } catch (e) {
    await killAll();
    throw new Error(`${(e as Error).message}\n--- l1 tail ---\n${l1.tail().slice(-1500)}`);
  }
}
