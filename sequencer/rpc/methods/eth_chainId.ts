/** eth_chainId (EIP-695): the L2 chain id as a hex quantity. */
import { hexQ } from '../formatters.ts';
import { checkArity } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const eth_chainId: RpcMethod = (ctx, params) => {
  checkArity(params, 0);
  return hexQ(ctx.backend.chainId);
};
