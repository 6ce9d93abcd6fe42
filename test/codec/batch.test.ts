/**
 * sequencer/codec/batch.ts: round trips, every encode/decode error path, and a fuzz run showing
 * that arbitrary bytes only ever raise BatchDecodeError.
 */
import assert from 'node:assert/strict';
import { brotliCompressSync, constants as zc, deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { RLP, type Input } from '@ethereumjs/rlp';
import { bytesToHex, type Hex } from 'viem';
import {
  type BatchBlock,
  type BatchCompression,
  BatchDecodeError,
  type BatchDecodeReason,
  decodeBatch,
  DEFAULT_COMPRESSION,
  encodeBatch,
  MAX_DECOMPRESSED_BYTES,
  rlpSizeBound,
} from '../../sequencer/codec/batch.ts';
import { makeRealisticBlocks } from '../../sequencer/codec/bench.ts';
import { ParallaxError } from '../../sequencer/errors.ts';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const randBytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));

/** A batch with version 0, compression `c` and the given raw payload. */
function framed(payload: Uint8Array, c: BatchCompression = 'none', version = 0): Uint8Array {
  const body =
    c === 'none' ? payload : c === 'deflate' ? deflateSync(payload, { level: 1 }) : brotliCompressSync(payload, { params: { [zc.BROTLI_PARAM_QUALITY]: 1 } });
  return Uint8Array.from([version, { none: 0, deflate: 1, brotli: 2 }[c], ...body]);
}
const rlp = (x: Input) => RLP.encode(x);

function rejects(data: Uint8Array, reason: BatchDecodeReason): void {
  assert.throws(
    () => decodeBatch(data),
    (e: unknown) => {
      assert.ok(e instanceof BatchDecodeError, `expected BatchDecodeError, got ${String(e)}`);
      assert.equal(e.code, 'BATCH_DECODE');
      assert.equal(e.reason, reason, e.message);
      return true;
    },
  );
}

const simple: BatchBlock[] = [
  { number: 7n, timestamp: 1_700_000_010n, txs: ['0x02f86b01', '0xdeadbeef'] },
  { number: 8n, timestamp: 1_700_000_012n, txs: [] },
  { number: 9n, timestamp: 1_700_000_013n, txs: ['0xf86c80'] },
];

describe('encodeBatch / decodeBatch round trip', () => {
  for (const compression of ['none', 'deflate', 'brotli'] as const) {
    it(`${compression}: decodes to the same blocks, header bytes as documented`, () => {
      const { data, rawBytes } = encodeBatch(simple, { compression });
      assert.equal(data[0], 0);
      assert.equal(data[1], { none: 0, deflate: 1, brotli: 2 }[compression]);
      const d = decodeBatch(data);
      assert.deepEqual(d, { version: 0, compression, blocks: simple, rawBytes });
    });
  }

  it('payload is RLP([firstBlock, [[tsDelta, [tx...]]...]]) with the first delta absolute', () => {
    const { data, rawBytes } = encodeBatch(simple, { compression: 'none' });
    const expected = rlp([7, [[1_700_000_010, ['0x02f86b01', '0xdeadbeef']], [2, []], [1, ['0xf86c80']]]]);
    assert.equal(bytesToHex(data.subarray(2)), bytesToHex(expected));
    assert.equal(rawBytes, expected.length);
  });

  it('uses the documented default compression, and any level decodes', () => {
    assert.equal(DEFAULT_COMPRESSION, 'brotli');
    assert.equal(encodeBatch(simple).data[1], 2);
    for (const level of [1, 5, 11]) assert.deepEqual(decodeBatch(encodeBatch(simple, { level }).data).blocks, simple);
    assert.deepEqual(decodeBatch(encodeBatch(simple, { compression: 'deflate', level: 1 }).data).blocks, simple);
  });

  it('round-trips viem-signed transfers, compressing them', async () => {
    const blocks = await makeRealisticBlocks({ blocks: 4, txsPerBlock: 6, erc20Share: 0.5, firstBlock: 100n });
    for (const compression of ['deflate', 'brotli'] as const) {
      const { data, rawBytes } = encodeBatch(blocks, { compression });
      assert.ok(data.length < rawBytes, `${compression}: ${data.length} >= ${rawBytes}`);
      assert.deepEqual(decodeBatch(data).blocks, blocks);
    }
  });

  it('handles extreme values: block 1, timestamp 0 and 2^64-1', () => {
    const max = (1n << 64n) - 1n;
    const blocks: BatchBlock[] = [
      { number: 1n, timestamp: 0n, txs: [] },
      { number: 2n, timestamp: max, txs: ['0x00'] },
    ];
    assert.deepEqual(decodeBatch(encodeBatch(blocks).data).blocks, blocks);
  });
});

describe('encodeBatch errors', () => {
  const bad: Array<[string, BatchBlock[]]> = [
    ['no blocks', []],
    ['block 0', [{ number: 0n, timestamp: 1n, txs: [] }]],
    ['gap', [{ number: 1n, timestamp: 1n, txs: [] }, { number: 3n, timestamp: 2n, txs: [] }]],
    ['decreasing timestamp', [{ number: 1n, timestamp: 5n, txs: [] }, { number: 2n, timestamp: 4n, txs: [] }]],
    ['timestamp > 2^64-1', [{ number: 1n, timestamp: 1n << 64n, txs: [] }]],
    ['empty tx', [{ number: 1n, timestamp: 1n, txs: ['0x'] }]],
    ['odd hex tx', [{ number: 1n, timestamp: 1n, txs: ['0x123' as Hex] }]],
    ['non-hex tx', [{ number: 1n, timestamp: 1n, txs: ['0xzz' as Hex] }]],
  ];
  for (const [name, blocks] of bad) {
    it(`rejects ${name} with BATCH_ENCODE`, () => {
      assert.throws(() => encodeBatch(blocks), (e: unknown) => e instanceof ParallaxError && e.code === 'BATCH_ENCODE');
    });
  }
});

describe('decodeBatch errors', () => {
  const good = rlp([1, [[10, ['0x01']]]]);

  it('TOO_SHORT', () => {
    rejects(new Uint8Array(0), 'TOO_SHORT');
    rejects(Uint8Array.from([0]), 'TOO_SHORT');
  });
  it('BAD_VERSION', () => {
    rejects(framed(good, 'none', 1), 'BAD_VERSION');
    rejects(framed(good, 'brotli', 0xff), 'BAD_VERSION');
  });
  it('BAD_COMPRESSION', () => {
    rejects(Uint8Array.from([0, 3, ...good]), 'BAD_COMPRESSION');
  });
  it('DECOMPRESS_FAILED: garbage and truncated streams', () => {
    rejects(Uint8Array.from([0, 1, 1, 2, 3, 4]), 'DECOMPRESS_FAILED');
    rejects(Uint8Array.from([0, 1]), 'DECOMPRESS_FAILED');
    const d = framed(good, 'deflate');
    rejects(d.subarray(0, d.length - 3), 'DECOMPRESS_FAILED');
    const b = framed(good, 'brotli');
    rejects(b.subarray(0, b.length - 1), 'DECOMPRESS_FAILED');
  });
  it('TOO_LARGE: decompression bombs and oversized raw payloads', () => {
    const big = new Uint8Array(MAX_DECOMPRESSED_BYTES + 1);
    const deflateBomb = framed(big, 'deflate');
    const brotliBomb = framed(big, 'brotli');
    assert.ok(deflateBomb.length < 100_000 && brotliBomb.length < 5_000, `bombs are small: ${deflateBomb.length}, ${brotliBomb.length}`);
    rejects(deflateBomb, 'TOO_LARGE');
    rejects(brotliBomb, 'TOO_LARGE');
    rejects(framed(big, 'none'), 'TOO_LARGE');
  });
  it('TRAILING_BYTES after the compressed stream', () => {
    rejects(Uint8Array.from([...framed(good, 'deflate'), 0]), 'TRAILING_BYTES');
    rejects(Uint8Array.from([...framed(good, 'brotli'), 1, 2]), 'TRAILING_BYTES');
  });
  it('BAD_RLP: truncated, trailing, non-canonical', () => {
    rejects(framed(good.subarray(0, good.length - 1)), 'BAD_RLP');
    rejects(framed(Uint8Array.from([...good, 0x80])), 'BAD_RLP');
    rejects(framed(Uint8Array.from([0x81, 0x05])), 'BAD_RLP'); // single byte < 0x80 must not be prefixed
    rejects(framed(new Uint8Array(0)), 'BAD_RLP');
  });
  it('BAD_SHAPE', () => {
    rejects(framed(rlp('0x01')), 'BAD_SHAPE'); // not a list
    rejects(framed(rlp([1])), 'BAD_SHAPE'); // 1 item
    rejects(framed(rlp([1, [], 3])), 'BAD_SHAPE'); // 3 items
    rejects(framed(rlp([[1], [[10, []]]])), 'BAD_SHAPE'); // firstBlock is a list
    rejects(framed(rlp([1, '0x01'])), 'BAD_SHAPE'); // blocks is not a list
    rejects(framed(rlp([1, [[10]]])), 'BAD_SHAPE'); // block entry has 1 item
    rejects(framed(rlp([1, ['0x0a']])), 'BAD_SHAPE'); // block entry is not a list
    rejects(framed(rlp([1, [[[10], []]]])), 'BAD_SHAPE'); // delta is a list
    rejects(framed(rlp([1, [[10, '0x01']]])), 'BAD_SHAPE'); // txs is not a list
    rejects(framed(rlp([1, [[10, [['0x01']]]]])), 'BAD_SHAPE'); // a tx is a list
  });
  it('BAD_NUMBER', () => {
    rejects(framed(rlp([0, [[10, []]]])), 'BAD_NUMBER'); // block 0
    rejects(framed(rlp([Uint8Array.from([0, 1]), [[10, []]]])), 'BAD_NUMBER'); // leading zero
    rejects(framed(rlp([1, [[Uint8Array.from([0, 10]), []]]])), 'BAD_NUMBER'); // leading zero in delta
    rejects(framed(rlp([1n << 64n, [[10, []]]])), 'BAD_NUMBER'); // 9 bytes
    rejects(framed(rlp([(1n << 64n) - 1n, [[1, []], [1, []]]])), 'BAD_NUMBER'); // last number overflows
    rejects(framed(rlp([1, [[(1n << 64n) - 1n, []], [1, []]]])), 'BAD_NUMBER'); // timestamp overflows
  });
  it('NO_BLOCKS', () => {
    rejects(framed(rlp([1, []])), 'NO_BLOCKS');
  });
  it('EMPTY_TX', () => {
    rejects(framed(rlp([1, [[10, ['0x01', new Uint8Array(0)]]]])), 'EMPTY_TX');
  });
});

describe('decodeBatch fuzz', () => {
  function onlyDecodeErrors(data: Uint8Array): 'ok' | BatchDecodeReason {
    try {
      decodeBatch(data);
      return 'ok';
    } catch (e) {
      if (!(e instanceof BatchDecodeError)) assert.fail(`non-BatchDecodeError for ${bytesToHex(data)}: ${String(e)}`);
      return e.reason;
    }
  }

  it('random byte strings with random headers only raise BatchDecodeError', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const body = randBytes(Math.floor(rand() * 64));
      const header = [rand() < 0.9 ? 0 : Math.floor(rand() * 256), Math.floor(rand() * 4)];
      seen.add(onlyDecodeErrors(Uint8Array.from([...header, ...body])));
    }
    // random compressed streams: the valid compressions over random RLP-ish payloads
    for (let i = 0; i < 200; i++) {
      const c = (['none', 'deflate', 'brotli'] as const)[i % 3]!;
      const payload = Uint8Array.from([0xc0 + Math.floor(rand() * 64), ...randBytes(Math.floor(rand() * 40))]);
      seen.add(onlyDecodeErrors(framed(payload, c)));
    }
    assert.ok(seen.size >= 4, `exercised several paths: ${[...seen].join(',')}`);
  });

  it('bit flips and truncations of valid batches only raise BatchDecodeError', () => {
    for (const compression of ['none', 'deflate', 'brotli'] as const) {
      const { data } = encodeBatch(simple, { compression });
      for (let i = 0; i < 100; i++) {
        const m = Uint8Array.from(data);
        const flips = 1 + Math.floor(rand() * 3);
        for (let f = 0; f < flips; f++) m[Math.floor(rand() * m.length)]! ^= 1 << Math.floor(rand() * 8);
        onlyDecodeErrors(rand() < 0.2 ? m.subarray(0, Math.floor(rand() * m.length)) : m);
      }
    }
  });
});

describe('payload size cap on the encoder side', () => {
  it('rlpSizeBound bounds the real payload, and the encoder refuses payloads readers would reject', () => {
    const blocks = simple;
    assert.ok(rlpSizeBound(blocks) >= encodeBatch(blocks, { compression: 'none' }).rawBytes);
    const zeros = `0x${'00'.repeat(1024 * 1024)}` as Hex;
    const big: BatchBlock[] = Array.from({ length: 11 }, (_, i) => ({ number: 1n + BigInt(i), timestamp: BigInt(i), txs: [zeros] }));
    assert.ok(rlpSizeBound(big) > MAX_DECOMPRESSED_BYTES);
    assert.throws(() => encodeBatch(big), (e: unknown) => e instanceof ParallaxError && e.code === 'BATCH_ENCODE' && /MAX_DECOMPRESSED_BYTES/.test(e.message));
    const ok = encodeBatch(big.slice(0, 9), { compression: 'deflate', level: 1 });
    assert.ok(ok.data.length < 50_000 && ok.rawBytes > 9 * 1024 * 1024);
    assert.equal(decodeBatch(ok.data).blocks.length, 9);
  });
});
