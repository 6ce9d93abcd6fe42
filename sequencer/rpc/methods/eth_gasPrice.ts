/** eth_gasPrice: legacy gas price suggestion = next block's base fee + suggested tip (wei per gas). */
import { hexQ } from '../formatters.ts';
import { checkArity } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const eth_gasPrice: RpcMethod = ({ backend }, params) => {
  checkArity(params, 0);
  return hexQ(backend.nextBaseFee() + backend.suggestedTip());
};
