/**
 * Resolution of client block references against the node's chain.
 *
 * This sequencer has no separate safe/finalized head in the RPC backend, so 'safe', 'finalized'
 * and 'pending' resolve to the latest sealed block for reads of blocks and state ('pending'
 * nonces come from the mempool, see eth_getTransactionCount).
 */
import type { RpcBackend, StoredBlock } from './backend.ts';
import { headerForHashNotFound, headerNotFound } from './errors.ts';
import type { BlockRef } from './params.ts';

/** Block number a reference names, or undefined when it names no known block. */
export function blockNumberOf(backend: RpcBackend, ref: BlockRef): bigint | undefined {
  if ('tag' in ref) return ref.tag === 'earliest' ? 0n : backend.headNumber();
  if ('number' in ref) return ref.number <= backend.headNumber() ? ref.number : undefined;
  return backend.getBlockByHash(ref.hash)?.number;
}

/** The block a reference names, or undefined (eth_getBlockBy* return null then). */
export function findBlock(backend: RpcBackend, ref: BlockRef): StoredBlock | undefined {
  if ('hash' in ref) return backend.getBlockByHash(ref.hash);
  const n = blockNumberOf(backend, ref);
  return n === undefined ? undefined : backend.getBlockByNumber(n);
}

/**
 * Block number whose post-state a state query (balance, code, call...) reads.
 * @throws -32000 "header not found" (unknown number) / "header for hash not found" (unknown hash).
 */
export function stateBlockNumber(backend: RpcBackend, ref: BlockRef): bigint {
  const n = blockNumberOf(backend, ref);
  if (n === undefined) throw 'hash' in ref ? headerForHashNotFound() : headerNotFound();
  return n;
}
