/**
 * The minimal structured logger the batcher and proposer write to. Any object with these three
 * methods works (pino, console wrappers, test spies).
 */

/** Structured logger: a message plus optional fields (bigints are fine). */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** JSON-safe copy of log fields: bigints become decimal strings, errors their message. */
export function jsonFields(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = typeof v === 'bigint' ? v.toString() : v instanceof Error ? v.message : v;
  }
  return out;
}

/**
 * One JSON line per entry on stderr: `{"t":..., "level":..., "component":..., "msg":..., ...fields}`.
 * @param component e.g. `batcher`, `proposer`.
 */
export function consoleLogger(component: string): Logger {
  const write = (level: string, msg: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level, component, msg, ...jsonFields(fields) })}\n`);
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Short message of an error for logs (viem errors carry long multi-line details). */
export function errMessage(err: unknown): string {
  const e = err as { shortMessage?: string; message?: string };
  return (e?.shortMessage ?? e?.message ?? String(err)).split('\n')[0]!;
}
