/**
 * A tiny JSON-RPC 2.0 server on node:http (POST only, single and batch requests), shared by the
 * challenger's status server and the prover-stub. Transport errors as geth gives them: -32700
 * parse error, -32600 invalid request / empty batch / body over the limit (HTTP 413).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running server. */
export interface JsonRpcServer {
  /** `http://host:port`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the server; `handle` answers one request object (already JSON-parsed, not validated).
 * @param opts.port 0 picks a free port (tests).
 * @param opts.host default 127.0.0.1.
 * @param opts.maxBody largest request body, bytes (default 1 MiB).
 * @throws the listen error (e.g. EADDRINUSE).
 */
export async function startJsonRpcServer(opts: {
  port: number;
  host?: string;
  maxBody?: number;
  handle: (request: unknown) => unknown;
}): Promise<JsonRpcServer> {
  const host = opts.host ?? '127.0.0.1';
  const maxBody = opts.maxBody ?? 1024 * 1024;
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return reply(405, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'POST only' } });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) {
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
        void Promise.all(body.map((b) => opts.handle(b))).then((out) => reply(200, out));
        return;
      }
      void Promise.resolve(opts.handle(body)).then((out) => reply(200, out));
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
