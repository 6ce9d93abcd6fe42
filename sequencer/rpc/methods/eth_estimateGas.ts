/**
 * eth_estimateGas(call, block = "latest"): gas a call needs, by binary search (see estimate.ts).
 */
import { hexQ } from '../formatters.ts';
import { headerNotFound } from '../errors.ts';
import { estimateGas } from '../estimate.ts';
import { arg, checkArity, parseBlockNumberOrHash, parseCallRequest } from '../params.ts';
import { stateBlockNumber } from '../resolve.ts';
import type { RpcMethod } from '../types.ts';
import { rejectOverrides } from './_overrides.ts';

export const eth_estimateGas: RpcMethod = async ({ backend }, params) => {
  const p = checkArity(params, 4, 1);
  const req = arg(p, 0, (v) => parseCallRequest(v, backend.chainId));
  const ref = arg(p, 1, (v) => parseBlockNumberOrHash(v));
  rejectOverrides(p, 2);
  const n = stateBlockNumber(backend, ref);
  const block = backend.getBlockByNumber(n);
  if (block === undefined) throw headerNotFound();
  return hexQ(await estimateGas(backend, req, n, block.gasLimit));
};
