/**
 * The parallel executor: one L2 block's txs split into conflict-free groups, run on a pool of
 * worker threads, validated and merged so the result is identical to sequential execution in
 * block order (state root, receipts, logs, gas).
 *
 * Algorithm (optimistic, validated; see README "Parallel execution"):
 * 1. Decode txs and recover senders once (native secp256k1), on the main thread; workers reuse
 *    the public keys. Initial groups: txs of one sender together.
 * 2. Round: run the pending groups on the workers, each group from the pre-block state, txs in
 *    block order, recording read and write sets (access.ts).
 * 3. Validate (groups.ts): groups whose real access sets conflict are joined; a tx touching the
 *    coinbase explicitly is joined with every earlier tx. Joined groups are re-executed in the
 *    next round (their txs count as re-executed); untouched groups keep their results. Repeat
 *    until no conflict remains (at worst one group = sequential).
 * 4. Merge (merge.ts): write the groups' final values into the main state; credit the fees of
 *    groups that did not touch the coinbase as a commutative delta; withdrawals; state root.
 * A tx still failing after validation is truly invalid: `InvalidTransactionError`.
 * If the pool breaks (a worker dies), the block is executed sequentially instead and logged.
 */
import { bytesToHex, type Hex } from 'viem';
import { publicToAddress } from '@ethereumjs/util';
import { InvalidTransactionError } from '../errors.ts';
import type { StateDb } from '../state/state-db.ts';
import { hex } from './access.ts';
import { ConflictPredictor, groupBySender, joinConflicts, UnionFind } from './groups.ts';
import { applyGroups, creditCoinbase } from './merge.ts';
import { WorkerPool } from './pool.ts';
import type { GroupResult, RunMsg, WireTx } from './protocol.ts';
import { accumulateGas, receiptsRootAndBloom } from './receipts.ts';
import { assertBlockGas, SequentialExecutor } from './sequential.ts';
import { applyPreBlock, applyWithdrawals } from './system.ts';
import type { BlockEnv, BlockExecutor, BlockResult, TxReceipt } from './types.ts';

export interface ParallelExecutorOptions {
  /** Worker threads (default: available parallelism). */
  workers?: number;
  /** Called when the pool fails and a block falls back to sequential execution. */
  onFallback?: (err: Error) => void;
}

export class ParallelExecutor implements BlockExecutor {
  readonly stateDb: StateDb;
  private readonly opts: ParallelExecutorOptions;
  private pool?: WorkerPool;
  private readonly predictor = new ConflictPredictor();

  constructor(stateDb: StateDb, opts: ParallelExecutorOptions = {}) {
    this.stateDb = stateDb;
    this.opts = opts;
  }

  private getPool(): WorkerPool {
    if (this.pool === undefined || !this.pool.healthy) {
      void this.pool?.close();
      this.pool = new WorkerPool(this.stateDb.path, BigInt(this.stateDb.common.chainId()), this.opts.workers);
    }
    return this.pool;
  }

  /** See {@link BlockExecutor.executeBlock}. */
  async executeBlock(parentStateRoot: Hex, env: BlockEnv, txs: Uint8Array[]): Promise<BlockResult> {
    try {
      return await this.executeParallel(parentStateRoot, env, txs);
    } catch (err) {
      this.stateDb.kv.discard();
      if (err instanceof InvalidTransactionError) throw err;
      this.opts.onFallback?.(err as Error);
      const res = await new SequentialExecutor(this.stateDb).executeBlock(parentStateRoot, env, txs);
      return res;
    }
  }

  private async executeParallel(parentStateRoot: Hex, env: BlockEnv, raws: Uint8Array[]): Promise<BlockResult> {
    const t0 = performance.now();
    const common = this.stateDb.common;
    const n = raws.length;
    // 1. decode + recover senders once, in the workers
    const pool = n > 0 ? this.getPool() : undefined;
    const recovered = pool === undefined ? { pubkeys: [], gasLimits: [], features: [] } : await pool.recover(raws);
    const wire: WireTx[] = raws.map((raw, i) => {
      const pk = recovered.pubkeys[i]!;
      if (typeof pk === 'string') throw new InvalidTransactionError(i, pk);
      return { index: i, raw, senderPubKey: pk };
    });
    const senders = wire.map((w) => hex(publicToAddress(w.senderPubKey)));
    const recoverMs = performance.now() - t0;

    const sm = await this.stateDb.stateManager(parentStateRoot);
    let root = parentStateRoot;
    if (await applyPreBlock(sm, common, env)) {
      root = bytesToHex(await sm.getStateRoot());
      this.stateDb.flush();
    }

    // 2-3. rounds of execution and validation
    const uf = new UnionFind(n);
    groupBySender(senders, uf);
    const predicted = this.predictor.preJoin(recovered.features, uf);
    const done = new Map<string, { group: number[]; result: GroupResult }>();
    let pending = uf.groups();
    let rounds = 0;
    let reexecuted = 0;
    const conflictKeys = new Map<string, number>();
    const tExec = performance.now();
    while (pending.length > 0) {
      rounds++;
      if (rounds > 1) for (const g of pending) reexecuted += g.length;
      const results = await this.runGroups(pool!, root, env, wire, pending);
      pending.forEach((g, i) => done.set(g.join(','), { group: g, result: results[i]! }));
      const executed = [...done.values()];
      if (!joinConflicts(executed, uf, conflictKeys)) break;
      const next = uf.groups();
      const keys = new Set(next.map((g) => g.join(',')));
      for (const k of [...done.keys()]) if (!keys.has(k)) done.delete(k);
      pending = next.filter((g) => !done.has(g.join(',')));
    }
    const final = [...done.values()];
    const execMs = performance.now() - tExec;
    this.predictor.learn(recovered.features, senders, final.map((e) => e.group));

    // receipts in block order; the first tx (in block order) that fails its group or the block
    // gas rule makes the block invalid, exactly where the sequential executor would stop
    const receipts: TxReceipt[] = new Array(n);
    const failedAt = new Map<number, string>();
    let fees = 0n;
    for (const { result } of final) {
      result.txIndices.forEach((idx, k) => (receipts[idx] = result.receipts[k]!));
      if (result.failed !== undefined) failedAt.set(result.failed.index, result.failed.message);
      if (result.explicitCoinbase.length === 0) for (const v of result.minerValues) fees += v;
    }
    let used = 0n;
    for (let i = 0; i < n; i++) {
      assertBlockGas(i, used, recovered.gasLimits[i]!, env.gasLimit);
      const failure = failedAt.get(i);
      if (failure !== undefined) throw new InvalidTransactionError(i, failure);
      used += receipts[i]!.gasUsed;
    }

    // 4. merge
    const tMerge = performance.now();
    await applyGroups(
      sm,
      final.map((e) => e.result),
    );
    if (n > 0) await creditCoinbase(sm, env.coinbase, fees);
    await applyWithdrawals(sm, env);
    const tRoot = performance.now();
    const mergeMs = tRoot - tMerge;
    const gasUsed = accumulateGas(receipts);
    // the receipts root is computed on a worker while this thread computes the state root
    const receiptsP = pool === undefined ? receiptsRootAndBloom(receipts) : pool.receiptsRoot(receipts);
    receiptsP.catch(() => {});
    const stateRoot = bytesToHex(await sm.getStateRoot());
    this.stateDb.flush();
    const rootMs = performance.now() - tRoot;
    const { receiptsRoot, logsBloom } = await receiptsP;
    return {
      stateRoot,
      receiptsRoot,
      logsBloom,
      gasUsed,
      receipts,
      stats: {
        mode: 'parallel',
        txs: n,
        groups: final.length,
        groupSizes: final.map((e) => e.group.length).sort((a, b) => b - a),
        reexecuted,
        rounds,
        predicted,
        workers: pool?.size ?? 0,
        ms: performance.now() - t0,
        rootMs,
        recoverMs,
        execMs,
        mergeMs,
        hotKeys: [...conflictKeys.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5)
          .map(([key, joins]) => ({ key: describeKey(key), joins })),
      },
    };
  }

  /** Distributes groups over the workers (largest first, to the least-loaded worker). */
  private async runGroups(pool: WorkerPool, root: Hex, env: BlockEnv, wire: WireTx[], groups: number[][]): Promise<GroupResult[]> {
    const load = new Array<number>(pool.size).fill(0);
    const assigned: number[][] = Array.from({ length: pool.size }, () => []);
    const order = groups.map((g, i) => i).sort((a, b) => groups[b]!.length - groups[a]!.length || a - b);
    for (const gi of order) {
      let w = 0;
      for (let k = 1; k < pool.size; k++) if (load[k]! < load[w]!) w = k;
      load[w]! += groups[gi]!.length;
      assigned[w]!.push(gi);
    }
    const jobs: Array<Omit<RunMsg, 'type' | 'id'> | undefined> = assigned.map((gis) =>
      gis.length === 0
        ? undefined
        : { root, env, groups: gis.map((gi) => groups[gi]!), txs: gis.flatMap((gi) => groups[gi]!.map((i) => wire[i]!)) },
    );
    const out = await pool.runAll(jobs);
    const results: GroupResult[] = new Array(groups.length);
    assigned.forEach((gis, w) => gis.forEach((gi, k) => (results[gi] = out[w]![k]!)));
    return results;
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}

/** `0xaddr` for an account key, `0xaddr[slot]` for a storage key, `0xaddr*` for a reset. */
function describeKey(key: string): string {
  if (key === 'coinbase') return key;
  if (key.length === 104) return `0x${key.slice(0, 40)}[0x${key.slice(40)}]`;
  return `0x${key}`;
}
