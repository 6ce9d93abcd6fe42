/**
 * The challenger's structured logger (same shape as the batcher's, which it may not import):
 * JSON lines on stderr.
 */

/** Structured logger: a message plus optional fields (bigints are fine). */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function jsonFields(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = typeof v === 'bigint' ? v.toString() : v instanceof Error ? v.message : v;
  return out;
}

/** One JSON line per entry on stderr, `component: "challenger"`. */
export function consoleLogger(component = 'challenger'): Logger {
  const write = (level: string, msg: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level, component, msg, ...jsonFields(fields) })}\n`);
  return { info: (m, f) => write('info', m, f), warn: (m, f) => write('warn', m, f), error: (m, f) => write('error', m, f) };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** First line of an error's (short) message. */
export function errMessage(err: unknown): string {
  const e = err as { shortMessage?: string; message?: string };
  return (e?.shortMessage ?? e?.message ?? String(err)).split('\n')[0]!;
}
