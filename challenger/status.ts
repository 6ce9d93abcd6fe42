/**
 * A tiny JSON-RPC 2.0 server (node:http, POST only) exposing the challenger's verdicts:
 *
 *   parallax_challengerStatus() -> { l2Head, verdicts: [{ batchIndex, firstBlock, lastBlock,
 *                                    verdict, postedOutputRoot, computedOutputRoot, challengeTx? }] }
 *
 * Listens on 127.0.0.1:`CHALLENGER_RPC_PORT` (default {@link DEFAULT_STATUS_PORT}). Error codes
 * and messages as geth gives them (-32700 parse error, -32600 invalid request, -32601 method not
 * found). Batch requests (arrays) are answered as arrays.
 */
import { startJsonRpcServer, type JsonRpcServer } from './derivation/json-rpc-server.ts';
import type { ChallengerStatus } from './challenger.ts';

/** Default port of the status server. */
export const DEFAULT_STATUS_PORT = 9546;

/** Largest request body accepted, bytes. */
const MAX_BODY = 1024 * 1024;

export type StatusServer = JsonRpcServer;

type Json = Record<string, unknown>;

function handle(req: unknown, getStatus: () => ChallengerStatus): Json {
  const r = req as Json | null;
  const id = r !== null && typeof r === 'object' && 'id' in r ? r.id : null;
  if (r === null || typeof r !== 'object' || Array.isArray(r) || r.jsonrpc !== '2.0' || typeof r.method !== 'string') {
    return { jsonrpc: '2.0', id, error: { code: -32600, message: 'invalid request' } };
  }
  if (r.method !== 'parallax_challengerStatus') {
    return { jsonrpc: '2.0', id, error: { code: -32601, message: `the method ${r.method} does not exist/is not available` } };
  }
  try {
    return { jsonrpc: '2.0', id, result: getStatus() };
  } catch (err) {
    return { jsonrpc: '2.0', id, error: { code: -32603, message: (err as Error).message } };
  }
}

/**
 * Starts the server.
 * @param opts.port 0 picks a free port (tests).
 * @param opts.host default 127.0.0.1.
 * @throws the listen error (e.g. EADDRINUSE).
 */
export async function startStatusServer(opts: { port: number; host?: string; getStatus: () => ChallengerStatus }): Promise<StatusServer> {
  return startJsonRpcServer({ port: opts.port, host: opts.host, maxBody: MAX_BODY, handle: (req) => handle(req, opts.getStatus) });
}
