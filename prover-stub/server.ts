/**
 * The prover-stub's JSON-RPC 2.0 server (node:http, POST only, single and batch requests), on
 * 127.0.0.1:`PROVER_RPC_PORT` (default {@link DEFAULT_PROVER_PORT}):
 *
 * - `prover_attestStep(l2BlockNumber, preOutputRoot)`: `l2BlockNumber` a hex quantity ("0x5") or
 *   a decimal string/number, `preOutputRoot` 32-byte hex ->
 *   `{ preOutputRoot, batchDataHash, l2BlockNumber (hex), postOutputRoot, signature, signer,
 *   signatures, proof }` (see attest.ts);
 * - `prover_status()` -> `{ l2Head (decimal string), signer, stepVerifier, l1ChainId }`.
 *
 * Errors as geth gives them: -32700 parse error, -32600 invalid request, -32601 method not found,
 * -32602 invalid params; -32000 when it cannot attest, with `data.reason` = the
 * {@link AttestationError} code (`BLOCK_NOT_DERIVED`: retry later; `PRE_ROOT_MISMATCH`: never).
 */
import { startJsonRpcServer, type JsonRpcServer } from '../challenger/derivation/json-rpc-server.ts';
import type { Hex } from 'viem';
import { ParallaxError } from '../sequencer/errors.ts';
import { AttestationError, attestationToJson, attestStep, type AttestContext } from './attest.ts';

/** Default port of the prover's JSON-RPC server. */
export const DEFAULT_PROVER_PORT = 9547;

/** Largest request body accepted, bytes. */
const MAX_BODY = 1024 * 1024;

type Json = Record<string, unknown>;

/** A running server. */
export type ProverServer = JsonRpcServer;

/**
 * Parses a block number param: a hex quantity, a decimal string, or a safe integer.
 * @throws AttestationError `BAD_PARAMS`.
 */
export function parseBlockNumber(v: unknown): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && (/^0x[0-9a-fA-F]{1,16}$/.test(v) || /^(0|[1-9][0-9]{0,19})$/.test(v))) {
    const n = BigInt(v);
    if (n < 2n ** 64n) return n;
  }
  throw new AttestationError('BAD_PARAMS', `invalid L2 block number ${JSON.stringify(v)} (want a hex quantity or a decimal string)`);
}

async function handle(req: unknown, ctx: AttestContext): Promise<Json> {
  const r = req as Json | null;
  const id = r !== null && typeof r === 'object' && 'id' in r ? r.id : null;
  const error = (code: number, message: string, data?: unknown) => ({ jsonrpc: '2.0', id, error: { code, message, ...(data === undefined ? {} : { data }) } });
  if (r === null || typeof r !== 'object' || Array.isArray(r) || r.jsonrpc !== '2.0' || typeof r.method !== 'string') return error(-32600, 'invalid request');
  const params = r.params === undefined ? [] : r.params;
  if (!Array.isArray(params)) return error(-32602, 'invalid params: want an array');
  try {
    switch (r.method) {
      case 'prover_attestStep': {
        if (params.length !== 2) return error(-32602, `missing value for required argument ${params.length}`);
        const n = parseBlockNumber(params[0]);
        if (typeof params[1] !== 'string') throw new AttestationError('BAD_PARAMS', 'preOutputRoot must be a hex string');
        const att = await attestStep(ctx, n, params[1] as Hex);
        return { jsonrpc: '2.0', id, result: attestationToJson(att) };
      }
      case 'prover_status':
        return {
          jsonrpc: '2.0',
          id,
          result: { l2Head: ctx.chain.head.number.toString(10), signer: ctx.account.address, stepVerifier: ctx.stepVerifier ?? null, l1ChainId: ctx.l1ChainId },
        };
      default:
        return error(-32601, `the method ${r.method} does not exist/is not available`);
    }
  } catch (err) {
    if (err instanceof AttestationError) {
      if (err.code === 'BAD_PARAMS') return error(-32602, `invalid params: ${err.message}`);
      return error(-32000, err.message, { reason: err.code });
    }
    if (err instanceof ParallaxError) return error(-32000, err.message, { reason: err.code });
    return error(-32603, (err as Error).message);
  }
}

/**
 * Starts the server.
 * @param opts.port 0 picks a free port (tests).
 * @param opts.host default 127.0.0.1.
 * @throws the listen error (e.g. EADDRINUSE).
 */
export async function startProverServer(opts: { port: number; host?: string; ctx: AttestContext }): Promise<ProverServer> {
  return startJsonRpcServer({ port: opts.port, host: opts.host, maxBody: MAX_BODY, handle: (req) => handle(req, opts.ctx) });
}
