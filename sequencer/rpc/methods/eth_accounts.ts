/** eth_accounts: the node manages no keys, so []. */
import { checkArity } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const eth_accounts: RpcMethod = (_ctx, params) => {
  checkArity(params, 0);
  return [];
};
