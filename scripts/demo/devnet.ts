/**
 * Finds a running devnet, or starts one (`scripts/devnet.ts --fresh`) for the demo's duration.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sleep } from './l1.ts';
import { probeChainId } from '../lib/probe.ts';


/** A devnet the demo uses; `stop` is a no-op when the demo did not start it. */
export interface DevnetHandle {
  started: boolean;
  /** Where the child's output goes (when started). */
  logFile?: string;
  stop(): Promise<void>;
}

/**
 * Returns a handle on the devnet answering at `l2Url`. If nothing answers, spawns
 * `node scripts/devnet.ts --fresh` (same Node binary, same environment, output to `logFile`)
 * and waits until `eth_chainId` answers.
 * @param opts.root Repository root (the child's cwd).
 * @param opts.timeoutMs How long to wait for the started devnet (ms).
 * @throws Error if `scripts/devnet.ts` is missing, exits early, or does not answer in time
 *   (the child is stopped first).
 */
export async function ensureDevnet(l2Url: string, opts: { root: string; logFile: string; timeoutMs: number }): Promise<DevnetHandle> {
  if ((await probeChainId(l2Url)) !== undefined) return { started: false, stop: async () => {} };

  const script = join(opts.root, 'scripts', 'devnet.ts');
  if (!existsSync(script)) throw new Error(`nothing answers at ${l2Url} and ${script} does not exist to start a devnet`);
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const out = openSync(opts.logFile, 'a');
  const child = spawn(process.execPath, [script, '--fresh'], { cwd: opts.root, stdio: ['ignore', out, out], env: process.env });
  let exited: string | undefined;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    }),
  );

  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exitPromise.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 30_000))),
    ]);
    clearTimeout(timer);
    if (timedOut && exited === undefined) {
      child.kill('SIGKILL');
      await exitPromise;
    }
  };

  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`scripts/devnet.ts exited (${exited}) before answering; see ${opts.logFile}`);
    if ((await probeChainId(l2Url, 1000)) !== undefined) return { started: true, logFile: opts.logFile, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`devnet did not answer at ${l2Url} within ${opts.timeoutMs / 1000} s; see ${opts.logFile}`);
    }
    await sleep(500);
  }
}
