/**
 * eth_call(call, block = "latest"): runs a message call on a block's post-state without
 * writing anything; returns its return data. A revert gives code 3 "execution reverted[: reason]"
 * with the revert data as `data`; other exceptional halts give -32000 with the EVM error (as geth).
 */
import { callFailure } from '../estimate.ts';
import { arg, checkArity, parseBlockNumberOrHash, parseCallRequest } from '../params.ts';
import { stateBlockNumber } from '../resolve.ts';
import type { RpcMethod } from '../types.ts';
import { rejectOverrides } from './_overrides.ts';

export const eth_call: RpcMethod = async ({ backend }, params) => {
  const p = checkArity(params, 4, 1);
  const req = arg(p, 0, (v) => parseCallRequest(v, backend.chainId));
  const ref = arg(p, 1, (v) => parseBlockNumberOrHash(v));
  rejectOverrides(p, 2);
  const result = await backend.call(req, stateBlockNumber(backend, ref));
  if (result.status !== 1) throw callFailure(result);
  return result.returnData;
};
