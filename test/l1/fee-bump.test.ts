/**
 * `sendWithFeeBump` against an in-process Hardhat L1 with automine off: a tx sent with a too-low
 * fee is replaced with bumped fees (same nonce) and the replacement is what gets mined; a tx that
 * is mined right away returns after one send.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { network } from 'hardhat';
import { parseGwei, type Hex, type PublicClient, type WalletClient } from 'viem';
import { sendWithFeeBump } from '../../sequencer/l1/send.ts';

type Connection = Awaited<ReturnType<typeof network.create>>;

describe('sendWithFeeBump', () => {
  let conn: Connection;
  let publicClient: PublicClient;
  let wallet: WalletClient;
  let to: Hex;

  before(async () => {
    conn = await network.create();
    publicClient = (await conn.viem.getPublicClient()) as unknown as PublicClient;
    const wallets = await conn.viem.getWalletClients();
    wallet = wallets[0]! as unknown as WalletClient;
    to = wallets[1]!.account.address;
  });
  after(async () => {
    await conn.provider.request({ method: 'evm_setAutomine', params: [true] });
    await conn.close?.();
  });

  it('resends a stuck tx with bumped fees and the replacement is mined', async () => {
    await conn.provider.request({ method: 'evm_setAutomine', params: [false] });
    const from = wallet.account!.address;
    const nonce0 = await publicClient.getTransactionCount({ address: from, blockTag: 'latest' });
    const bumpsLogged: Array<Record<string, unknown> | undefined> = [];
    const sending = sendWithFeeBump({
      walletClient: wallet,
      publicClient,
      request: { to: to as `0x${string}`, data: '0x1234', value: 1n, gas: 30_000n },
      initialFees: { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }, // below the base fee: stuck
      stuckAfterMs: 300,
      pollIntervalMs: 50,
      maxAttempts: 20,
      logger: { warn: (_m, f) => bumpsLogged.push(f) },
    });
    // Wait until at least one replacement was sent, then mine.
    for (let i = 0; i < 200 && bumpsLogged.length < 1; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(bumpsLogged.length >= 1, 'a bump was logged');
    await conn.provider.request({ method: 'evm_mine', params: [] });
    const { receipt, hashes, bumps } = await sending;

    assert.ok(hashes.length >= 2, `expected a replacement, got ${hashes.length} hash(es)`);
    assert.equal(bumps, hashes.length - 1);
    assert.equal(new Set(hashes).size, hashes.length);
    const first = await publicClient.getTransaction({ hash: hashes[0]! }).catch(() => undefined);
    const landed = await publicClient.getTransaction({ hash: receipt.transactionHash });
    // The mined tx is a replacement (not the first, under-priced send).
    assert.notEqual(receipt.transactionHash, hashes[0]);
    assert.ok(hashes.slice(1).includes(receipt.transactionHash));
    assert.equal(receipt.status, 'success');
    assert.ok(landed.maxFeePerGas! * 1000n >= 1n * 1125n, 'replacement fee cap >= 1.125x first');
    assert.ok(landed.maxPriorityFeePerGas! * 1000n >= 1n * 1125n, 'replacement tip >= 1.125x first');
    const last = await publicClient.getTransaction({ hash: hashes[hashes.length - 1]! });
    assert.ok(last.maxFeePerGas! * 1000n >= 1125n * 1n);
    if (first !== undefined) assert.equal(first.blockNumber, null, 'first send not mined');
    assert.equal(landed.nonce, nonce0);
    assert.equal(await publicClient.getTransactionCount({ address: from, blockTag: 'latest' }), nonce0 + 1, 'nonce used once');
    // The first send never got a receipt.
    await assert.rejects(publicClient.getTransactionReceipt({ hash: hashes[0]! }));
    // Fees escalate monotonically by >= 12.5% per replacement.
    for (const f of bumpsLogged) {
      assert.ok((f!.newMaxFeePerGas as bigint) * 1000n >= (f!.oldMaxFeePerGas as bigint) * 1125n);
      assert.ok((f!.newMaxPriorityFeePerGas as bigint) * 1000n >= (f!.oldMaxPriorityFeePerGas as bigint) * 1125n);
    }
  });

  it('returns after one send when the tx is mined right away', async () => {
    await conn.provider.request({ method: 'evm_setAutomine', params: [true] });
    const res = await sendWithFeeBump({
      walletClient: wallet,
      publicClient,
      request: { to: to as `0x${string}`, data: '0x', value: 1n },
      stuckAfterMs: 300,
    });
    assert.equal(res.bumps, 0);
    assert.equal(res.hashes.length, 1);
    assert.equal(res.receipt.transactionHash, res.hashes[0]);
    assert.equal(res.receipt.status, 'success');
  });

  it('throws L1_TX_STUCK after maxAttempts sends', async () => {
    await conn.provider.request({ method: 'evm_setAutomine', params: [false] });
    await conn.provider.request({ method: 'hardhat_setNextBlockBaseFeePerGas', params: ['0x' + parseGwei('1000000').toString(16)] });
    await assert.rejects(
      sendWithFeeBump({
        walletClient: wallet,
        publicClient,
        request: { to: to as `0x${string}`, data: '0x', value: 1n, gas: 30_000n },
        initialFees: { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n },
        stuckAfterMs: 100,
        pollIntervalMs: 25,
        maxAttempts: 2,
      }).then(() => undefined),
      (e: Error & { code?: string; data?: { hashes: Hex[] } }) => e.code === 'L1_TX_STUCK' && e.data!.hashes.length === 2,
    );
  });
});

describe('sendCall on top of sendWithFeeBump', () => {
  it('still throws the decoded custom error before sending, and returns the landed tx', async () => {
    const { deployStack } = await import('../contracts/stack.ts');
    const { sendCall, revertName } = await import('../../sequencer/proposer/send.ts');
    const { batchInboxAbi } = await import('../../sequencer/l1/contracts.ts');
    const conn = await network.create();
    try {
      const s = await deployStack(conn);
      const pc = (await conn.viem.getPublicClient()) as unknown as PublicClient;
      const other = s.other as unknown as WalletClient;
      const nonceBefore = await pc.getTransactionCount({ address: s.other.account.address });
      const err = await sendCall(pc, other, s.inbox.address, batchInboxAbi(), 'appendBatch', [1n, 1n, '0x00'], undefined, { stuckAfterMs: 300 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.equal(revertName(err), 'NotSequencer');
      assert.equal(await pc.getTransactionCount({ address: s.other.account.address }), nonceBefore, 'nothing sent');
      const sent = await sendCall(pc, s.sequencer as unknown as WalletClient, s.inbox.address, batchInboxAbi(), 'appendBatch', [1n, 1n, '0x00'], undefined, { stuckAfterMs: 300 });
      assert.equal(sent.receipt.status, 'success');
      assert.equal(sent.hash, sent.receipt.transactionHash);
      assert.equal(sent.l1Block, sent.receipt.blockNumber);
    } finally {
      await conn.close?.();
    }
  });
});
