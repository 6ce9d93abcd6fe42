/**
 * Batcher + proposer + challenger end to end on an in-process Hardhat L1, without the sequencer
 * node: L2 blocks are made by test/challenger/l2.ts. Three deployments on one L1:
 * 1. honest: every verdict agrees (also: batch size limit, restart, status server);
 * 2. fault drill (`faultBadRootBatch = 1`): exactly batch 1 disagrees and is challenged once;
 * 3. an invalid batch posted by the sequencer key: it and every later batch disagree.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { network } from 'hardhat';
import { createWalletClient, custom, parseEther, parseEventLogs, type Hex, type PublicClient, type WalletClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startChallenger, type ChallengerHandle } from '../../challenger/index.ts';
import { silentLogger } from '../../challenger/log.ts';
import { Batcher } from '../../sequencer/batcher/batcher.ts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';
import { encodeBatch } from '../../sequencer/codec/batch.ts';
import { computeOutputRoot } from '../../sequencer/codec/output-root.ts';
import {
  batchInboxAbi,
  compileContracts,
  deployRollupContracts,
  OUTPUT_STATUS,
  outputOracleAbi,
  type RollupAddresses,
} from '../../sequencer/l1/contracts.ts';
import { Proposer } from '../../sequencer/proposer/proposer.ts';
import { MemChain } from './l2.ts';

await compileContracts();
const connection = await network.create();
const { viem } = connection;
const [deployer, sequencer, proposer] = (await viem.getWalletClients()) as unknown as WalletClient[];
const publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
// The challenger signs locally (as challenger/main.ts does) through the raw EIP-1193 provider.
const challengerWallet = createWalletClient({ account: privateKeyToAccount(devPrivateKeys(4)[3]!), transport: custom(connection.provider) });
const tmp = mkdtempSync(join(tmpdir(), 'parallax-challenger-'));
const dataDir = join(tmp, 'data');
const log = silentLogger;

async function deploy(): Promise<RollupAddresses> {
  return deployRollupContracts({
    wallet: deployer!,
    publicClient,
    sequencer: sequencer!.account!.address,
    proposer: proposer!.account!.address,
    challengeWindowSeconds: 600n,
    proposerBondWei: parseEther('1'),
    challengerBondWei: parseEther('0.1'),
  });
}

function actors(chain: MemChain, a: RollupAddresses, opts: { maxBlocksPerBatch?: number; maxBatchBytes?: number; faultBadRootBatch?: bigint } = {}) {
  const batcher = new Batcher({ chain, publicClient, walletClient: sequencer!, inbox: a.batchInbox, logger: log, ...opts });
  const prop = new Proposer({ chain, publicClient, walletClient: proposer!, oracle: a.outputOracle, inbox: a.batchInbox, faultBadRootBatch: opts.faultBadRootBatch, logger: log });
  return { batcher, prop };
}

async function drain(batcher: Batcher) {
  const out = [];
  for (let b = await batcher.tick(); b !== null; b = await batcher.tick()) out.push(b);
  return out;
}

async function challengedEvents(a: RollupAddresses) {
  const logs = await publicClient.getLogs({ address: a.outputOracle, fromBlock: a.deployedAtBlock, toBlock: 'latest' });
  return parseEventLogs({ abi: outputOracleAbi(), logs, eventName: 'OutputChallenged' }) as unknown as Array<{
    args: { batchIndex: bigint; challenger: Hex; bond: bigint };
    transactionHash: Hex;
  }>;
}

async function rpcStatus(url: string) {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'parallax_challengerStatus', params: [] }) });
  return (await res.json()) as { id: number; result: ReturnType<ChallengerHandle['status']> };
}

describe('batcher, proposer and challenger against a Hardhat L1', () => {
  let chain: MemChain;
  before(async () => {
    chain = await MemChain.create(tmp);
    await chain.addBlock(1, [await chain.deployRecorderTx()]);
    for (let i = 0; i < 8; i++) await chain.addBlock(i % 3);
  });
  after(async () => {
    chain.close();
    rmSync(tmp, { recursive: true, force: true });
    await connection.close();
  });

  it('honest run: all verdicts agree; batch limits, restart and status server work', async () => {
    const a = await deploy();
    const { batcher, prop } = actors(chain, a, { maxBlocksPerBatch: 3 });
    const b0 = await batcher.tick();
    assert.ok(b0 !== null);
    assert.deepEqual([b0.batchIndex, b0.firstBlock, b0.lastBlock], [0n, 1n, 3n]);
    assert.ok(b0.compressedBytes > 2 && b0.rawBytes > 0 && b0.gasUsed > 21_000n);

    // A byte limit that fits blocks 4..5 but not 4..6 makes the batcher shrink.
    const blocks = [4n, 5n, 6n].map((n) => ({ number: n, timestamp: chain.header(n)!.timestamp, txs: chain.txs(n) }));
    const limit = encodeBatch(blocks.slice(0, 2)).data.length;
    assert.ok(encodeBatch(blocks).data.length > limit);
    const small = new Batcher({ chain, publicClient, walletClient: sequencer!, inbox: a.batchInbox, maxBatchBytes: limit, logger: log });
    const b1 = await small.tick();
    assert.ok(b1 !== null && b1.firstBlock === 4n && b1.lastBlock === 5n && b1.compressedBytes <= limit);
    const rest = await drain(batcher);
    assert.deepEqual(rest.map((b) => [b.batchIndex, b.firstBlock, b.lastBlock]), [[2n, 6n, 8n], [3n, 9n, 9n]]);
    assert.equal(await batcher.tick(), null);

    assert.equal(await prop.ensureBond(), parseEther('1'));
    assert.equal(await prop.ensureBond(), 0n);
    const outs = await prop.tick();
    assert.deepEqual(outs.map((o) => o.batchIndex), [0n, 1n, 2n, 3n]);
    assert.deepEqual(await prop.tick(), []);
    const h9 = chain.header(9n)!;
    assert.equal(outs[3]!.outputRoot, computeOutputRoot(h9.stateRoot, h9.hash));

    let ch = await startChallenger({ publicClient, walletClient: challengerWallet, addresses: a, dataDir, autoStart: false, rpcPort: 0, logger: log });
    try {
      assert.equal(ch.wiped, false);
      await ch.challenger.tick();
      const st = ch.status();
      assert.equal(st.l2Head, '9');
      assert.deepEqual(st.verdicts.map((v) => v.verdict), ['agree', 'agree', 'agree', 'agree']);
      assert.deepEqual(st.verdicts.map((v) => [v.batchIndex, v.firstBlock, v.lastBlock]), [[0, '1', '3'], [1, '4', '5'], [2, '6', '8'], [3, '9', '9']]);
      for (const [i, v] of st.verdicts.entries()) {
        assert.equal(v.computedOutputRoot, outs[i]!.outputRoot);
        assert.equal(v.postedOutputRoot, outs[i]!.outputRoot);
        assert.equal(v.challengeTx, undefined);
      }
      const rpc = await rpcStatus(ch.rpcUrl!);
      assert.equal(rpc.id, 7);
      assert.deepEqual(rpc.result, JSON.parse(JSON.stringify(st)));
      const bad = await fetch(ch.rpcUrl!, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_nope' }) });
      assert.equal(((await bad.json()) as { error: { code: number } }).error.code, -32601);
    } finally {
      await ch.stop();
    }

    // Restart on the same file: verdicts persisted, nothing re-derived or re-judged.
    await chain.addBlock(1);
    await drain(batcher);
    await prop.tick();
    ch = await startChallenger({ publicClient, walletClient: challengerWallet, addresses: a, dataDir, autoStart: false, logger: log });
    try {
      assert.equal(ch.wiped, false);
      assert.equal(ch.status().l2Head, '9');
      assert.equal(ch.status().verdicts.length, 4);
      await ch.challenger.tick();
      assert.equal(ch.status().l2Head, '10');
      assert.deepEqual(ch.status().verdicts.map((v) => v.verdict), ['agree', 'agree', 'agree', 'agree', 'agree']);
    } finally {
      await ch.stop();
    }
  });

  it('fault drill: exactly the faulty batch disagrees and is challenged once', async () => {
    const a = await deploy();
    const { batcher, prop } = actors(chain, a, { maxBlocksPerBatch: 4, faultBadRootBatch: 1n });
    assert.deepEqual((await drain(batcher)).map((b) => [b.firstBlock, b.lastBlock]), [[1n, 4n], [5n, 8n], [9n, 10n]]);
    await prop.ensureBond();
    const outs = await prop.tick();
    assert.deepEqual(outs.map((o) => o.faulty), [false, true, false]);

    // Same data dir as the honest run: another deployment, so the DB is wiped and re-derived.
    let ch = await startChallenger({ publicClient, walletClient: challengerWallet, addresses: a, dataDir, autoStart: false, logger: log });
    try {
      assert.equal(ch.wiped, true);
      await ch.challenger.tick();
      const st = ch.status();
      assert.deepEqual(st.verdicts.map((v) => v.verdict), ['agree', 'disagree', 'agree']);
      const v1 = st.verdicts[1]!;
      assert.equal(v1.postedOutputRoot, outs[1]!.outputRoot);
      const h8 = chain.header(8n)!;
      assert.equal(v1.computedOutputRoot, computeOutputRoot(h8.stateRoot, h8.hash));
      assert.ok(v1.challengeTx !== undefined);
      assert.equal(st.verdicts[0]!.challengeTx, undefined);
      assert.equal(st.verdicts[2]!.challengeTx, undefined);

      const evs = await challengedEvents(a);
      assert.equal(evs.length, 1);
      assert.equal(evs[0]!.args.batchIndex, 1n);
      assert.equal(evs[0]!.args.challenger.toLowerCase(), challengerWallet.account.address.toLowerCase());
      assert.equal(evs[0]!.args.bond, parseEther('0.1'));
      assert.equal(evs[0]!.transactionHash, v1.challengeTx);
      const out1 = (await publicClient.readContract({ address: a.outputOracle, abi: outputOracleAbi(), functionName: 'getOutput', args: [1n] })) as { status: number };
      assert.equal(out1.status, OUTPUT_STATUS.Challenged);

      await ch.challenger.tick();
    } finally {
      await ch.stop();
    }
    // A restarted challenger does not challenge again.
    ch = await startChallenger({ publicClient, walletClient: challengerWallet, addresses: a, dataDir, autoStart: false, logger: log });
    try {
      assert.equal(ch.wiped, false);
      await ch.challenger.tick();
      assert.equal((await challengedEvents(a)).length, 1);
    } finally {
      await ch.stop();
    }
  });

  it('invalid batch: skipped by derivation, its output and every later one are challenged', async () => {
    const a = await deploy();
    const { batcher, prop } = actors(chain, a, { maxBlocksPerBatch: 3 });
    await batcher.tick(); // [1..3]
    const hash = await sequencer!.writeContract({
      address: a.batchInbox,
      abi: batchInboxAbi(),
      functionName: 'appendBatch',
      args: [4n, 5n, '0x00ff'],
      account: sequencer!.account!,
      chain: sequencer!.chain ?? null,
    });
    await publicClient.waitForTransactionReceipt({ hash });
    await batcher.tick(); // [6..8]
    await prop.ensureBond();
    assert.equal((await prop.tick()).length, 3);

    const ch = await startChallenger({ publicClient, walletClient: challengerWallet, addresses: a, dataDir, autoStart: false, logger: log });
    try {
      await ch.challenger.tick();
      const st = ch.status();
      assert.equal(st.l2Head, '3');
      assert.deepEqual(st.verdicts.map((v) => [v.verdict, v.valid]), [['agree', true], ['disagree', false], ['disagree', false]]);
      assert.match(st.verdicts[1]!.invalidReason!, /^DECODE/);
      assert.match(st.verdicts[2]!.invalidReason!, /^RANGE/);
      assert.deepEqual((await challengedEvents(a)).map((e) => e.args.batchIndex), [1n, 2n]);
    } finally {
      await ch.stop();
    }
  });
});
