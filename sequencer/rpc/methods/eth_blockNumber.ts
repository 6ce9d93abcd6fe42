/** eth_blockNumber: number of the latest sealed L2 block. */
import { hexQ } from '../formatters.ts';
import { checkArity } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const eth_blockNumber: RpcMethod = (ctx, params) => {
  checkArity(params, 0);
  return hexQ(ctx.backend.headNumber());
};
