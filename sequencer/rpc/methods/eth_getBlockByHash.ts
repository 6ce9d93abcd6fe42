/** eth_getBlockByHash(hash, fullTx = false): a block by hash, or null. */
import { arg, checkArity, parseBool, parseHash } from '../params.ts';
import type { RpcMethod } from '../types.ts';
import { blockJson } from './_block.ts';

export const eth_getBlockByHash: RpcMethod = ({ backend }, params) => {
  const p = checkArity(params, 2, 1);
  const hash = arg(p, 0, (v) => parseHash(v));
  const fullTx = p[1] === undefined || p[1] === null ? false : arg(p, 1, parseBool);
  const block = backend.getBlockByHash(hash);
  return block === undefined ? null : blockJson(backend, block, fullTx);
};
