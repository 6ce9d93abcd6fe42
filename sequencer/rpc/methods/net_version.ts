/** net_version: the network id as a decimal string (geth uses the chain id's value). */
import { checkArity } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const net_version: RpcMethod = (ctx, params) => {
  checkArity(params, 0);
  return ctx.backend.chainId.toString(10);
};
