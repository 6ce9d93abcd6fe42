/** eth_maxPriorityFeePerGas: suggested EIP-1559 tip (wei per gas). */
import { hexQ } from '../formatters.ts';
import { checkArity } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const eth_maxPriorityFeePerGas: RpcMethod = ({ backend }, params) => {
  checkArity(params, 0);
  return hexQ(backend.suggestedTip());
};
