/**
 * The derivation rule: which L2 blocks one L1 batch contributes to the canonical L2 chain.
 * The sequencer (when replaying from L1) and the challenger apply exactly this function, so
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
 * An **invalid batch is skipped**: its range yields no blocks, the derived chain stays at its
 * parent. (The inbox forces later batches to continue after the skipped range, so under the
 * current rule they fail check 1 as well; a later issue defines how the chain recovers, and it
 * builds on this skip semantics.) Transactions that fail execution are not checked here; the
 * executor reports them (`InvalidTransactionError`), and callers treat the whole batch as invalid
 * in the same way.
 */
import { hexToBytes, isHex, type Hex } from 'viem';
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
 *   `{ valid: false, reason, message, blocks: [] }`: the batch is skipped.
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
