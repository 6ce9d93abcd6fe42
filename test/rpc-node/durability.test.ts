/**
 * Durability: a tx acknowledged by eth_sendRawTransaction survives closing the node before it
 * is mined (block production held back: the node is opened without start()), is still pending
 * after reopening the same data folder, and is mined once the node starts. Sealed blocks, state
 * and receipts survive a second restart.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { keccak256, parseEther, TransactionReceiptNotFoundError, type Hex } from 'viem';
import { devAccount, openTestNode, removeDir, tempDir, type TestNode } from '../helpers/node.ts';
import { waitUntil } from '../helpers/process.ts';

describe('mempool durability across a restart', () => {
  const dir = tempDir('px-rpc-node-durable-');
  let t: TestNode | undefined;
  after(async () => {
    await t?.close();
    removeDir(dir);
  });

  const alice = devAccount(7).address;
  const bob = devAccount(8).address;
  const carol = devAccount(15).address;
  const sent: Hex[] = [];
  let gapped: Hex;

  it('pools txs without mining them while block production is stopped', async () => {
    t = await openTestNode({ dataDir: dir, start: false });
    const w = t.wallet(7);
    for (let i = 0; i < 3; i++) sent.push(await w.sendTransaction({ to: carol, value: parseEther('1') }));
    // bob: nonce 2 with nonces 0 and 1 missing: kept (queued) but not executable.
    const req = await t.wallet(8).prepareTransactionRequest({ to: carol, value: 5n, nonce: 2 });
    const raw = await t.wallet(8).signTransaction(req);
    gapped = await t.publicClient.sendRawTransaction({ serializedTransaction: raw });
    assert.equal(gapped, keccak256(raw));

    const pc = t.publicClient;
    assert.equal(t.node.mempool.size(), 4);
    assert.equal(await pc.getBlockNumber({ cacheTime: 0 }), 0n);
    assert.equal(await pc.getTransactionCount({ address: alice, blockTag: 'latest' }), 0);
    assert.equal(await pc.getTransactionCount({ address: alice, blockTag: 'pending' }), 3);
    assert.equal(await pc.getTransactionCount({ address: bob, blockTag: 'pending' }), 0);
    const tx = await pc.getTransaction({ hash: sent[2]! });
    assert.equal(tx.blockNumber, null);
    assert.equal(tx.nonce, 2);
    await assert.rejects(pc.getTransactionReceipt({ hash: sent[0]! }), TransactionReceiptNotFoundError);
    await t.close();
  });

  it('still has them pending after reopening the data folder, and mines them after start()', async () => {
    t = await openTestNode({ dataDir: dir, start: false });
    const pc = t.publicClient;
    assert.equal(t.node.mempool.size(), 4);
    assert.equal(await pc.getBlockNumber({ cacheTime: 0 }), 0n);
    assert.equal(await pc.getTransactionCount({ address: alice, blockTag: 'pending' }), 3);
    for (const [i, hash] of sent.entries()) {
      const tx = await pc.getTransaction({ hash });
      assert.equal(tx.blockNumber, null);
      assert.equal(tx.nonce, i);
      assert.equal(tx.from, alice.toLowerCase());
    }
    assert.equal((await pc.getTransaction({ hash: gapped })).blockNumber, null);

    t.node.start();
    const receipts = await Promise.all(sent.map((hash) => pc.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 15_000 })));
    for (const r of receipts) assert.equal(r.status, 'success');
    assert.equal(await pc.getTransactionCount({ address: alice, blockTag: 'latest' }), 3);
    assert.equal(await pc.getBalance({ address: carol }), parseEther('10003'));
    // The gapped tx waits for bob's nonces 0 and 1; filling the gap gets all three mined.
    await waitUntil(() => t!.node.mempool.size() === 1, { timeoutMs: 5000, what: 'only the gapped tx left' });
    assert.ok(t.node.mempool.has(gapped));
    const w = t.wallet(8);
    const fill = [await w.sendTransaction({ to: carol, value: 3n, nonce: 0 }), await w.sendTransaction({ to: carol, value: 4n, nonce: 1 })];
    for (const hash of [...fill, gapped]) assert.equal((await pc.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 15_000 })).status, 'success');
    assert.equal(await pc.getTransactionCount({ address: bob, blockTag: 'latest' }), 3);
    await waitUntil(() => t!.node.mempool.size() === 0, { timeoutMs: 5000, what: 'mempool drained' });
  });

  it('keeps sealed blocks, state and receipts across another restart', async () => {
    const pc0 = t!.publicClient;
    const head = await pc0.getBlockNumber({ cacheTime: 0 });
    const headBlock = await pc0.getBlock({ blockNumber: head });
    const carolBalance = await pc0.getBalance({ address: carol });
    await t!.close();

    t = await openTestNode({ dataDir: dir, start: false });
    const pc = t.publicClient;
    assert.equal(t.node.mempool.size(), 0, 'mined txs are not restored into the mempool');
    assert.equal(await pc.getBlockNumber({ cacheTime: 0 }), head);
    assert.equal((await pc.getBlock({ blockNumber: head })).hash, headBlock.hash);
    assert.equal(await pc.getBalance({ address: carol }), carolBalance);
    assert.equal((await pc.getTransactionReceipt({ hash: gapped })).status, 'success');
    assert.equal(await pc.getTransactionCount({ address: alice, blockTag: 'pending' }), 3);
  });
});
