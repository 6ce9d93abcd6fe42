/**
 * The L2 block builder: takes executable txs from the mempool, executes them as the next block
 * (parallel executor), seals the header and commits the block, its receipts and the mempool
 * removal atomically.
 *
 * A tx the executor rejects (invalid against the state it met) is dropped from the mempool with
 * its reason logged, and the block is rebuilt without it. Blocks are built only when txs are
 * pending (no empty blocks), at most one per `blockTimeMs`; timestamps are wall-clock seconds,
 * strictly increasing.
 */
import { hexToBytes, type Hex } from 'viem';
import { blockSize, childEnv, sealChild, type L2Header } from '../chain/header.ts';
import type { RollupConfig } from '../chain/config.ts';
import { BlockGasLimitReachedError, InvalidTransactionError, ParallaxError } from '../errors.ts';
import { executeDroppingInvalid } from '../executor/drop-invalid.ts';
import type { BlockExecutor, BlockResult } from '../executor/types.ts';
import type { Mempool, PendingTx } from '../mempool/index.ts';
import type { ChainStore } from '../store/chain-store.ts';
import type { Logger } from '../log.ts';

export interface BuilderOptions {
  config: RollupConfig;
  store: ChainStore;
  executor: BlockExecutor;
  mempool: Mempool;
  /** Nonce of an account in the head state. */
  stateNonce: (address: Hex) => Promise<bigint>;
  /** Called inside the block's commit transaction (e.g. flush state nodes). */
  onCommit?: () => void;
  /** Called after a block is committed. */
  onBlock?: (header: L2Header, result: BlockResult) => void;
  /** Most txs per block (default 2,000). */
  maxTxsPerBlock?: number;
  /**
   * Test/drill hook: may alter a block's result before it is sealed (`FAULT_BAD_EXECUTION_BLOCK`,
   * `sequencer/node/faults.ts`, writes a wrong value here). Never set in production. Not applied
   * by {@link BlockBuilder.replayBlock}.
   */
  tamper?: (number: bigint, result: BlockResult) => Promise<BlockResult>;
  logger: Logger;
}

export class BlockBuilder {
  private readonly o: BuilderOptions;

  constructor(opts: BuilderOptions) {
    this.o = opts;
  }

  /**
   * Builds and commits one block from pending txs.
   * @param now unix seconds (wall clock by default)
   * @returns the new header, or undefined when no tx was executable.
   */
  async buildOne(now = BigInt(Math.floor(Date.now() / 1000))): Promise<L2Header | undefined> {
    const { store, config, mempool, executor, logger } = this.o;
    const parent = store.header(store.headNumber())!;
    const timestamp = now > parent.timestamp ? now : parent.timestamp + 1n;
    const env = childEnv(config, parent, timestamp, store.ancestors(parent.number));
    let selected: PendingTx[] = await mempool.selectForBlock({
      baseFee: env.baseFeePerGas,
      gasLimit: env.gasLimit,
      stateNonce: this.o.stateNonce,
      maxTxs: this.o.maxTxsPerBlock ?? 2000,
    });
    while (selected.length > 0) {
      const raws = selected.map((t) => hexToBytes(t.raw));
      let result: BlockResult;
      try {
        result = await executor.executeBlock(parent.stateRoot, env, raws);
      } catch (err) {
        if (!(err instanceof InvalidTransactionError)) throw err;
        if (err instanceof BlockGasLimitReachedError) {
          // the tx does not fit: end the block before it and keep it for the next block
          selected = selected.slice(0, err.txIndex);
          continue;
        }
        const bad = selected[err.txIndex]!;
        logger.warn({ tx: bad.hash, reason: err.message }, 'dropping invalid tx');
        mempool.removeIncluded([bad.hash]);
        // later txs of the same sender depend on it: leave them queued (nonce gap)
        selected = selected.filter((t) => t.from !== bad.from);
        continue;
      }
      if (this.o.tamper !== undefined) result = await this.o.tamper(env.number, result);
      const header = await sealChild(config, env, raws, result);
      const size = blockSize(header, raws, config.chainId);
      store.commitBlock(
        { header, size, txs: selected.map((t, i) => ({ raw: raws[i]!, sender: t.from })), receipts: result.receipts, stats: result.stats },
        () => {
          this.o.onCommit?.();
          mempool.removeIncluded(selected.map((t) => t.hash));
        },
      );
      this.o.onBlock?.(header, result);
      return header;
    }
    return undefined;
  }

  /**
   * Re-executes one block from given data on top of the head and commits it: the block number
   * is head + 1, `timestamp` and `txs` come from the original block (rollback) or from
   * derivation rule D1 (empty blocks). Txs the executor rejects are dropped (rule D2,
   * `executeDroppingInvalid`); the block is sealed with the rest. Txs it holds are removed from
   * the mempool in the commit transaction. The `tamper` hook is not applied.
   *
   * @param timestamp unix seconds; must be above the head's.
   * @param txs raw EIP-2718 txs in block order.
   * @returns the sealed header and the dropped txs (with the executor's reason).
   * @throws ParallaxError `BAD_TIMESTAMP` when `timestamp` is not above the head's; executor
   *   errors other than `InvalidTransactionError`.
   */
  async replayBlock(timestamp: bigint, txs: Uint8Array[]): Promise<{ header: L2Header; dropped: Array<{ raw: Uint8Array; reason: string }> }> {
    const { store, config, mempool, executor } = this.o;
    const parent = store.header(store.headNumber())!;
    if (timestamp <= parent.timestamp) {
      throw new ParallaxError('BAD_TIMESTAMP', `replay: block ${parent.number + 1n} timestamp ${timestamp} is not after its parent's ${parent.timestamp}`);
    }
    const env = childEnv(config, parent, timestamp, store.ancestors(parent.number));
    const { result, txs: kept, dropped } = await executeDroppingInvalid(executor, parent.stateRoot, env, txs);
    const header = await sealChild(config, env, kept, result);
    const size = blockSize(header, kept, config.chainId);
    store.commitBlock(
      { header, size, txs: kept.map((raw, i) => ({ raw, sender: result.receipts[i]!.from })), receipts: result.receipts, stats: result.stats },
      () => {
        this.o.onCommit?.();
        mempool.removeIncluded(result.receipts.map((r) => r.hash));
      },
    );
    this.o.onBlock?.(header, result);
    return { header, dropped };
  }
}
