/** eth_getTransactionByHash(hash): a sealed or pending tx, or null. */
import { formatTransaction } from '../formatters.ts';
import { arg, checkArity, parseHash } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const eth_getTransactionByHash: RpcMethod = ({ backend }, params) => {
  const p = checkArity(params, 1, 1);
  const tx = backend.getTransaction(arg(p, 0, (v) => parseHash(v)));
  if (tx === undefined) return null;
  const baseFee = tx.blockNumber === null ? undefined : backend.getBlockByNumber(tx.blockNumber)?.baseFeePerGas;
  return formatTransaction(tx, baseFee);
};
