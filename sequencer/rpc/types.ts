/**
 * Shapes shared by the JSON-RPC server, its dispatcher and the method files.
 */
import type { RpcBackend } from './backend.ts';

/** Minimal logger; the server logs unexpected (non-ParallaxError) failures through it. */
export interface RpcLogger {
  debug?(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
  error(msg: string, meta?: Record<string, unknown>): void;
}

/** Settings the methods read. */
export interface RpcConfig {
  /** web3_clientVersion, e.g. "parallax/v0.1.0/linux-x64/node22.23.3". */
  clientVersion: string;
  /** eth_getLogs: most blocks one query may span; default 10,000. */
  maxLogBlockRange: number;
  /** eth_feeHistory: most blocks per query (geth: 1024). */
  maxFeeHistory: number;
}

/** What every method handler receives. */
export interface RpcContext {
  backend: RpcBackend;
  config: RpcConfig;
}

/**
 * One JSON-RPC method: `params` is the request's raw `params` (array, absent or anything a
 * client sent); the result must be JSON-serializable (no bigint).
 * @throws ParallaxError carrying the JSON-RPC code and message.
 */
export type RpcMethod = (ctx: RpcContext, params: unknown) => unknown | Promise<unknown>;
