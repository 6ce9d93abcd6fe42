/**
 * eth_getBlockByNumber(block, fullTx = false): a block by number or tag, or null. "pending",
 * "safe" and "finalized" give the latest sealed block.
 */
import { arg, checkArity, parseBlockNumber, parseBool } from '../params.ts';
import { findBlock } from '../resolve.ts';
import type { RpcMethod } from '../types.ts';
import { blockJson } from './_block.ts';

export const eth_getBlockByNumber: RpcMethod = ({ backend }, params) => {
  const p = checkArity(params, 2, 1);
  const ref = arg(p, 0, (v) => parseBlockNumber(v));
  const fullTx = p[1] === undefined || p[1] === null ? false : arg(p, 1, parseBool);
  const block = findBlock(backend, ref);
  return block === undefined ? null : blockJson(backend, block, fullTx);
};
