/**
 * The derivation rule: which L2 blocks one L1 batch contributes to the canonical L2 chain.
 * The sequencer (when replaying from L1), the challenger and the prover-stub apply exactly this, so
 * they agree on the chain that L1 data defines (OP Stack: specs/protocol/derivation.md, "Batch
 * Queue" checks, in a much simpler form: one batch per L1 call, no channels, no L1 origin).
 *
 * A batch, as the `BatchAppended` event and the `appendBatch` calldata give it, is **valid** iff
 * 1. its event range starts at the next L2 block of the chain derived so far
 *    (`firstBlock == expectedFirstBlock`) and is non-empty (`lastBlock >= firstBlock`);
 * 2. its data decodes (`decodeBatch`, see batch.ts);
 * 3. the decoded blocks cover exactly the event's range `firstBlock..lastBlock`;
 * 4. timestamps strictly increase, starting above the parent's timestamp when it is given.
 *
 * {@link deriveBatch} reports whether a batch is valid. What an invalid batch contributes is rule
 * D1 of docs/dispute-game.md, applied by {@link deriveBlocks}: **empty blocks**, one per L2 block
 * number of the event's range, each one second after its parent. (The inbox only accepts
 * contiguous, non-empty ranges, so check 1 holds for every inbox batch once D1 is applied.)
 * Transactions that fail execution are not checked here: rule D2 (`executor/drop-invalid.ts`)
 * drops them from their block.
 */
import { hexToBytes, isHex, type Hex } from 'viem';
import { ParallaxError } from '../errors.ts';
import { type BatchBlock, type BatchCompression, BatchDecodeError, decodeBatch } from './batch.ts';

/** One batch as read from L1. */
export interface L1Batch {
  /** Inclusive L2 block range from the `BatchAppended` event (and the calldata). */
  firstBlock: bigint;
  lastBlock: bigint;
  /** The `data` argument of `appendBatch`. */
  data: Uint8Array | Hex;
}

/** Where the derived chain stands when the batch is applied. */
export interface DeriveContext {
  /** Number of the next L2 block the derived chain needs (derived head + 1). */
  expectedFirstBlock: bigint;
  /** Timestamp (unix seconds) of the derived head; the first block must be later. */
  parentTimestamp?: bigint;
}

/** Why a batch is invalid. */
export type InvalidBatchReason = 'DECODE' | 'RANGE' | 'TIMESTAMP';

/** The outcome of {@link deriveBatch}. */
export type DeriveResult =
  | { valid: true; blocks: BatchBlock[]; compression: BatchCompression; rawBytes: number }
  | { valid: false; reason: InvalidBatchReason; message: string; blocks: [] };

/**
 * Applies the derivation rule (module doc) to one batch.
 *
 * @returns `{ valid: true, blocks }` with the blocks to execute in order, or
 *   `{ valid: false, reason, message, blocks: [] }` (see {@link deriveBlocks} for rule D1).
 * @throws nothing (malformed data is a `DECODE` verdict, not an exception).
 */
export function deriveBatch(batch: L1Batch, ctx: DeriveContext): DeriveResult {
  const invalid = (reason: InvalidBatchReason, message: string): DeriveResult => ({ valid: false, reason, message, blocks: [] });
  if (batch.firstBlock !== ctx.expectedFirstBlock) {
    return invalid('RANGE', `batch starts at L2 block ${batch.firstBlock}, derived chain needs ${ctx.expectedFirstBlock}`);
  }
  if (batch.lastBlock < batch.firstBlock) return invalid('RANGE', `empty range ${batch.firstBlock}..${batch.lastBlock}`);

  let bytes: Uint8Array;
  if (typeof batch.data === 'string') {
    if (!isHex(batch.data, { strict: true }) || batch.data.length % 2 === 1) return invalid('DECODE', 'data is not hex bytes');
    bytes = hexToBytes(batch.data);
  } else bytes = batch.data;

  let decoded;
  try {
    decoded = decodeBatch(bytes);
  } catch (err) {
    if (err instanceof BatchDecodeError) return invalid('DECODE', err.message);
    throw err;
  }
  const { blocks } = decoded;
  const first = blocks[0]!.number;
  const last = blocks[blocks.length - 1]!.number;
  if (first !== batch.firstBlock || last !== batch.lastBlock) {
    return invalid('RANGE', `data holds blocks ${first}..${last}, the event says ${batch.firstBlock}..${batch.lastBlock}`);
  }
  let prev = ctx.parentTimestamp;
  for (const b of blocks) {
    if (prev !== undefined && b.timestamp <= prev) {
      return invalid('TIMESTAMP', `block ${b.number}: timestamp ${b.timestamp} is not after ${prev}`);
    }
    prev = b.timestamp;
  }
  return { valid: true, blocks, compression: decoded.compression, rawBytes: decoded.rawBytes };
}

/** The outcome of {@link deriveBlocks}: the blocks to execute, and why the data was rejected. */
export interface DerivedBlocks {
  /** Blocks `firstBlock..lastBlock`, in order: the decoded ones, or D1's empty blocks. */
  blocks: BatchBlock[];
  /** Null when the data was valid; otherwise the {@link deriveBatch} verdict (D1 applied). */
  invalid: { reason: InvalidBatchReason; message: string } | null;
}

/**
 * D1's empty blocks for the range `firstBlock..lastBlock`: no txs, timestamps
 * `parentTimestamp + 1`, `+ 2`, ... (unix seconds).
 */
export function emptyBlocks(firstBlock: bigint, lastBlock: bigint, parentTimestamp: bigint): BatchBlock[] {
  const out: BatchBlock[] = [];
  for (let n = firstBlock, ts = parentTimestamp + 1n; n <= lastBlock; n++, ts++) out.push({ number: n, timestamp: ts, txs: [] });
  return out;
}

/**
 * The blocks one inbox batch contributes to the derived chain, rules D1 (docs/dispute-game.md):
 * the decoded blocks when {@link deriveBatch} accepts the data, else {@link emptyBlocks} over the
 * event's range. `data: null` means the data is unavailable (a `DECODE` verdict, message
 * `unavailable`). Sequencer, challenger and prover call exactly this function.
 *
 * @param ctx `expectedFirstBlock` = derived head + 1, `parentTimestamp` = the head's timestamp.
 * @throws ParallaxError `DERIVATION_GAP` when the event range does not start at
 *   `expectedFirstBlock` or is empty (the inbox rejects such batches, so the caller's chain and
 *   the inbox are out of step).
 */
export function deriveBlocks(
  batch: { firstBlock: bigint; lastBlock: bigint; data: Uint8Array | Hex | null },
  ctx: { expectedFirstBlock: bigint; parentTimestamp: bigint },
  unavailable = 'data unavailable',
): DerivedBlocks {
  if (batch.firstBlock !== ctx.expectedFirstBlock || batch.lastBlock < batch.firstBlock) {
    throw new ParallaxError(
      'DERIVATION_GAP',
      `batch range ${batch.firstBlock}..${batch.lastBlock} does not continue the derived chain at L2 block ${ctx.expectedFirstBlock}`,
    );
  }
  const res: DeriveResult =
    batch.data === null
      ? { valid: false, reason: 'DECODE', message: unavailable, blocks: [] }
      : deriveBatch({ firstBlock: batch.firstBlock, lastBlock: batch.lastBlock, data: batch.data }, ctx);
  if (res.valid) return { blocks: res.blocks, invalid: null };
  return { blocks: emptyBlocks(batch.firstBlock, batch.lastBlock, ctx.parentTimestamp), invalid: { reason: res.reason, message: res.message } };
}
