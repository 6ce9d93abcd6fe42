/**
 * eth_sendRawTransaction(data): admits a signed tx to the mempool and returns its hash; the
 * mempool's validation errors pass through with geth's messages (-32000).
 */
import { arg, checkArity, parseBytes } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const eth_sendRawTransaction: RpcMethod = async ({ backend }, params) => {
  const p = checkArity(params, 1, 1);
  const raw = arg(p, 0, (v) => parseBytes(v));
  return await backend.sendRawTransaction(raw);
};
