/** eth_getBlockTransactionCountByHash(hash): number of txs in a block, or null. */
import { hexQ } from '../formatters.ts';
import { arg, checkArity, parseHash } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const eth_getBlockTransactionCountByHash: RpcMethod = ({ backend }, params) => {
  const p = checkArity(params, 1, 1);
  const block = backend.getBlockByHash(arg(p, 0, (v) => parseHash(v)));
  return block === undefined ? null : hexQ(block.txHashes.length);
};
