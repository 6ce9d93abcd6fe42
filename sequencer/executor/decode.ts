/** Decoding of raw (EIP-2718) transactions for execution. */
import type { Common } from '@ethereumjs/common';
import { createTxFromRLP, type TypedTransaction } from '@ethereumjs/tx';
import { makeTxCommon } from '../chain/common.ts';
import { InvalidTransactionError } from '../errors.ts';

/**
 * Decodes the canonical encoding of a signed tx (legacy RLP list or typed `type || payload`),
 * with the non-copying tx Common of `common`'s chain (see `makeTxCommon`).
 * @throws InvalidTransactionError (with `index`) if it does not decode or is unsigned.
 */
export function decodeTx(raw: Uint8Array, common: Common, index: number): TypedTransaction {
  try {
    const tx = createTxFromRLP(raw, { common: makeTxCommon(common.chainId()) });
    if (!tx.isSigned()) throw new Error('unsigned transaction');
    return tx;
  } catch (err) {
    if (err instanceof InvalidTransactionError) throw err;
    throw new InvalidTransactionError(index, `undecodable transaction: ${(err as Error).message}`, err);
  }
}

/** ethereumjs errors carry a long context suffix; keep the first line for messages. */
export function shortMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split(' -> ')[0]!.split('\n')[0]!.slice(0, 300);
}
