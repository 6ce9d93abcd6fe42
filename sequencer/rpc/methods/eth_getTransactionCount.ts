/**
 * eth_getTransactionCount(address, block = "latest"): the account nonce at a block; with
 * "pending", the next nonce counting the sender's gap-free txs in the mempool.
 */
import { hexQ } from '../formatters.ts';
import { arg, checkArity, parseAddress, parseBlockNumberOrHash } from '../params.ts';
import { stateBlockNumber } from '../resolve.ts';
import type { RpcMethod } from '../types.ts';

export const eth_getTransactionCount: RpcMethod = async ({ backend }, params) => {
  const p = checkArity(params, 2, 1);
  const address = arg(p, 0, (v) => parseAddress(v));
  const ref = arg(p, 1, (v) => parseBlockNumberOrHash(v));
  if ('tag' in ref && ref.tag === 'pending') return hexQ(await backend.pendingNonce(address));
  return hexQ((await backend.getAccount(address, stateBlockNumber(backend, ref))).nonce);
};
