/**
 * parallax_getBlockExecution(block = "latest"): how the parallel executor split a block
 * (ExecutionStats; counts and milliseconds as JSON numbers, plus `blockNumber`), or null.
 */
import { formatExecutionStats } from '../formatters.ts';
import { arg, checkArity, parseBlockNumberOrHash } from '../params.ts';
import { findBlock } from '../resolve.ts';
import type { RpcMethod } from '../types.ts';

export const parallax_getBlockExecution: RpcMethod = ({ backend }, params) => {
  const p = checkArity(params, 1);
  const block = findBlock(backend, arg(p, 0, (v) => parseBlockNumberOrHash(v)));
  if (block === undefined) return null;
  const stats = backend.blockExecution(block.number);
  return stats === undefined ? null : formatExecutionStats(block.number, stats);
};
