/**
 * JSON-RPC 2.0 message processing, independent of the transport: parses a request body (one
 * call or a batch), dispatches calls to the method table and builds responses the way
 * go-ethereum's rpc package does (rpc/handler.go, rpc/json.go):
 *
 * - unparsable JSON: -32700 "parse error", id null;
 * - not a JSON-RPC 2.0 call object: -32600 "invalid request";
 * - empty batch: one -32600 "empty batch" response (not an array);
 * - batch larger than `maxBatch`: one -32600 "batch too large" response with the first call's id;
 * - unknown method: -32601 "the method X does not exist/is not available";
 * - notifications (no id) run but get no response; a body of only notifications gets none;
 * - a {@link ParallaxError} from a method: its `rpcCode`, `message` and `data`;
 * - anything else thrown: -32603, logged.
 *
 * Calls of a batch run one after another, in order (as geth does), so that e.g. several
 * eth_sendRawTransaction of one sender are admitted in nonce order.
 */
import { ParallaxError } from '../errors.ts';
import { internalError, invalidRequest, methodNotFound, parseError, RpcCode } from './errors.ts';
import type { RpcContext, RpcLogger, RpcMethod } from './types.ts';

type Id = string | number | null;

interface JsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}

export interface DispatcherOptions {
  ctx: RpcContext;
  methods: ReadonlyMap<string, RpcMethod>;
  /** Most calls in one batch (geth BatchRequestLimit default 1000; ours 100). */
  maxBatch: number;
  logger?: RpcLogger;
}

/** Handles request bodies; see the module comment for the rules. */
export class Dispatcher {
  readonly #o: DispatcherOptions;

  constructor(opts: DispatcherOptions) {
    this.#o = opts;
  }

  /**
   * @param body The request body as text.
   * @returns The response body (JSON text), or undefined when nothing is to be sent back
   *   (notifications only). Never throws.
   */
  async handleBody(body: string): Promise<string | undefined> {
    let msg: unknown;
    try {
      msg = JSON.parse(body);
    } catch {
      return errorResponse(null, parseError());
    }
    if (!Array.isArray(msg)) return this.#handleMessage(msg);
    if (msg.length === 0) return errorResponse(null, invalidRequest('empty batch'));
    if (msg.length > this.#o.maxBatch) {
      const first = msg.find((m) => isCall(m)) as { id: Id } | undefined;
      return errorResponse(first?.id ?? null, invalidRequest('batch too large'));
    }
    const parts: string[] = [];
    for (const m of msg) {
      const r = await this.#handleMessage(m);
      if (r !== undefined) parts.push(r);
    }
    return parts.length === 0 ? undefined : `[${parts.join(',')}]`;
  }

  /** One message: a response text, or undefined for a notification. */
  async #handleMessage(m: unknown): Promise<string | undefined> {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return errorResponse(null, invalidRequest());
    const o = m as Record<string, unknown>;
    const hasId = Object.hasOwn(o, 'id');
    const id = validId(o.id) ? (o.id as Id) : null;
    if (o.jsonrpc !== '2.0' || typeof o.method !== 'string' || o.method === '' || (hasId && !validId(o.id))) {
      return errorResponse(id, invalidRequest());
    }
    const method = this.#o.methods.get(o.method);
    let result: unknown;
    try {
      if (method === undefined) throw methodNotFound(o.method.length > 256 ? `${o.method.slice(0, 256)}...` : o.method);
      result = await method(this.#o.ctx, o.params);
    } catch (e) {
      return hasId ? errorResponse(id, this.#toError(e, o.method)) : undefined;
    }
    if (!hasId) return undefined;
    try {
      return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${JSON.stringify(result ?? null)}}`;
    } catch (e) {
      return errorResponse(id, this.#toError(e, o.method));
    }
  }

  #toError(e: unknown, method: string): ParallaxError {
    if (e instanceof ParallaxError) return e;
    const message = e instanceof Error ? e.message : String(e);
    this.#o.logger?.error('rpc method failed', { method, error: message, stack: e instanceof Error ? e.stack : undefined });
    return internalError(`internal error: ${message}`);
  }
}

const validId = (id: unknown): boolean => id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));

const isCall = (m: unknown): boolean =>
  typeof m === 'object' && m !== null && !Array.isArray(m) && (m as Record<string, unknown>).jsonrpc === '2.0' &&
  typeof (m as Record<string, unknown>).method === 'string' && Object.hasOwn(m, 'id') && validId((m as Record<string, unknown>).id);

/** Serialized error response. */
export function errorResponse(id: Id, e: ParallaxError): string {
  const error: JsonRpcError = { code: e.rpcCode, message: e.message };
  if (e.data !== undefined) error.data = e.data;
  let text: string;
  try {
    text = JSON.stringify(error);
  } catch {
    text = JSON.stringify({ code: RpcCode.INTERNAL, message: e.message });
  }
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":${text}}`;
}
