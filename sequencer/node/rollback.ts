/**
 * Rewriting the sequencer's own chain after L1 said it differs (docs/dispute-game.md):
 *
 * - **rollback** (`OutputsDeleted`): the blocks after the last remaining output's block are
 *   deleted and re-executed from their stored data (same txs, same timestamps, in order) under
 *   rule D2 (`executeDroppingInvalid`), so the chain again equals what L1 data derives to.
 * - **replace with empty** (rule D1, a batch whose data does not derive): the batch's range
 *   becomes empty blocks (`emptyBlocks`: timestamp parent + 1 each), the range's original txs go
 *   back to the mempool, and the later local blocks are re-executed under D2.
 *
 * Both are a {@link ReplayPlan}: "delete everything after block `from`, then commit these blocks
 * in order, then hand these txs back to the mempool". The deletion and the plan are written in
 * one SQLite transaction (meta key `replay`), each re-executed block is committed in its own
 * transaction, and the plan is removed at the end, so a crash in the middle is resumed by
 * {@link resumeReplay} when the node opens again. State trie nodes are content-addressed: the old
 * ones stay (harmless, unreferenced).
 *
 * Txs that end up in no block (D1's range, D2's drops) are re-validated by `mempool.add` against
 * the new head; refusals (e.g. nonce too low) are logged and ignored.
 */
import { hexToBytes, keccak256, type Hex } from 'viem';
import type { BlockBuilder } from '../builder/builder.ts';
import { emptyBlocks } from '../codec/derive.ts';
import { ParallaxError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Mempool } from '../mempool/index.ts';
import type { ChainStore } from '../store/chain-store.ts';

/** Meta key of the replay plan in progress. */
export const REPLAY_META_KEY = 'replay';

/** What a rollback or a D1 replacement does to the chain (see module doc). */
export interface ReplayPlan {
  kind: 'rollback' | 'replace-empty';
  /** Blocks after this number are deleted, then `blocks` are committed on top of it. */
  from: bigint;
  /** Blocks `from + 1 ..` in order: number, timestamp (unix seconds), raw txs. */
  blocks: Array<{ number: bigint; timestamp: bigint; txs: Hex[] }>;
  /** Raw txs to return to the mempool besides D2's drops (D1: the replaced range's txs). */
  returnToMempool: Hex[];
}

/** What a replay did. */
export interface ReplayOutcome {
  kind: ReplayPlan['kind'];
  from: bigint;
  /** Blocks committed by this call. */
  replayed: number;
  /** Head number and state root afterwards. */
  head: bigint;
  headStateRoot: Hex;
  /** Txs dropped under D2 while re-executing (hash and reason). */
  dropped: Array<{ hash: Hex; reason: string }>;
  /** Txs handed back to the mempool and admitted. */
  returned: Hex[];
  /** Txs the mempool refused (hash and reason). */
  refused: Array<{ hash: Hex; reason: string }>;
}

/** What the replay needs of the node. */
export interface ReplayContext {
  store: ChainStore;
  builder: BlockBuilder;
  mempool: Mempool;
  logger: Logger;
  /** Called after the deletion (the node drops its cached head state). */
  onTruncate?: () => void;
}

/**
 * The plan of a rollback to block `l2Block`: every later block re-executed from its stored data.
 * @throws ParallaxError `UNKNOWN_BLOCK` when `l2Block` is not in the chain.
 */
export function planRollback(store: ChainStore, l2Block: bigint): ReplayPlan {
  if (l2Block < 0n || l2Block > store.headNumber()) {
    throw new ParallaxError('UNKNOWN_BLOCK', `rollback: block ${l2Block} is not in the chain (head ${store.headNumber()})`);
  }
  const blocks = store.blocksAfter(l2Block).map((b) => ({ number: b.number, timestamp: b.timestamp, txs: b.txs.map((t) => t.raw) }));
  return { kind: 'rollback', from: l2Block, blocks, returnToMempool: [] };
}

/**
 * The plan of rule D1 for the range `first..last`, or undefined when the local blocks of the
 * range already are D1's empty blocks (nothing to do).
 * @throws ParallaxError `BAD_RANGE` unless `1 <= first <= last <= head`.
 */
export function planReplaceWithEmpty(store: ChainStore, first: bigint, last: bigint): ReplayPlan | undefined {
  const head = store.headNumber();
  if (first < 1n || last < first || last > head) {
    throw new ParallaxError('BAD_RANGE', `replaceWithEmpty: range ${first}..${last} is not within blocks 1..${head}`);
  }
  const parent = store.header(first - 1n)!;
  const empty = emptyBlocks(first, last, parent.timestamp);
  const after = store.blocksAfter(first - 1n);
  const range = after.filter((b) => b.number <= last);
  const already = range.every((b, i) => b.txs.length === 0 && b.timestamp === empty[i]!.timestamp);
  if (already) return undefined;
  return {
    kind: 'replace-empty',
    from: first - 1n,
    blocks: [
      ...empty.map((b) => ({ number: b.number, timestamp: b.timestamp, txs: [] as Hex[] })),
      ...after.filter((b) => b.number > last).map((b) => ({ number: b.number, timestamp: b.timestamp, txs: b.txs.map((t) => t.raw) })),
    ],
    returnToMempool: range.flatMap((b) => b.txs.map((t) => t.raw)),
  };
}

function encodePlan(p: ReplayPlan): string {
  return JSON.stringify({
    kind: p.kind,
    from: p.from.toString(),
    blocks: p.blocks.map((b) => ({ number: b.number.toString(), timestamp: b.timestamp.toString(), txs: b.txs })),
    returnToMempool: p.returnToMempool,
  });
}

function decodePlan(s: string): ReplayPlan {
  const j = JSON.parse(s) as { kind: ReplayPlan['kind']; from: string; blocks: Array<{ number: string; timestamp: string; txs: Hex[] }>; returnToMempool: Hex[] };
  return {
    kind: j.kind,
    from: BigInt(j.from),
    blocks: j.blocks.map((b) => ({ number: BigInt(b.number), timestamp: BigInt(b.timestamp), txs: b.txs })),
    returnToMempool: j.returnToMempool,
  };
}

/**
 * Executes a plan: deletes the blocks after `plan.from` and records the plan (one transaction),
 * then {@link continueReplay}. The caller must hold the node's chain lock (no block production
 * in between).
 */
export async function applyReplay(ctx: ReplayContext, plan: ReplayPlan): Promise<ReplayOutcome> {
  ctx.store.truncateAfter(plan.from, () => ctx.store.setMeta(REPLAY_META_KEY, encodePlan(plan)));
  ctx.onTruncate?.();
  ctx.logger.warn(
    { kind: plan.kind, from: Number(plan.from), blocks: plan.blocks.length, returnToMempool: plan.returnToMempool.length },
    'chain truncated; re-executing',
  );
  return continueReplay(ctx, plan);
}

/**
 * Resumes a plan left by a crash (meta key `replay`), if any.
 * @returns the outcome, or undefined when no plan was pending.
 */
export async function resumeReplay(ctx: ReplayContext): Promise<ReplayOutcome | undefined> {
  const s = ctx.store.getMeta(REPLAY_META_KEY);
  if (s === undefined) return undefined;
  const plan = decodePlan(s);
  ctx.logger.warn({ kind: plan.kind, from: Number(plan.from), head: Number(ctx.store.headNumber()) }, 'resuming an interrupted re-execution');
  if (ctx.store.headNumber() < plan.from) throw new ParallaxError('REPLAY_CORRUPT', `replay plan starts after block ${plan.from} but the head is ${ctx.store.headNumber()}`);
  return continueReplay(ctx, plan);
}

/**
 * Commits the plan's blocks that are not in the chain yet (numbers above the head), in order,
 * each under D2; then returns to the mempool the plan's txs that are in no block, and removes the
 * plan.
 * @throws ParallaxError `REPLAY_CORRUPT` when the head is not where the plan's next block goes.
 */
export async function continueReplay(ctx: ReplayContext, plan: ReplayPlan): Promise<ReplayOutcome> {
  const { store, builder, mempool, logger } = ctx;
  const dropped: ReplayOutcome['dropped'] = [];
  let replayed = 0;
  for (const b of plan.blocks) {
    if (b.number <= store.headNumber()) continue;
    if (b.number !== store.headNumber() + 1n) {
      throw new ParallaxError('REPLAY_CORRUPT', `replay: next block is ${b.number} but the head is ${store.headNumber()}`);
    }
    const r = await builder.replayBlock(b.timestamp, b.txs.map((t) => hexToBytes(t)));
    for (const d of r.dropped) {
      const hash = keccak256(d.raw);
      dropped.push({ hash, reason: d.reason });
      logger.warn({ block: Number(b.number), tx: hash, reason: d.reason }, 'replay: tx dropped (rule D2)');
    }
    replayed++;
  }
  // Everything of the plan that is in no block now goes back to the mempool, in chain order.
  const candidates = [...plan.returnToMempool, ...plan.blocks.flatMap((b) => b.txs)];
  const returned: Hex[] = [];
  const refused: ReplayOutcome['refused'] = [];
  for (const raw of candidates) {
    const hash = keccak256(raw);
    if (store.getTx(hash) !== undefined || mempool.has(hash)) continue;
    try {
      await mempool.add(raw);
      returned.push(hash);
    } catch (err) {
      refused.push({ hash, reason: (err as Error).message });
      logger.warn({ tx: hash, reason: (err as Error).message }, 'replay: mempool refused a returned tx; dropped');
    }
  }
  store.deleteMeta(REPLAY_META_KEY);
  const head = store.header(store.headNumber())!;
  const outcome: ReplayOutcome = { kind: plan.kind, from: plan.from, replayed, head: head.number, headStateRoot: head.stateRoot, dropped, returned, refused };
  logger.warn(
    { kind: plan.kind, from: Number(plan.from), replayed, head: Number(head.number), stateRoot: head.stateRoot, dropped: dropped.length, returned: returned.length, refused: refused.length },
    plan.kind === 'rollback' ? 'rollback done' : 'range replaced by empty blocks (rule D1)',
  );
  return outcome;
}
