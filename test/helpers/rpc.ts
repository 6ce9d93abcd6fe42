/** Raw JSON-RPC over fetch, for what a viem client would not send. */

export interface RpcReply {
  /** HTTP status. */
  status: number;
  body: { jsonrpc?: string; id?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } } | unknown[] | undefined;
}

/** POSTs `body` (sent as is) as application/json; parses the reply when it is JSON. */
export async function postRaw(url: string, body: string): Promise<RpcReply> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  let parsed: RpcReply['body'];
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed };
}

/** One JSON-RPC call; returns the response object (result or error). */
export async function rpcCall(
  url: string,
  method: string,
  params: unknown = [],
): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> {
  const r = await postRaw(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
  if (r.body === undefined || Array.isArray(r.body)) throw new Error(`unexpected reply to ${method}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
}
