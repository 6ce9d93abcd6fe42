/**
 * The block builder ends a block before a tx that does not fit the gas left in it (the executor's
 * BlockGasLimitReachedError) and keeps that tx for the next block, whereas a truly invalid tx is
 * dropped from the mempool.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseEther, type Hex } from 'viem';
import { BlockGasLimitReachedError, InvalidTransactionError } from '../../sequencer/errors.ts';
import type { BlockEnv, BlockResult } from '../../sequencer/executor/types.ts';
import { devAccount, openTestNode, removeDir, tempDir, type TestNode } from '../helpers/node.ts';

describe('block builder and the block gas rule', () => {
  let t: TestNode;
  let dir: string;
  before(async () => {
    dir = tempDir('px-builder-');
    t = await openTestNode({ dataDir: dir, start: false });
  });
  after(async () => {
    await t.close();
    removeDir(dir);
  });

  async function sendTransfers(from: number, count: number): Promise<Hex[]> {
    const wallet = t.wallet(from);
    const hashes: Hex[] = [];
    for (let i = 0; i < count; i++) {
      hashes.push(await wallet.sendTransaction({ to: devAccount(19).address, value: parseEther('0.001'), nonce: i, gas: 21_000n }));
    }
    return hashes;
  }

  it('a tx that does not fit ends the block and stays pending; an invalid one is dropped', async () => {
    const hashes = await sendTransfers(1, 3);
    const other = await sendTransfers(2, 1);
    assert.equal(t.node.mempool.size(), 4);
    const executor = t.node.executor;
    const real = executor.executeBlock.bind(executor);
    let calls = 0;
    // first attempt: pretend the 3rd tx does not fit; second attempt: pretend the next-to-last is invalid
    executor.executeBlock = async (root: Hex, env: BlockEnv, txs: Uint8Array[]): Promise<BlockResult> => {
      calls++;
      if (calls === 1) throw new BlockGasLimitReachedError(2, 21_000n, 0n);
      return real(root, env, txs);
    };
    try {
      const header = await t.node.builder.buildOne();
      assert.ok(header !== undefined);
      const block = t.node.getBlockByNumber(header.number)!;
      assert.equal(block.txHashes.length, 2, 'block ended before the tx that did not fit');
      assert.equal(t.node.mempool.size(), 2, 'the txs after the cut stay pending');
      const included = new Set(block.txHashes);
      const pending = [...hashes, ...other].filter((h) => !included.has(h));
      for (const h of pending) assert.ok(t.node.mempool.get(h) !== undefined, `${h} still pending`);

      calls = 10;
      executor.executeBlock = async (): Promise<BlockResult> => {
        calls++;
        if (calls === 11) throw new InvalidTransactionError(0, 'test: invalid');
        throw new Error('test: stop after the drop');
      };
      const before = t.node.mempool.size();
      await t.node.builder.buildOne().catch(() => undefined);
      assert.ok(t.node.mempool.size() < before, 'an invalid tx is dropped from the mempool');
    } finally {
      executor.executeBlock = real;
    }
  });
});
