/** eth_getBalance(address, block = "latest"): balance in wei at a block's post-state. */
import { hexQ } from '../formatters.ts';
import { arg, checkArity, parseAddress, parseBlockNumberOrHash } from '../params.ts';
import { stateBlockNumber } from '../resolve.ts';
import type { RpcMethod } from '../types.ts';

export const eth_getBalance: RpcMethod = async ({ backend }, params) => {
  const p = checkArity(params, 2, 1);
  const address = arg(p, 0, (v) => parseAddress(v));
  const n = stateBlockNumber(backend, arg(p, 1, (v) => parseBlockNumberOrHash(v)));
  return hexQ((await backend.getAccount(address, n)).balance);
};
