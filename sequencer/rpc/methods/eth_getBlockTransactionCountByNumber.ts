/** eth_getBlockTransactionCountByNumber(block): number of txs in a block, or null. */
import { hexQ } from '../formatters.ts';
import { arg, checkArity, parseBlockNumber } from '../params.ts';
import { findBlock } from '../resolve.ts';
import type { RpcMethod } from '../types.ts';

export const eth_getBlockTransactionCountByNumber: RpcMethod = ({ backend }, params) => {
  const p = checkArity(params, 1, 1);
  const block = findBlock(backend, arg(p, 0, (v) => parseBlockNumber(v)));
  return block === undefined ? null : hexQ(block.txHashes.length);
};
