/** eth_getCode(address, block = "latest"): runtime code at a block ("0x" for none). */
import { arg, checkArity, parseAddress, parseBlockNumberOrHash } from '../params.ts';
import { stateBlockNumber } from '../resolve.ts';
import type { RpcMethod } from '../types.ts';

export const eth_getCode: RpcMethod = async ({ backend }, params) => {
  const p = checkArity(params, 2, 1);
  const address = arg(p, 0, (v) => parseAddress(v));
  const n = stateBlockNumber(backend, arg(p, 1, (v) => parseBlockNumberOrHash(v)));
  return await backend.getCode(address, n);
};
