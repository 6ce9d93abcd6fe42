/**
 * eth_getLogs(filter): logs of sealed blocks matching a filter (`blockHash`, or `fromBlock` /
 * `toBlock`, default "latest"; `address`; positional `topics`). A range may span at most
 * `maxLogBlockRange` blocks (default 10,000); `toBlock` beyond the head is clamped to it.
 */
import { invalidParams, serverError } from '../errors.ts';
import { formatLog } from '../formatters.ts';
import { arg, type BlockRef, checkArity, parseFilter } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const eth_getLogs: RpcMethod = ({ backend, config }, params) => {
  const p = checkArity(params, 1, 1);
  const f = arg(p, 0, parseFilter);
  const head = backend.headNumber();
  let from: bigint;
  let to: bigint;
  if (f.blockHash !== undefined) {
    const block = backend.getBlockByHash(f.blockHash);
    if (block === undefined) throw serverError('UNKNOWN_BLOCK', 'unknown block');
    from = to = block.number;
  } else {
    const num = (r: BlockRef | undefined): bigint => (r === undefined || 'hash' in r ? head : 'tag' in r ? (r.tag === 'earliest' ? 0n : head) : r.number);
    from = num(f.fromBlock);
    to = num(f.toBlock);
    if (from > to) throw invalidParams('invalid block range params');
    if (from > head) return [];
    if (to > head) to = head;
    if (to - from + 1n > BigInt(config.maxLogBlockRange)) throw invalidParams(`exceed maximum block range: ${config.maxLogBlockRange}`);
  }
  const logs = backend.getLogs({
    fromBlock: from,
    toBlock: to,
    ...(f.addresses !== undefined ? { addresses: f.addresses } : {}),
    ...(f.topics !== undefined ? { topics: f.topics } : {}),
  });
  return logs.map(formatLog);
};
