/** eth_getTransactionReceipt(hash): receipt of a sealed tx, or null (unknown or pending). */
import { formatReceipt } from '../formatters.ts';
import { arg, checkArity, parseHash } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const eth_getTransactionReceipt: RpcMethod = ({ backend }, params) => {
  const p = checkArity(params, 1, 1);
  const r = backend.getReceipt(arg(p, 0, (v) => parseHash(v)));
  return r === undefined ? null : formatReceipt(r);
};
