/**
 * Structured logging: pino (JSON lines; `LOG_PRETTY=1` is not needed — pipe to `pino-pretty` if
 * wanted). `LOG_LEVEL` sets the level (default info).
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** A logger named after a component (`sequencer`, `batcher`, `challenger`, ...). */
export function createLogger(name: string): Logger {
  return pino({ name, level: process.env.LOG_LEVEL ?? 'info', base: { c: name }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** Adapts pino to the `(msg, fields)` logger shape used by the batcher, proposer and challenger. */
export function pinoAdapter(l: Logger): {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
} {
  return {
    info: (msg, fields) => l.info(fields ?? {}, msg),
    warn: (msg, fields) => l.warn(fields ?? {}, msg),
    error: (msg, fields) => l.error(fields ?? {}, msg),
  };
}
