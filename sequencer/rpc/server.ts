/**
 * The L2 JSON-RPC server over node:http.
 *
 * POST with a JSON-RPC 2.0 body (one call or a batch) -> 200 with the JSON response (see
 * handler.ts for the JSON-RPC rules). Like geth's HTTP transport it also answers:
 * - OPTIONS (CORS preflight) -> 204; every response carries permissive CORS headers;
 * - GET / HEAD -> 200 with a short text (health checks);
 * - other methods -> 405;
 * - a Content-Type that is not JSON -> 415;
 * - a body over `maxRequestBytes` -> 413 with a JSON-RPC error (-32600 "content length too
 *   large (N>LIMIT)"). The server reads (and discards) bodies up to 4x the limit so that the
 *   client receives the answer instead of a reset connection; beyond that it closes.
 * Nothing a client sends makes it throw: handler failures become -32603 responses.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ParallaxError } from '../errors.ts';
import type { RpcBackend } from './backend.ts';
import { invalidRequest, RpcCode } from './errors.ts';
import { Dispatcher, errorResponse } from './handler.ts';
import { METHODS } from './methods/index.ts';
import type { RpcLogger, RpcMethod } from './types.ts';

/** Version reported by web3_clientVersion. */
export const CLIENT_VERSION = `parallax/v0.1.0/${process.platform}-${process.arch}/node${process.versions.node}`;

export interface RpcServerOptions {
  backend: RpcBackend;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Largest request body, bytes; default 5 MiB (geth's limit). */
  maxRequestBytes?: number;
  /** Most calls per batch; default 100. */
  maxBatch?: number;
  /** eth_getLogs: most blocks per query; default 10,000. */
  maxLogBlockRange?: number;
  logger?: RpcLogger;
  /** Extra or replacement methods (name -> handler), e.g. for the node's admin methods. */
  extraMethods?: ReadonlyMap<string, RpcMethod>;
}

export interface RpcServer {
  /** e.g. "http://127.0.0.1:8545". */
  url: string;
  port: number;
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

export const RPC_DEFAULTS = {
  host: '127.0.0.1',
  maxRequestBytes: 5 * 1024 * 1024,
  maxBatch: 100,
  maxLogBlockRange: 10_000,
  maxFeeHistory: 1024,
} as const;

const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
  'Access-Control-Max-Age': '86400',
};

/**
 * Starts the server; resolves once it listens.
 * @throws The listen error (e.g. EADDRINUSE).
 */
export async function startRpcServer(opts: RpcServerOptions): Promise<RpcServer> {
  const host = opts.host ?? RPC_DEFAULTS.host;
  const maxBytes = opts.maxRequestBytes ?? RPC_DEFAULTS.maxRequestBytes;
  const logger = opts.logger;
  const methods = new Map(METHODS);
  for (const [k, v] of opts.extraMethods ?? []) methods.set(k, v);
  const dispatcher = new Dispatcher({
    ctx: {
      backend: opts.backend,
      config: {
        clientVersion: CLIENT_VERSION,
        maxLogBlockRange: opts.maxLogBlockRange ?? RPC_DEFAULTS.maxLogBlockRange,
        maxFeeHistory: RPC_DEFAULTS.maxFeeHistory,
      },
    },
    methods,
    maxBatch: opts.maxBatch ?? RPC_DEFAULTS.maxBatch,
    logger,
  });

  const server = createServer((req, res) => {
    handle(req, res, dispatcher, maxBytes).catch((e: unknown) => {
      logger?.error('rpc request failed', { error: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) send(res, 500, errorResponse(null, new ParallaxError('RPC_INTERNAL', 'internal error', { rpcCode: RpcCode.INTERNAL })));
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: string, contentType = 'application/json', extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...CORS_HEADERS, 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse, dispatcher: Dispatcher, maxBytes: number): Promise<void> {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS_HEADERS);
    res.end();
    return;
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    send(res, 200, 'parallax JSON-RPC endpoint: POST JSON-RPC 2.0 requests (application/json) to this URL\n', 'text/plain; charset=utf-8');
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, 'method not allowed\n', 'text/plain; charset=utf-8', { Allow: 'GET, POST, OPTIONS' });
    req.resume();
    return;
  }
  const ct = req.headers['content-type'];
  if (ct !== undefined && !/json/i.test(ct)) {
    req.resume();
    send(res, 415, errorResponse(null, invalidRequest('invalid content type, only application/json is supported')));
    return;
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  const hardCap = 4 * maxBytes;
  if (declared > hardCap) {
    // Too big to drain: answer and close.
    send(res, 413, errorResponse(null, invalidRequest(`content length too large (${declared}>${maxBytes})`)), 'application/json', { Connection: 'close' });
    req.destroy();
    return;
  }
  const body = await readBody(req, maxBytes, hardCap);
  if (body.tooLarge) {
    send(res, 413, errorResponse(null, invalidRequest(`content length too large (${body.size}>${maxBytes})`)), 'application/json', body.complete ? {} : { Connection: 'close' });
    if (!body.complete) req.destroy();
    return;
  }
  if (!body.complete) return; // client went away
  const out = await dispatcher.handleBody(body.text);
  send(res, 200, out ?? '');
}

/** Reads the body; past `limit` keeps counting (discarding) up to `hardCap`. */
function readBody(req: IncomingMessage, limit: number, hardCap: number): Promise<{ text: string; size: number; tooLarge: boolean; complete: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (complete: boolean) => {
      if (done) return;
      done = true;
      const tooLarge = size > limit;
      resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), size, tooLarge, complete });
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
      if (size > hardCap) {
        req.pause();
        finish(false);
      }
    });
    req.on('end', () => finish(true));
    req.on('error', () => finish(false));
    req.on('close', () => finish(false));
  });
}
