/**
 * The parallax batch format: how a contiguous range of sealed L2 blocks is packed into the bytes
 * the batcher posts to `BatchInbox.appendBatch` on L1, and read back by anyone deriving the L2
 * chain from L1 (the challenger, a replica).
 *
 * Like an OP Stack span batch (specs/protocol/delta/span-batches.md) in spirit: one batch carries
 * many blocks, block numbers are implied (contiguous from the first), timestamps are deltas, and
 * the whole payload is compressed once. Unlike OP there are no channels/frames (one L1 call holds
 * one whole batch) and no L1-origin fields (parallax has no deposits yet).
 *
 * ```text
 *  byte 0        byte 1          bytes 2 ..
 * +-----------+---------------+-------------------------------------------------------------+
 * | version=0 | compression   | compress( RLP([ firstBlock, [ [tsDelta, [tx, ...]], ... ] ]) ) |
 * +-----------+---------------+-------------------------------------------------------------+
 *   compression: 0 none | 1 deflate (zlib stream, RFC 1950) | 2 brotli (RFC 7932)
 *
 *   firstBlock   RLP uint64 (canonical, no leading zeros), >= 1: the first block's number;
 *                block i has number firstBlock + i.
 *   tsDelta      RLP uint64: block i's timestamp (unix seconds) minus block i-1's; for i = 0 the
 *                delta is taken from 0, i.e. it is the first block's absolute timestamp.
 *   tx           RLP byte string: the canonical EIP-2718 encoding of one signed transaction,
 *                exactly as in the block (legacy txs are their own RLP list, carried as bytes).
 * ```
 *
 * Decoding is strict: anything malformed throws {@link BatchDecodeError} (code `BATCH_DECODE`)
 * and nothing else; see {@link decodeBatch} for the checks. The decompressed payload is capped at
 * {@link MAX_DECOMPRESSED_BYTES} so a tiny batch cannot make a reader allocate gigabytes.
 */
import { brotliCompressSync, brotliDecompressSync, constants as zc, deflateSync, inflateSync } from 'node:zlib';
import { RLP, type Input } from '@ethereumjs/rlp';
import { bytesToHex, hexToBytes, isHex, type Hex } from 'viem';
import { ParallaxError } from '../errors.ts';

/** One L2 block as a batch carries it: what derivation needs to re-execute it. */
export interface BatchBlock {
  number: bigint;
  /** Unix seconds. */
  timestamp: bigint;
  /** Canonical EIP-2718 encodings of the block's transactions, in block order. */
  txs: Hex[];
}

/** Compression algorithms of the batch format. */
export type BatchCompression = 'none' | 'deflate' | 'brotli';

/** The only batch format version so far. */
export const BATCH_VERSION = 0;

/** Compression byte (byte 1 of a batch) of each algorithm. */
export const COMPRESSION_IDS: Readonly<Record<BatchCompression, number>> = { none: 0, deflate: 1, brotli: 2 };

/**
 * Default compression of {@link encodeBatch}: brotli, chosen by measurement (README: on
 * viem-signed ETH and ERC-20 transfers it is 2.0-3.8% smaller than deflate at level 9).
 */
export const DEFAULT_COMPRESSION: BatchCompression = 'brotli';

/**
 * Largest payload (the RLP, after decompression) a reader accepts: 10 MiB. A batch posted in
 * one L1 transaction is at most ~128 KiB of calldata, and signed txs compress at best ~1.5-2x,
 * so honest batches are far below; the cap only stops decompression bombs.
 */
export const MAX_DECOMPRESSED_BYTES = 10 * 1024 * 1024;

/** Default deflate level of the encoder (zlib's best, 0..9). */
export const DEFLATE_LEVEL = 9;
/**
 * Default brotli quality of the encoder (0..11). Measured (README): quality 9 is 0.4-1.0% larger
 * than 11 but 6-16x faster (30-40 ms instead of 0.2-0.5 s for a ~100 KB batch).
 */
export const BROTLI_QUALITY = 9;

const UINT64_MAX = (1n << 64n) - 1n;

/** Why a batch failed to decode (stable, for logs and tests). */
export type BatchDecodeReason =
  | 'TOO_SHORT'
  | 'BAD_VERSION'
  | 'BAD_COMPRESSION'
  | 'DECOMPRESS_FAILED'
  | 'TOO_LARGE'
  | 'TRAILING_BYTES'
  | 'BAD_RLP'
  | 'BAD_SHAPE'
  | 'BAD_NUMBER'
  | 'NO_BLOCKS'
  | 'EMPTY_TX';

/** A batch that is not a well-formed encoding of the format above. */
export class BatchDecodeError extends ParallaxError {
  /** Which check failed. */
  readonly reason: BatchDecodeReason;
  constructor(reason: BatchDecodeReason, message: string, cause?: unknown) {
    super('BATCH_DECODE', `invalid batch (${reason}): ${message}`, { cause });
    this.name = 'BatchDecodeError';
    this.reason = reason;
  }
}

/** What {@link encodeBatch} returns. */
export interface EncodedBatch {
  /** The batch bytes (version, compression, compressed payload): the `data` of `appendBatch`. */
  data: Uint8Array;
  /** Size of the uncompressed RLP payload, bytes. */
  rawBytes: number;
}

/** What {@link decodeBatch} returns. */
export interface DecodedBatch {
  version: number;
  compression: BatchCompression;
  blocks: BatchBlock[];
  /** Size of the uncompressed RLP payload, bytes. */
  rawBytes: number;
}

/**
 * An upper bound of the RLP payload size of a batch holding these blocks, bytes: 9 per integer
 * and list header, plus 5 per tx header. Lets a batcher stay under {@link MAX_DECOMPRESSED_BYTES}
 * without encoding.
 */
export function rlpSizeBound(blocks: Array<{ txs: Hex[] }>): number {
  let n = 9 + 9 + 9;
  for (const b of blocks) {
    n += 9 + 9 + 9;
    for (const tx of b.txs) n += 5 + (tx.length - 2) / 2;
  }
  return n;
}

/** Canonical big-endian bytes of an unsigned integer (0 -> empty), as RLP wants it. */
function uintBytes(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return hexToBytes(`0x${hex}`);
}

/**
 * Encodes a contiguous, non-empty run of blocks as one batch.
 *
 * @param blocks blocks in order; numbers must be contiguous and >= 1, timestamps (unix seconds)
 *   non-decreasing and < 2^64; each tx a non-empty 0x-hex EIP-2718 encoding.
 * @param opts.compression default {@link DEFAULT_COMPRESSION}.
 * @param opts.level deflate level (0..9, default {@link DEFLATE_LEVEL}) or brotli quality (0..11,
 *   default {@link BROTLI_QUALITY}); any level decodes the same way.
 * @returns the batch bytes and the size of the uncompressed payload (bytes).
 * @throws ParallaxError `BATCH_ENCODE` when the blocks cannot be represented (empty list, gaps in
 *   numbers, block 0, decreasing timestamps, out-of-range values, empty or non-hex tx) or the
 *   payload would exceed {@link MAX_DECOMPRESSED_BYTES} (see {@link rlpSizeBound}).
 */
export function encodeBatch(blocks: BatchBlock[], opts: { compression?: BatchCompression; level?: number } = {}): EncodedBatch {
  const compression = opts.compression ?? DEFAULT_COMPRESSION;
  if (!(compression in COMPRESSION_IDS)) throw encodeError(`unknown compression ${String(compression)}`);
  if (blocks.length === 0) throw encodeError('no blocks');
  const first = blocks[0]!.number;
  if (first < 1n || blocks[blocks.length - 1]!.number > UINT64_MAX) throw encodeError('block numbers out of range');
  let prevTs = 0n;
  const entries: Input[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.number !== first + BigInt(i)) throw encodeError(`block ${b.number} at position ${i}: numbers must be contiguous from ${first}`);
    if (b.timestamp < prevTs || b.timestamp > UINT64_MAX) throw encodeError(`block ${b.number}: timestamp ${b.timestamp} decreases or is out of range`);
    const txs = b.txs.map((tx, j) => {
      if (!isHex(tx, { strict: true }) || tx.length <= 2 || tx.length % 2 === 1) throw encodeError(`block ${b.number} tx ${j}: not a non-empty hex byte string`);
      return hexToBytes(tx);
    });
    entries.push([uintBytes(b.timestamp - prevTs), txs]);
    prevTs = b.timestamp;
  }
  const payload = RLP.encode([uintBytes(first), entries]);
  if (payload.length > MAX_DECOMPRESSED_BYTES) {
    throw encodeError(`payload of ${payload.length} bytes exceeds MAX_DECOMPRESSED_BYTES (${MAX_DECOMPRESSED_BYTES}); readers would reject it`);
  }
  return { data: frame(compression, payload, opts.level), rawBytes: payload.length };
}

function encodeError(msg: string): ParallaxError {
  return new ParallaxError('BATCH_ENCODE', `cannot encode batch: ${msg}`);
}

function frame(compression: BatchCompression, payload: Uint8Array, level: number | undefined): Uint8Array {
  let body: Uint8Array;
  if (compression === 'none') body = payload;
  else if (compression === 'deflate') body = deflateSync(payload, { level: level ?? DEFLATE_LEVEL });
  else {
    body = brotliCompressSync(payload, {
      params: {
        [zc.BROTLI_PARAM_QUALITY]: level ?? BROTLI_QUALITY,
        [zc.BROTLI_PARAM_SIZE_HINT]: payload.length,
      },
    });
  }
  const out = new Uint8Array(2 + body.length);
  out[0] = BATCH_VERSION;
  out[1] = COMPRESSION_IDS[compression];
  out.set(body, 2);
  return out;
}

function decompress(compression: BatchCompression, body: Uint8Array): Uint8Array {
  if (compression === 'none') {
    if (body.length > MAX_DECOMPRESSED_BYTES) throw new BatchDecodeError('TOO_LARGE', `payload of ${body.length} bytes exceeds ${MAX_DECOMPRESSED_BYTES}`);
    return body;
  }
  let res: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    const opts = { maxOutputLength: MAX_DECOMPRESSED_BYTES, info: true as const };
    res = (compression === 'deflate' ? inflateSync(body, opts) : brotliDecompressSync(body, opts)) as unknown as typeof res;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new BatchDecodeError('TOO_LARGE', `decompressed payload exceeds ${MAX_DECOMPRESSED_BYTES} bytes`, err);
    }
    throw new BatchDecodeError('DECOMPRESS_FAILED', `${compression}: ${(err as Error).message}`, err);
  }
  if (res.engine.bytesWritten !== body.length) {
    throw new BatchDecodeError('TRAILING_BYTES', `${body.length - res.engine.bytesWritten} bytes after the end of the ${compression} stream`);
  }
  const b = res.buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Reads a canonical RLP unsigned integer of at most 64 bits. */
function readUint(item: Uint8Array | unknown, what: string): bigint {
  if (!(item instanceof Uint8Array)) throw new BatchDecodeError('BAD_SHAPE', `${what}: expected a byte string, got a list`);
  if (item.length > 8) throw new BatchDecodeError('BAD_NUMBER', `${what}: more than 64 bits`);
  if (item.length > 0 && item[0] === 0) throw new BatchDecodeError('BAD_NUMBER', `${what}: leading zero byte (non-canonical)`);
  return item.length === 0 ? 0n : BigInt(bytesToHex(item));
}

/**
 * Decodes batch bytes (the `data` argument of an `appendBatch` call).
 *
 * Checks, in order, each failing with a {@link BatchDecodeError} of the given `reason`:
 * at least 2 bytes (`TOO_SHORT`); version 0 (`BAD_VERSION`); compression byte 0/1/2
 * (`BAD_COMPRESSION`); the stream decompresses (`DECOMPRESS_FAILED`) to at most
 * {@link MAX_DECOMPRESSED_BYTES} (`TOO_LARGE`) with no bytes after its end (`TRAILING_BYTES`);
 * the payload is exactly one RLP item (`BAD_RLP`) shaped `[uint, [[uint, [bytes...]]...]]`
 * (`BAD_SHAPE`); integers are canonical and fit 64 bits, the first block is >= 1 and the last
 * block number and every timestamp fit 64 bits (`BAD_NUMBER`); at least one block (`NO_BLOCKS`);
 * no empty transaction (`EMPTY_TX`).
 *
 * Equal consecutive timestamps decode fine here; the derivation rule (`derive.ts`) rejects them.
 *
 * @returns blocks with explicit numbers and absolute timestamps (unix seconds), txs as 0x-hex.
 * @throws BatchDecodeError and nothing else, whatever the input.
 */
export function decodeBatch(data: Uint8Array): DecodedBatch {
  try {
    return decodeUnchecked(data);
  } catch (err) {
    if (err instanceof BatchDecodeError) throw err;
    throw new BatchDecodeError('BAD_SHAPE', `unexpected: ${(err as Error)?.message ?? String(err)}`, err);
  }
}

function decodeUnchecked(data: Uint8Array): DecodedBatch {
  if (!(data instanceof Uint8Array) || data.length < 2) throw new BatchDecodeError('TOO_SHORT', `${data?.length ?? 0} bytes; a batch has at least 2`);
  const version = data[0]!;
  if (version !== BATCH_VERSION) throw new BatchDecodeError('BAD_VERSION', `version ${version}, only ${BATCH_VERSION} is known`);
  const cid = data[1]!;
  const compression = (Object.keys(COMPRESSION_IDS) as BatchCompression[]).find((k) => COMPRESSION_IDS[k] === cid);
  if (compression === undefined) throw new BatchDecodeError('BAD_COMPRESSION', `unknown compression byte ${cid}`);
  const payload = decompress(compression, data.subarray(2));

  if (payload.length === 0) throw new BatchDecodeError('BAD_RLP', 'empty payload');
  let top: Uint8Array | unknown[];
  try {
    top = RLP.decode(payload) as Uint8Array | unknown[];
  } catch (err) {
    throw new BatchDecodeError('BAD_RLP', (err as Error).message, err);
  }
  if (!Array.isArray(top) || top.length !== 2) throw new BatchDecodeError('BAD_SHAPE', 'payload must be a 2-item list [firstBlock, blocks]');
  const first = readUint(top[0], 'firstBlock');
  if (first < 1n) throw new BatchDecodeError('BAD_NUMBER', 'firstBlock must be >= 1 (genesis is never batched)');
  const entries = top[1];
  if (!Array.isArray(entries)) throw new BatchDecodeError('BAD_SHAPE', 'blocks must be a list');
  if (entries.length === 0) throw new BatchDecodeError('NO_BLOCKS', 'a batch carries at least one block');
  if (first + BigInt(entries.length) - 1n > UINT64_MAX) throw new BatchDecodeError('BAD_NUMBER', 'last block number exceeds 64 bits');

  const blocks: BatchBlock[] = [];
  let ts = 0n;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as unknown;
    if (!Array.isArray(e) || e.length !== 2) throw new BatchDecodeError('BAD_SHAPE', `block ${i}: must be a 2-item list [tsDelta, txs]`);
    ts += readUint(e[0], `block ${i} timestamp delta`);
    if (ts > UINT64_MAX) throw new BatchDecodeError('BAD_NUMBER', `block ${i}: timestamp exceeds 64 bits`);
    const rawTxs = e[1] as unknown;
    if (!Array.isArray(rawTxs)) throw new BatchDecodeError('BAD_SHAPE', `block ${i}: txs must be a list`);
    const txs: Hex[] = [];
    for (let j = 0; j < rawTxs.length; j++) {
      const tx = rawTxs[j] as unknown;
      if (!(tx instanceof Uint8Array)) throw new BatchDecodeError('BAD_SHAPE', `block ${i} tx ${j}: must be a byte string`);
      if (tx.length === 0) throw new BatchDecodeError('EMPTY_TX', `block ${i} tx ${j}: empty`);
      txs.push(bytesToHex(tx));
    }
    blocks.push({ number: first + BigInt(i), timestamp: ts, txs });
  }
  return { version, compression, blocks, rawBytes: payload.length };
}
