/**
 * Runs the devnet's processes as children: output to a log file per process and, formatted, to
 * the console; stops them in reverse start order on request (SIGINT, then SIGKILL after a grace
 * period); reports a child that dies unexpectedly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** File receiving the raw output. */
  logFile: string;
  /** Echo formatted lines to the console (default true). */
  echo?: boolean;
}

/** One pino JSON line -> `HH:MM:SS [name] msg k=v ...`; other lines as they are. */
export function formatLine(name: string, line: string): string {
  if (!line.startsWith('{')) return `[${name}] ${line}`;
  try {
    const j = JSON.parse(line) as Record<string, unknown>;
    const { level, time, msg, c, pid, hostname, name: _n, ...rest } = j;
    void pid;
    void hostname;
    void _n;
    const lvl = typeof level === 'number' && level >= 50 ? ' ERROR' : typeof level === 'number' && level >= 40 ? ' WARN' : '';
    const t = typeof time === 'string' ? time.slice(11, 19) : '';
    const kv = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ');
    return `${t} [${String(c ?? name)}]${lvl} ${String(msg ?? '')} ${kv}`.trimEnd();
  } catch {
    return `[${name}] ${line}`;
  }
}

export class Supervisor {
  private readonly children: Array<{ spec: ChildSpec; proc: ChildProcess; exited: Promise<number | null> }> = [];
  private stopping = false;
  /** Called when a child exits while not stopping. */
  onUnexpectedExit?: (name: string, code: number | null) => void;

  start(spec: ChildSpec): ChildProcess {
    const out = createWriteStream(spec.logFile, { flags: 'a' });
    const proc = spawn(spec.command, spec.args, { env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [proc.stdout!, proc.stderr!]) {
      stream.pipe(out, { end: false });
      if (spec.echo !== false) {
        createInterface({ input: stream }).on('line', (l) => console.log(formatLine(spec.name, l)));
      }
    }
    const exited = new Promise<number | null>((resolve) =>
      proc.once('exit', (code) => {
        out.end();
        if (!this.stopping) this.onUnexpectedExit?.(spec.name, code);
        resolve(code);
      }),
    );
    this.children.push({ spec, proc, exited });
    return proc;
  }

  /** Stops all children, last started first; each gets `graceMs` after SIGINT before SIGKILL. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const c of [...this.children].reverse()) {
      if (c.proc.exitCode !== null || c.proc.signalCode !== null) continue;
      c.proc.kill('SIGINT');
      const timer = setTimeout(() => c.proc.kill('SIGKILL'), graceMs);
      await c.exited;
      clearTimeout(timer);
    }
  }
}
