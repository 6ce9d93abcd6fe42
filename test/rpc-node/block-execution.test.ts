/**
 * parallax_getBlockExecution on a block of several txs: with block production held back, 7
 * transfers are pooled and then sealed in one block by the parallel executor (2 workers).
 * Senders 1-4 pay 4 distinct fresh accounts (independent), senders 5-7 pay one hot account
 * (they conflict on its balance): 5 conflict-free groups, sizes [3, 1, 1, 1, 1].
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { numberToHex, parseEther, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { openTestNode, removeDir, tempDir, type TestNode } from '../helpers/node.ts';
import { rpcCall } from '../helpers/rpc.ts';

interface BlockExecution {
  blockNumber: Hex;
  mode: 'sequential' | 'parallel';
  txs: number;
  groups: number;
  groupSizes: number[];
  reexecuted: number;
  rounds: number;
  workers: number;
  ms: number;
  rootMs: number;
}

const fresh = (i: number): Address => privateKeyToAccount(numberToHex(0xabc000 + i, { size: 32 })).address;

describe('parallax_getBlockExecution', () => {
  const dir = tempDir('px-rpc-node-exec-');
  let t: TestNode;
  const hashes: Hex[] = [];
  const hot = fresh(100);

  before(async () => {
    t = await openTestNode({ dataDir: dir, start: false });
    for (let i = 1; i <= 7; i++) {
      const to = i <= 4 ? fresh(i) : hot;
      hashes.push(await t.wallet(i).sendTransaction({ to, value: parseEther('0.01') * BigInt(i) }));
    }
    assert.equal(t.node.mempool.size(), 7);
    assert.equal(await t.publicClient.getBlockNumber({ cacheTime: 0 }), 0n);
    t.node.start();
  });
  after(async () => {
    await t?.close();
    removeDir(dir);
  });

  it('reports the groups and rounds of a block of 7 txs', async () => {
    const receipts = await Promise.all(hashes.map((hash) => t.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 15_000 })));
    for (const r of receipts) assert.equal(r.status, 'success');
    const block = receipts[0]!.blockNumber;
    assert.deepEqual(receipts.map((r) => r.blockNumber), Array(7).fill(block), 'all pooled txs are sealed in one block');
    assert.equal(await t.publicClient.getBalance({ address: hot }), parseEther('0.01') * (5n + 6n + 7n));

    const stats = (await t.publicClient.request({ method: 'parallax_getBlockExecution' as never, params: [numberToHex(block)] as never })) as BlockExecution;
    assert.equal(stats.blockNumber, numberToHex(block));
    assert.equal(stats.mode, 'parallel');
    assert.equal(stats.txs, 7);
    assert.equal(stats.workers, 2);
    assert.equal(stats.groups, stats.groupSizes.length);
    assert.equal(stats.groupSizes.reduce((a, b) => a + b, 0), 7);
    assert.deepEqual(stats.groupSizes, [3, 1, 1, 1, 1]);
    assert.ok(stats.rounds >= 1);
    assert.ok(stats.reexecuted >= 0 && stats.reexecuted <= 7);
    assert.ok(stats.ms >= stats.rootMs && stats.rootMs >= 0);

    // Same answer by tag and by hash; genesis is sequential and empty; unknown blocks give null.
    const hash = receipts[0]!.blockHash;
    assert.deepEqual((await rpcCall(t.url, 'parallax_getBlockExecution', [])).result, stats);
    assert.deepEqual((await rpcCall(t.url, 'parallax_getBlockExecution', ['latest'])).result, stats);
    assert.deepEqual((await rpcCall(t.url, 'parallax_getBlockExecution', [hash])).result, stats);
    const genesis = (await rpcCall(t.url, 'parallax_getBlockExecution', ['0x0'])).result as BlockExecution;
    assert.equal(genesis.txs, 0);
    assert.equal(genesis.mode, 'sequential');
    assert.equal((await rpcCall(t.url, 'parallax_getBlockExecution', ['0x3e8'])).result, null);
    assert.equal((await rpcCall(t.url, 'parallax_getBlockExecution', ['0x1'])).error, undefined);
    assert.equal((await rpcCall(t.url, 'parallax_getBlockExecution', ['earliest'])).error, undefined);
    assert.equal((await rpcCall(t.url, 'parallax_getBlockExecution', ['0x'])).error?.code, -32602);
  });
});
