/** sequencer/codec/derive.ts: the derivation rule's verdicts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex } from 'viem';
import { type BatchBlock, encodeBatch } from '../../sequencer/codec/batch.ts';
import { deriveBatch } from '../../sequencer/codec/derive.ts';

const blocks: BatchBlock[] = [
  { number: 5n, timestamp: 100n, txs: ['0x01'] },
  { number: 6n, timestamp: 102n, txs: [] },
];
const data = encodeBatch(blocks).data;

describe('deriveBatch', () => {
  it('a valid batch yields its blocks (bytes or hex data)', () => {
    for (const d of [data, bytesToHex(data)]) {
      const r = deriveBatch({ firstBlock: 5n, lastBlock: 6n, data: d }, { expectedFirstBlock: 5n, parentTimestamp: 99n });
      assert.equal(r.valid, true);
      assert.deepEqual(r.blocks, blocks);
    }
    assert.equal(deriveBatch({ firstBlock: 5n, lastBlock: 6n, data }, { expectedFirstBlock: 5n }).valid, true);
  });

  it('RANGE: batch not at the derived head', () => {
    const r = deriveBatch({ firstBlock: 5n, lastBlock: 6n, data }, { expectedFirstBlock: 4n });
    assert.equal(r.valid, false);
    assert.equal(!r.valid && r.reason, 'RANGE');
    assert.deepEqual(r.blocks, []);
  });

  it('RANGE: empty event range, or data not matching the event range', () => {
    const check = (firstBlock: bigint, lastBlock: bigint) => {
      const r = deriveBatch({ firstBlock, lastBlock, data }, { expectedFirstBlock: firstBlock });
      assert.equal(!r.valid && r.reason, 'RANGE', `${firstBlock}..${lastBlock}`);
    };
    check(5n, 4n);
    check(5n, 5n);
    check(5n, 7n);
    check(4n, 6n);
  });

  it('DECODE: malformed data is a verdict, not an exception', () => {
    for (const d of [Uint8Array.from([1, 0, 0]), '0x0002ff' as const, '0x0' as const, 'zz' as `0x${string}`]) {
      const r = deriveBatch({ firstBlock: 5n, lastBlock: 6n, data: d }, { expectedFirstBlock: 5n });
      assert.equal(!r.valid && r.reason, 'DECODE');
    }
  });

  it('TIMESTAMP: equal timestamps in the batch, or not after the parent', () => {
    const flat = encodeBatch([
      { number: 5n, timestamp: 100n, txs: [] },
      { number: 6n, timestamp: 100n, txs: [] },
    ]).data;
    const r1 = deriveBatch({ firstBlock: 5n, lastBlock: 6n, data: flat }, { expectedFirstBlock: 5n });
    assert.equal(!r1.valid && r1.reason, 'TIMESTAMP');
    const r2 = deriveBatch({ firstBlock: 5n, lastBlock: 6n, data }, { expectedFirstBlock: 5n, parentTimestamp: 100n });
    assert.equal(!r2.valid && r2.reason, 'TIMESTAMP');
  });
});
