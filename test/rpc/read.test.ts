/**
 * The read methods through a viem public client against the fake backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPublicClient, type Hex, http, keccak256, parseTransaction, type PublicClient } from 'viem';
import { startRpcServer, type RpcServer } from '../../sequencer/rpc/server.ts';
import { ADDR, ETHER, GWEI, RECIPIENT, tx1559 } from '../mempool/helpers.ts';
import { BASE_FEE, BLOCK_GAS_LIMIT, C, FakeBackend, NEXT_BASE_FEE, TIP, TOPIC_OTHER, TOPIC_TRANSFER } from './fakeBackend.ts';

let backend: FakeBackend;
let server: RpcServer;
let client: PublicClient;

before(async () => {
  backend = await FakeBackend.create();
  server = await startRpcServer({ backend, port: 0 });
  client = createPublicClient({ transport: http(server.url, { retryCount: 0 }) });
});
after(() => server.close());

describe('chain and account state', () => {
  it('eth_chainId, eth_blockNumber, net_version, web3_clientVersion, eth_syncing, eth_accounts', async () => {
    assert.equal(await client.getChainId(), 901);
    assert.equal(await client.getBlockNumber({ cacheTime: 0 }), 2n);
    assert.equal(await client.request({ method: 'net_version' }), '901');
    assert.match(await client.request({ method: 'web3_clientVersion' }), /^parallax\/v0\.1\.0\/[a-z0-9]+-[a-z0-9]+\/node\d+\.\d+\.\d+$/);
    assert.equal(await client.request({ method: 'eth_syncing' as never }), false);
    assert.deepEqual(await client.request({ method: 'eth_accounts' as never }), []);
  });

  it('eth_getBalance at latest, at a number and at a block hash (EIP-1898)', async () => {
    assert.equal(await client.getBalance({ address: ADDR[0]! }), 1000n * ETHER - 2n * GWEI);
    assert.equal(await client.getBalance({ address: ADDR[0]!, blockNumber: 1n }), 1000n * ETHER - GWEI);
    const res = await client.request({ method: 'eth_getBalance', params: [ADDR[0]!, { blockHash: backend.blocks[0]!.hash }] as never });
    assert.equal(res, `0x${(1000n * ETHER).toString(16)}`);
    assert.equal(await client.getBalance({ address: RECIPIENT }), 0n);
  });

  it('eth_getCode and eth_getStorageAt (short slot keys are padded)', async () => {
    assert.equal(await client.getCode({ address: C.TOKEN }), '0x6080604052');
    assert.equal(await client.getCode({ address: RECIPIENT }), undefined); // viem maps 0x to undefined
    assert.equal(await client.getStorageAt({ address: C.TOKEN, slot: '0x0' }), `0x${'00'.repeat(31)}2a`);
    assert.equal(
      await client.request({ method: 'eth_getStorageAt', params: [C.TOKEN, `0x${'00'.repeat(32)}`, 'latest'] }),
      `0x${'00'.repeat(31)}2a`,
    );
  });

  it('eth_getTransactionCount: latest, by number, and pending after eth_sendRawTransaction', async () => {
    assert.equal(await client.getTransactionCount({ address: ADDR[0]! }), 2);
    assert.equal(await client.getTransactionCount({ address: ADDR[0]!, blockNumber: 1n }), 1);
    const raw = await tx1559({ key: 0, nonce: 2 });
    const hash = await client.request({ method: 'eth_sendRawTransaction', params: [raw] });
    assert.equal(hash, keccak256(raw));
    assert.equal(await client.getTransactionCount({ address: ADDR[0]!, blockTag: 'pending' }), 3);
    assert.equal(await client.getTransactionCount({ address: ADDR[0]!, blockTag: 'latest' }), 2);
    // The pending tx is visible, without block fields, and has no receipt.
    const tx = await client.getTransaction({ hash });
    assert.equal(tx.blockNumber, null);
    assert.equal(tx.blockHash, null);
    assert.equal(tx.transactionIndex, null);
    assert.equal(tx.gasPrice, 2n * GWEI, 'pending dynamic-fee tx: gasPrice = maxFeePerGas');
    assert.equal(await client.request({ method: 'eth_getTransactionReceipt', params: [hash] }), null);
  });
});

describe('fees', () => {
  it('eth_gasPrice = next base fee + tip; eth_maxPriorityFeePerGas = tip', async () => {
    assert.equal(await client.getGasPrice(), NEXT_BASE_FEE + TIP);
    assert.equal(await client.estimateMaxPriorityFeePerGas(), TIP);
  });

  it('eth_feeHistory: base fees incl. the next one, gas used ratios, reward percentiles', async () => {
    const fh = await client.getFeeHistory({ blockCount: 2, rewardPercentiles: [25, 75] });
    assert.equal(fh.oldestBlock, 1n);
    assert.deepEqual(fh.baseFeePerGas, [BASE_FEE, BASE_FEE, NEXT_BASE_FEE]);
    assert.deepEqual(fh.gasUsedRatio, [71_000 / 30_000_000, 25_300 / 30_000_000]);
    // Block 1: legacy tip 0.5 gwei (21000 gas), 1559 tip 2 gwei (50000 gas): sorted by tip, the
    // 25th percentile of 71000 gas (17750) falls in the first tx, the 75th (53250) in the second.
    // Block 2: one 2930 tx at 2 gwei -> tip 1 gwei.
    assert.deepEqual(fh.reward, [
      [GWEI / 2n, 2n * GWEI],
      [GWEI, GWEI],
    ]);
    const older = await client.getFeeHistory({ blockCount: 10, blockNumber: 1n, rewardPercentiles: [] });
    assert.equal(older.oldestBlock, 0n);
    assert.deepEqual(older.baseFeePerGas, [BASE_FEE, BASE_FEE, BASE_FEE], 'next after block 1 is block 2');
    assert.deepEqual(older.reward, [[], []]);
  });
});

describe('transactions, receipts, blocks, logs', () => {
  it('eth_getTransactionByHash matches the signed tx (1559, legacy, 2930)', async () => {
    for (const hash of [...backend.blocks[1]!.txHashes, ...backend.blocks[2]!.txHashes]) {
      const stored = backend.txs.get(hash)!;
      const parsed = parseTransaction(stored.raw);
      const tx = await client.getTransaction({ hash });
      assert.equal(tx.hash, hash);
      assert.equal(tx.from, stored.from);
      assert.equal(tx.blockNumber, stored.blockNumber);
      assert.equal(tx.blockHash, stored.blockHash);
      assert.equal(tx.transactionIndex, stored.transactionIndex);
      assert.equal(tx.type, parsed.type);
      assert.equal(tx.nonce, parsed.nonce ?? 0);
      assert.equal(tx.gas, parsed.gas);
      assert.equal(tx.to, parsed.to);
      assert.equal(tx.value, parsed.value);
      assert.equal(tx.input, parsed.data ?? '0x');
      assert.equal(tx.r, parsed.r);
      assert.equal(tx.s, parsed.s);
      assert.equal(tx.chainId, 901);
      if (parsed.type === 'eip1559') {
        assert.equal(tx.maxFeePerGas, parsed.maxFeePerGas);
        assert.equal(tx.maxPriorityFeePerGas, parsed.maxPriorityFeePerGas);
        assert.equal(tx.gasPrice, BASE_FEE + parsed.maxPriorityFeePerGas!, 'mined: effective gas price');
        assert.equal(tx.yParity, parsed.yParity);
      } else {
        assert.equal(tx.gasPrice, parsed.gasPrice);
      }
      if (parsed.type === 'legacy') assert.equal(tx.v, parsed.v);
      if (parsed.type === 'eip2930') assert.deepEqual(tx.accessList, parsed.accessList);
    }
    assert.equal(await client.request({ method: 'eth_getTransactionByHash', params: [keccak256('0x01')] }), null);
  });

  it('raw transaction JSON has geth field encodings', async () => {
    const hash = backend.blocks[1]!.txHashes[0]!;
    const tx = (await client.request({ method: 'eth_getTransactionByHash', params: [hash] })) as Record<string, unknown>;
    assert.equal(tx.type, '0x2');
    assert.equal(tx.chainId, '0x385');
    assert.equal(tx.v, tx.yParity);
    assert.equal(tx.nonce, '0x0');
    assert.equal(tx.transactionIndex, '0x0');
    assert.deepEqual(tx.accessList, []);
    const legacy = (await client.request({ method: 'eth_getTransactionByHash', params: [backend.blocks[1]!.txHashes[1]!] })) as Record<string, unknown>;
    assert.equal(legacy.type, '0x0');
    assert.equal('accessList' in legacy, false);
    assert.equal('yParity' in legacy, false);
    assert.ok(BigInt(legacy.v as string) >= 901n * 2n + 35n, 'EIP-155 v');
  });

  it('eth_getTransactionReceipt with logs and their block-wide indices', async () => {
    const [h0, h1] = backend.blocks[1]!.txHashes as [Hex, Hex];
    const r0 = await client.getTransactionReceipt({ hash: h0 });
    assert.equal(r0.status, 'success');
    assert.equal(r0.type, 'eip1559');
    assert.equal(r0.gasUsed, 50_000n);
    assert.equal(r0.cumulativeGasUsed, 50_000n);
    assert.equal(r0.effectiveGasPrice, 3n * GWEI);
    assert.equal(r0.from, ADDR[0]);
    assert.equal(r0.to, C.TOKEN);
    assert.equal(r0.contractAddress, null);
    assert.equal(r0.blockNumber, 1n);
    assert.deepEqual(r0.logs.map((l) => [l.logIndex, l.transactionIndex, l.topics[0]]), [
      [0, 0, TOPIC_TRANSFER],
      [1, 0, TOPIC_OTHER],
    ]);
    const r1 = await client.getTransactionReceipt({ hash: h1 });
    assert.equal(r1.type, 'legacy');
    assert.equal(r1.cumulativeGasUsed, 71_000n);
    assert.equal(r1.transactionIndex, 1);
  });

  it('eth_getBlockByNumber / eth_getBlockByHash with hashes or full txs', async () => {
    const b1 = await client.getBlock({ blockNumber: 1n });
    const stored = backend.blocks[1]!;
    assert.equal(b1.hash, stored.hash);
    assert.equal(b1.parentHash, backend.blocks[0]!.hash);
    assert.equal(b1.number, 1n);
    assert.equal(b1.gasLimit, BLOCK_GAS_LIMIT);
    assert.equal(b1.gasUsed, 71_000n);
    assert.equal(b1.baseFeePerGas, BASE_FEE);
    assert.equal(b1.timestamp, stored.timestamp);
    assert.equal(b1.difficulty, 0n);
    assert.deepEqual(b1.uncles, []);
    assert.deepEqual(b1.transactions, stored.txHashes);
    const full = await client.getBlock({ blockHash: stored.hash, includeTransactions: true });
    assert.deepEqual(full.transactions.map((t) => t.hash), stored.txHashes);
    assert.equal(full.transactions[0]!.gasPrice, 3n * GWEI);
    const latest = await client.getBlock();
    assert.equal(latest.number, 2n);
    assert.equal((await client.getBlock({ blockTag: 'earliest' })).number, 0n);
    assert.equal(await client.request({ method: 'eth_getBlockByNumber', params: ['0x3', false] }), null);
    assert.equal(await client.request({ method: 'eth_getBlockByHash', params: [keccak256('0x02'), false] }), null);
  });

  it('eth_getBlockTransactionCountByNumber / ByHash', async () => {
    assert.equal(await client.getBlockTransactionCount({ blockNumber: 1n }), 2);
    assert.equal(await client.getBlockTransactionCount({ blockHash: backend.blocks[2]!.hash }), 1);
    assert.equal(await client.getBlockTransactionCount({ blockTag: 'earliest' }), 0);
    assert.equal(await client.request({ method: 'eth_getBlockTransactionCountByNumber', params: ['0x9'] }), null);
  });

  it('eth_getLogs by range, address, topics (positional, OR lists) and block hash', async () => {
    const all = await client.getLogs({ fromBlock: 0n, toBlock: 2n });
    assert.equal(all.length, 2);
    assert.deepEqual(all.map((l) => l.logIndex), [0, 1]);
    assert.equal(all[0]!.transactionHash, backend.blocks[1]!.txHashes[0]);
    assert.equal(all[0]!.address, C.TOKEN);
    assert.equal(all[0]!.data, `0x${'00'.repeat(31)}05`);
    const transfers = await client.request({
      method: 'eth_getLogs',
      params: [{ fromBlock: '0x0', toBlock: 'latest', address: C.TOKEN, topics: [TOPIC_TRANSFER] }],
    });
    assert.equal(transfers.length, 1);
    const either = await client.request({ method: 'eth_getLogs', params: [{ fromBlock: '0x1', topics: [[TOPIC_TRANSFER, TOPIC_OTHER]] }] });
    assert.equal(either.length, 2);
    const byHash = await client.request({ method: 'eth_getLogs', params: [{ blockHash: backend.blocks[1]!.hash }] });
    assert.equal(byHash.length, 2);
    assert.deepEqual(await client.getLogs({ address: RECIPIENT, fromBlock: 0n, toBlock: 2n }), []);
    assert.deepEqual(await client.request({ method: 'eth_getLogs', params: [{ fromBlock: '0x9', toBlock: '0xa' }] }), []);
  });

  it('parallax_getBlockExecution', async () => {
    const stats = (await client.request({ method: 'parallax_getBlockExecution' as never, params: ['0x1'] as never })) as Record<string, unknown>;
    assert.deepEqual(stats, {
      blockNumber: '0x1', mode: 'parallel', txs: 2, groups: 2, groupSizes: [1, 1], reexecuted: 0, rounds: 1, workers: 2, ms: 3.5, rootMs: 1.25,
    });
    assert.equal(await client.request({ method: 'parallax_getBlockExecution' as never, params: ['0x0'] as never }), null);
  });
});

describe('eth_call and eth_estimateGas through viem', () => {
  it('eth_call returns data and surfaces reverts with their reason', async () => {
    const { data } = await client.call({ to: C.TOKEN, data: '0x12345678' });
    assert.equal(data, `0x${'00'.repeat(31)}2a`);
    await assert.rejects(client.call({ to: C.REVERTER }), (e: Error) => {
      assert.match(e.message, /nope/);
      return true;
    });
  });

  it('eth_estimateGas: plain transfer, binary search, revert', async () => {
    assert.equal(await client.estimateGas({ account: ADDR[0]!, to: RECIPIENT, value: 1n }), 21_000n);
    const before = backend.calls;
    const g = await client.estimateGas({ account: ADDR[0]!, to: C.HUNGRY });
    assert.ok(g >= 50_000n && g <= 50_750n, `estimate ${g} within 1.5% above the 50000 needed`);
    assert.ok(backend.calls - before < 30, 'a bounded number of trial calls');
    await assert.rejects(client.estimateGas({ account: ADDR[0]!, to: C.REVERTER }), /nope/);
  });
});
