import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TransactionReceipt } from 'viem';
import type { BatchInfo } from '../../scripts/demo/l1.ts';
import { bytesPerTx, executionFigures, txFigures } from '../../scripts/demo/report.ts';
import type { TxRecord } from '../../scripts/demo/send.ts';

const rec = (kind: TxRecord['kind'], block: bigint | null, ok = true): TxRecord => ({
  kind,
  label: kind,
  from: '0x0000000000000000000000000000000000000001',
  gas: 21000n,
  ok,
  hash: '0x01',
  ...(block === null ? { error: 'send rejected: x' } : { receipt: { blockNumber: block } as TransactionReceipt }),
});

const batch = (i: number, dataBytes: number, decoded?: BatchInfo['decoded']): BatchInfo => ({
  batchIndex: i,
  firstBlock: 1n,
  lastBlock: 2n,
  l1TxHash: '0x02',
  l1Block: 5n,
  dataBytes,
  calldataBytes: dataBytes + 100,
  ...(decoded ? { decoded } : {}),
});

describe('report figures', () => {
  it('counts sent and failed txs by kind and the load blocks', () => {
    const load = { records: [rec('eth', 7n), rec('swap', 8n), rec('swap', 8n, false), rec('hot', null, false)], firstSendAt: 1000, lastReceiptAt: 3000 };
    const f = txFigures(31337, 4, [rec('deploy', 3n)], load);
    assert.deepEqual(f.failed, { swap: 1, hot: 1 });
    assert.equal(f.failures.length, 2);
    assert.equal(f.load.ok, 2);
    assert.equal(f.load.seconds, 2);
    assert.equal(f.load.txPerSecond, 1);
    assert.equal(f.load.blocks, 2);
    assert.deepEqual([f.load.firstBlock, f.load.lastBlock], [7n, 8n]);
    assert.deepEqual([f.demoBlocks.first, f.demoBlocks.last], [3n, 8n]);
  });

  it('computes bytes per tx from decoded batches, else from the given tx count', () => {
    const d = bytesPerTx([batch(0, 1000, { txs: 10, rawBytes: 2000, compression: 'brotli' }), batch(1, 500, { txs: 5, rawBytes: 1000, compression: 'brotli' })], 0);
    assert.deepEqual(d, { compressed: 100, raw: 200, txs: 15, compression: 'brotli' });
    const u = bytesPerTx([batch(0, 1000)], 20);
    assert.deepEqual(u, { compressed: 50, raw: null, txs: 20, compression: null });
  });

  it('summarises execution stats or says why there are none', () => {
    assert.deepEqual(executionFigures('nope'), { available: false, reason: 'nope' });
    const s = { mode: 'parallel' as const, txs: 10, groups: 4, groupSizes: [4, 3, 2, 1], reexecuted: 1, rounds: 2, workers: 2, ms: 5, rootMs: 1 };
    const e = executionFigures(new Map([[5n, s], [6n, { ...s, groups: 2, reexecuted: 0, rounds: 1 }]]));
    assert.ok(e.available);
    if (e.available) {
      assert.equal(e.avgGroupsPerBlock, 3);
      assert.equal(e.reexecuted, 1);
      assert.equal(e.rounds, 2);
    }
  });
});
