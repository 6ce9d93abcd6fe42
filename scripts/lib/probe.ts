/** Probing JSON-RPC endpoints. */

/**
 * Asks `url` for `eth_chainId`.
 * @returns The chain id, or undefined if nothing answers within `timeoutMs`.
 */
export async function probeChainId(url: string, timeoutMs = 2000): Promise<bigint | undefined> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const j = (await res.json()) as { result?: string };
    return typeof j.result === 'string' ? BigInt(j.result) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits until `url` answers eth_chainId.
 * @throws Error after `timeoutMs` ms.
 */
export async function waitForRpc(url: string, timeoutMs: number): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const id = await probeChainId(url, 1000);
    if (id !== undefined) return id;
    if (Date.now() > deadline) throw new Error(`${url} did not answer eth_chainId within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Waits until `url` answers an HTTP POST at all (any status): for JSON-RPC servers that do not
 * implement `eth_chainId` (the prover-stub).
 * @throws Error after `timeoutMs` ms.
 */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'rpc_modules', params: [] }),
        signal: AbortSignal.timeout(1000),
      });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
