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
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChallengerStatus } from './challenger.ts';

/** Default port of the status server. */
export const DEFAULT_STATUS_PORT = 9546;

/** Largest request body accepted, bytes. */
const MAX_BODY = 1024 * 1024;

export interface StatusServer {
  /** `http://host:port`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

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
  const host = opts.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return reply(405, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'POST only' } });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reply(413, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'request too large' } });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(200, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
      }
      if (Array.isArray(body)) {
        if (body.length === 0) return reply(200, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'empty batch' } });
        return reply(200, body.map((b) => handle(b, opts.getStatus)));
      }
      reply(200, handle(body, opts.getStatus));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
