/**
 * The reference executor: transactions one after another, in block order, on one state.
 * The challenger uses it (re-execution from L1 data), and the parallel executor is tested
 * against it.
 */
import { runTx } from '@ethereumjs/vm';
import { bytesToHex, type Hex } from 'viem';
import { BlockGasLimitReachedError, InvalidTransactionError } from '../errors.ts';
import type { StateDb } from '../state/state-db.ts';
import { decodeTx, shortMessage } from './decode.ts';
import { envToBlock, makeVm } from './env.ts';
import { accumulateGas, receiptsRootAndBloom, toReceipt } from './receipts.ts';
import { applyPreBlock, applyWithdrawals } from './system.ts';
import type { BlockEnv, BlockExecutor, BlockResult, TxReceipt } from './types.ts';

export class SequentialExecutor implements BlockExecutor {
  readonly stateDb: StateDb;

  constructor(stateDb: StateDb) {
    this.stateDb = stateDb;
  }

  /** See {@link BlockExecutor.executeBlock}. Trie nodes of the new state are flushed to the db. */
  async executeBlock(parentStateRoot: Hex, env: BlockEnv, txs: Uint8Array[]): Promise<BlockResult> {
    const t0 = performance.now();
    const common = this.stateDb.common;
    const sm = await this.stateDb.stateManager(parentStateRoot);
    try {
      const vm = await makeVm(common, sm, env);
      const block = envToBlock(env, common);
      await applyPreBlock(sm, common, env);
      // one checkpoint around the block: without it every tx's final commit flushes the caches
      // into the trie (re-hashing paths per tx); with it the trie is updated once, at the end
      await sm.checkpoint();
      const receipts: TxReceipt[] = [];
      let gasUsed = 0n;
      for (let i = 0; i < txs.length; i++) {
        const tx = decodeTx(txs[i]!, common, i);
        assertBlockGas(i, gasUsed, tx.gasLimit, env.gasLimit);
        let res;
        try {
          res = await runTx(vm, { tx, block, skipHardForkValidation: true, blockGasUsed: gasUsed });
        } catch (err) {
          throw new InvalidTransactionError(i, shortMessage(err), err);
        }
        const receipt = toReceipt(tx, res, env.baseFeePerGas);
        gasUsed += receipt.gasUsed;
        receipts.push(receipt);
      }
      const tRoot = performance.now();
      await sm.commit();
      await applyWithdrawals(sm, env);
      const stateRoot = bytesToHex(await sm.getStateRoot());
      this.stateDb.flush();
      const rootMs = performance.now() - tRoot;
      accumulateGas(receipts);
      const { receiptsRoot, logsBloom } = await receiptsRootAndBloom(receipts);
      return {
        stateRoot,
        receiptsRoot,
        logsBloom,
        gasUsed,
        receipts,
        stats: {
          mode: 'sequential',
          txs: txs.length,
          groups: txs.length === 0 ? 0 : 1,
          groupSizes: txs.length === 0 ? [] : [txs.length],
          reexecuted: 0,
          rounds: 1,
          workers: 1,
          ms: performance.now() - t0,
          rootMs,
        },
      };
    } catch (err) {
      this.stateDb.kv.discard();
      throw err;
    }
  }

  async close(): Promise<void> {}
}

/**
 * A tx whose gas limit exceeds the gas left in the block is invalid (Yellow Paper eq. 58;
 * geth `ErrGasLimitReached`).
 * @throws BlockGasLimitReachedError
 */
export function assertBlockGas(index: number, usedBefore: bigint, txGasLimit: bigint, blockGasLimit: bigint): void {
  if (usedBefore + txGasLimit > blockGasLimit) {
    throw new BlockGasLimitReachedError(index, txGasLimit, blockGasLimit - usedBefore);
  }
}
