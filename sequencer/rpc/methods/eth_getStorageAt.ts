/**
 * eth_getStorageAt(address, slot, block = "latest"): 32-byte value of a storage slot. The slot
 * may be short hex ("0x0"); it is left-padded to 32 bytes like geth does.
 */
import { arg, checkArity, parseAddress, parseBlockNumberOrHash, parseStorageKey } from '../params.ts';
import { stateBlockNumber } from '../resolve.ts';
import type { RpcMethod } from '../types.ts';

export const eth_getStorageAt: RpcMethod = async ({ backend }, params) => {
  const p = checkArity(params, 3, 2);
  const address = arg(p, 0, (v) => parseAddress(v));
  const slot = arg(p, 1, parseStorageKey);
  const n = stateBlockNumber(backend, arg(p, 2, (v) => parseBlockNumberOrHash(v)));
  return await backend.getStorageAt(address, slot, n);
};
