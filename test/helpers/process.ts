/**
 * Child processes for end-to-end tests: spawn with output captured to a log file (and kept in
 * memory for failure messages), wait for conditions and ports, stop with a signal, and kill the
 * whole process group as a last resort so nothing outlives a failed test. Every child gets its
 * own process group; all of them are SIGKILLed if the test process exits or is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A sleep that does not keep the process alive (for timeouts raced against an event). */
const unrefSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Polls `cond` every `intervalMs` until it returns a truthy value.
 * @returns That value.
 * @throws Error naming `what` after `timeoutMs` (with the last error `cond` threw, if any).
 */
export async function waitUntil<T>(
  cond: () => T | Promise<T>,
  opts: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<NonNullable<T>> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ''}`);
    }
    await sleep(opts.intervalMs ?? 200);
  }
}

/** Whether nothing listens on 127.0.0.1:`port` (we can bind it). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Whether any process of process group `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Process groups started by {@link spawnChild} that may still have live members. */
const groups = new Set<number>();
let hooked = false;

function killAllGroups(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/**
 * Once: if the test process exits or is interrupted (Ctrl-C, the runner's timeout), SIGKILL
 * every group we started, so nothing outlives the tests.
 */
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAllGroups);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAllGroups();
      process.exit(130);
    });
  }
}

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed so far (stdout and stderr interleaved). */
  output(): string;
  /** The last `n` characters of the output, for assertion messages. */
  tail(n?: number): string;
}

/**
 * Spawns `command args` in its own process group (so that {@link killGroup} reaches whatever it
 * starts), stdout+stderr to `logFile` and to memory.
 */
export function spawnChild(name: string, command: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; logFile: string }): Child {
  installHooks();
  const proc = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const file = createWriteStream(opts.logFile, { flags: 'a' });
  let out = '';
  for (const s of [proc.stdout!, proc.stderr!]) {
    s.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      file.write(c);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      // Let the pipes flush before the log file is closed.
      setTimeout(() => file.end(), 50);
      resolve({ code, signal });
    }),
  );
  if (proc.pid === undefined) throw new Error(`failed to spawn ${name}: ${command}`);
  groups.add(proc.pid);
  return {
    name,
    proc,
    pid: proc.pid,
    logFile: opts.logFile,
    exited,
    output: () => out,
    tail: (n = 3000) => out.slice(-n),
  };
}

/** Whether the process itself has exited. */
export const hasExited = (c: Child): boolean => c.proc.exitCode !== null || c.proc.signalCode !== null;

/**
 * Sends `signal` to the child and waits up to `timeoutMs` for it to exit.
 * @returns Its exit, or undefined if it is still running after the timeout.
 */
export async function stopChild(c: Child, signal: NodeJS.Signals, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  if (!hasExited(c)) c.proc.kill(signal);
  return Promise.race([c.exited, unrefSleep(timeoutMs).then(() => undefined)]);
}

/**
 * SIGKILLs every process left in the child's process group (the child and whatever it spawned
 * that did not leave the group). Safe to call when all are gone.
 */
export async function killGroup(c: Child): Promise<void> {
  if (groupAlive(c.pid)) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitUntil(() => !groupAlive(c.pid), { timeoutMs: 5000, intervalMs: 50, what: `process group ${c.pid} (${c.name}) to die` }).catch(() => undefined);
  if (!groupAlive(c.pid)) groups.delete(c.pid);
}

/** Runs `command args` to completion (own process group, output to `logFile`). */
export async function runChild(
  name: string,
  command: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; logFile: string; timeoutMs: number },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const c = spawnChild(name, command, args, opts);
  try {
    const r = await Promise.race([c.exited, unrefSleep(opts.timeoutMs).then(() => undefined)]);
    if (r === undefined) throw new Error(`${name} did not finish within ${opts.timeoutMs} ms; output tail:\n${c.tail()}`);
    return { ...r, output: c.output() };
  } finally {
    await killGroup(c);
  }
}
