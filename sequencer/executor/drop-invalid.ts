/**
 * Derivation rule D2 (docs/dispute-game.md): a transaction the executor rejects is dropped from
 * its block and the block is executed again without it, until no tx is rejected. The sequencer
 * (when re-executing after a rollback) and the challenger/prover (when deriving from L1) apply
 * exactly this function, so the same L1 data always yields the same chain.
 */
import type { Hex } from 'viem';
import { InvalidTransactionError } from '../errors.ts';
import type { BlockEnv, BlockExecutor, BlockResult } from './types.ts';

export interface DerivedExecution {
  result: BlockResult;
  /** The txs the block finally holds, in order. */
  txs: Uint8Array[];
  /** Dropped txs with the reason, in the order they were dropped. */
  dropped: Array<{ raw: Uint8Array; reason: string }>;
}

/** Executes `txs` as block `env`, dropping rejected txs (rule D2). */
export async function executeDroppingInvalid(
  executor: BlockExecutor,
  parentStateRoot: Hex,
  env: BlockEnv,
  txs: Uint8Array[],
): Promise<DerivedExecution> {
  let kept = [...txs];
  const dropped: DerivedExecution['dropped'] = [];
  for (;;) {
    try {
      const result = await executor.executeBlock(parentStateRoot, env, kept);
      return { result, txs: kept, dropped };
    } catch (err) {
      if (!(err instanceof InvalidTransactionError) || err.txIndex < 0 || err.txIndex >= kept.length) throw err;
      dropped.push({ raw: kept[err.txIndex]!, reason: err.message });
      kept = kept.filter((_, i) => i !== err.txIndex);
    }
  }
}
