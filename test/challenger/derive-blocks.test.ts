/** Rule D1 (`deriveBlocks` in sequencer/codec/derive.ts, used by challenger and prover). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BatchBlock, encodeBatch } from '../../sequencer/codec/batch.ts';
import { deriveBlocks, emptyBlocks } from '../../sequencer/codec/derive.ts';
import { ParallaxError } from '../../sequencer/errors.ts';

const blocks: BatchBlock[] = [
  { number: 5n, timestamp: 100n, txs: ['0x01'] },
  { number: 6n, timestamp: 102n, txs: [] },
];
const data = encodeBatch(blocks).data;
const ctx = { expectedFirstBlock: 5n, parentTimestamp: 90n };

describe('derivation rule D1', () => {
  it('valid data yields its own blocks', () => {
    assert.deepEqual(deriveBlocks({ firstBlock: 5n, lastBlock: 6n, data }, ctx), { blocks, invalid: null });
  });

  it('undecodable, inconsistent or unavailable data yields one empty block per number, parent + 1 s each', () => {
    const empty = [
      { number: 5n, timestamp: 91n, txs: [] },
      { number: 6n, timestamp: 92n, txs: [] },
    ];
    assert.deepEqual(emptyBlocks(5n, 6n, 90n), empty);
    const garbage = deriveBlocks({ firstBlock: 5n, lastBlock: 6n, data: '0x00ff' }, ctx);
    assert.deepEqual(garbage.blocks, empty);
    assert.equal(garbage.invalid?.reason, 'DECODE');
    // Decodes, but covers 5..6 while the event says 5..7: the event's range is what counts.
    const range = deriveBlocks({ firstBlock: 5n, lastBlock: 7n, data }, ctx);
    assert.equal(range.invalid?.reason, 'RANGE');
    assert.deepEqual(range.blocks.map((b) => [b.number, b.timestamp, b.txs.length]), [[5n, 91n, 0], [6n, 92n, 0], [7n, 93n, 0]]);
    const late = deriveBlocks({ firstBlock: 5n, lastBlock: 6n, data }, { expectedFirstBlock: 5n, parentTimestamp: 100n });
    assert.equal(late.invalid?.reason, 'TIMESTAMP');
    assert.deepEqual(late.blocks, emptyBlocks(5n, 6n, 100n));
    const missing = deriveBlocks({ firstBlock: 5n, lastBlock: 5n, data: null }, ctx, 'not an appendBatch call');
    assert.deepEqual(missing, { blocks: [{ number: 5n, timestamp: 91n, txs: [] }], invalid: { reason: 'DECODE', message: 'not an appendBatch call' } });
  });

  it('a range that does not continue the chain is an error, not a batch', () => {
    assert.throws(() => deriveBlocks({ firstBlock: 6n, lastBlock: 6n, data }, ctx), (e) => e instanceof ParallaxError && e.code === 'DERIVATION_GAP');
    assert.throws(() => deriveBlocks({ firstBlock: 5n, lastBlock: 4n, data }, ctx), (e) => e instanceof ParallaxError && e.code === 'DERIVATION_GAP');
  });
});
