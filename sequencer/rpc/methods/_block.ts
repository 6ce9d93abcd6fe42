/** Shared by eth_getBlockByNumber / eth_getBlockByHash: a stored block as JSON. */
import type { RpcBackend, StoredBlock } from '../backend.ts';
import { internalError } from '../errors.ts';
import { formatBlock, formatTransaction } from '../formatters.ts';

/** @param fullTx Full tx objects (true) or tx hashes (false). */
export function blockJson(backend: RpcBackend, block: StoredBlock, fullTx: boolean): Record<string, unknown> {
  if (!fullTx) return formatBlock(block, block.txHashes);
  const txs = block.txHashes.map((h) => {
    const tx = backend.getTransaction(h);
    if (tx === undefined) throw internalError(`transaction ${h} of block ${block.number} not found`);
    return formatTransaction(tx, block.baseFeePerGas);
  });
  return formatBlock(block, txs);
}
