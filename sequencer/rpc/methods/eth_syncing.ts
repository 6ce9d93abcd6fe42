/** eth_syncing: always false (the sequencer is the chain's source). */
import { checkArity } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const eth_syncing: RpcMethod = (_ctx, params) => {
  checkArity(params, 0);
  return false;
};
