/**
 * Scale-out mode end to end on a private redis-server and an in-process Hardhat L1: a real
 * sequencer node (L2 JSON-RPC) makes blocks; two queue dispatchers (as after a sequencer restart
 * racing the old one) enqueue; batch and output workers post to L1, reading the blocks over the
 * L2 JSON-RPC; two challengers (own databases and keys, as on two machines) derive from L1 and
 * answer the verify jobs. Every batch is posted once, every output agrees.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { network } from 'hardhat';
import { createWalletClient, custom, parseEther, parseEventLogs, parseGwei, type PublicClient, type WalletClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startChallenger, type ChallengerHandle } from '../../challenger/index.ts';
import { silentLogger } from '../../challenger/log.ts';
import { BatchChecker } from '../../sequencer/batcher/check.ts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';
import { devnetGenesisOutputRoot } from '../../sequencer/chain/genesis-output.ts';
import { batchInboxAbi, compileContracts, deployRollupContracts, outputOracleAbi, type RollupAddresses } from '../../sequencer/l1/contracts.ts';
import { QueueDispatcher } from '../../sequencer/queue/dispatcher.ts';
import { batchHandler, outputHandler, verifyHandler } from '../../sequencer/queue/handlers.ts';
import { RpcBlockSource } from '../../sequencer/queue/l2-source.ts';
import { ADDRESSES_KEY, openQueues, queueStatus, startQueueWorker, type Queues, type QueueWorker } from '../../sequencer/queue/queues.ts';
import { devAccount, openTestNode, removeDir, tempDir, type TestNode } from '../helpers/node.ts';
import { startRedis, type TestRedis } from './redis.ts';

let redis: TestRedis;
let queues: Queues;
let l2: TestNode;
let dir: string;
const workers: QueueWorker[] = [];
const challengers: ChallengerHandle[] = [];
const dispatchers: QueueDispatcher[] = [];

await compileContracts();
const connection = await network.create();
const { viem } = connection;
const [deployer, sequencer, proposer] = (await viem.getWalletClients()) as unknown as WalletClient[];
const publicClient = (await viem.getPublicClient()) as unknown as PublicClient;

before(async () => {
  redis = await startRedis();
  queues = openQueues(redis.url);
  dir = tempDir('parallax-queue-e2e-');
  l2 = await openTestNode({ dataDir: join(dir, 'l2'), blockTimeMs: 50 });
});

after(async () => {
  await Promise.allSettled(dispatchers.map((d) => d.stop()));
  await Promise.allSettled(workers.map((w) => w.close()));
  await Promise.allSettled(challengers.map((c) => c.stop()));
  await queues?.close();
  await l2?.close();
  await redis?.stop();
  await connection.close();
  if (dir !== undefined) removeDir(dir);
});

async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await queueStatus(queues))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('scale-out mode end to end', () => {
  it('queue workers post batches and outputs; two challengers verify them all (agree)', async () => {
    const a: RollupAddresses = await deployRollupContracts({
      wallet: deployer!,
      publicClient,
      sequencer: sequencer!.account!.address,
      proposer: proposer!.account!.address,
      challengeWindowSeconds: 600n,
      proposerBondWei: parseEther('1'),
      challengerBondWei: parseEther('0.1'),
      genesisOutputRoot: await devnetGenesisOutputRoot(),
    });

    // L2 traffic over several blocks: dynamic-fee and legacy txs (both rebuilt from the RPC).
    const w1 = l2.wallet(5);
    const w2 = l2.wallet(6);
    for (let i = 0; i < 5; i++) {
      const h1 = await w1.sendTransaction({ to: devAccount(7).address, value: BigInt(i + 1) });
      const h2 = await w2.sendTransaction({ to: devAccount(8).address, value: 10n + BigInt(i), type: 'legacy', gasPrice: parseGwei('2') });
      await l2.publicClient.waitForTransactionReceipt({ hash: h1 });
      await l2.publicClient.waitForTransactionReceipt({ hash: h2 });
    }
    const head = l2.node.store.headNumber();
    assert.ok(head >= 3n, `want several L2 blocks, head ${head}`);

    // Workers read blocks over the L2 JSON-RPC: the rebuilt raw txs are exactly the sealed ones.
    const source = new RpcBlockSource(l2.url);
    for (let n = 1n; n <= head; n++) assert.deepEqual((await source.block(n))!.txs, l2.node.store.txs(n), `block ${n}`);
    assert.equal(await source.block(head + 100n), undefined);

    const policy = { attempts: 20, backoffMs: 100 };
    const checker = new BatchChecker({
      publicClient,
      inbox: a.batchInbox,
      chain: l2.node.store,
      replaceWithEmpty: (f, l) => l2.node.replaceWithEmpty(f, l),
      fromBlock: a.deployedAtBlock,
      logger: silentLogger,
    });
    for (let i = 0; i < 2; i++) {
      dispatchers.push(new QueueDispatcher({ queues, chain: l2.node.store, publicClient, addresses: a, policy, maxBlocksPerBatch: 2, checker, intervalMs: 100 }));
    }
    workers.push(startQueueWorker(redis.url, 'batches', batchHandler({ source, publicClient, walletClient: sequencer!, inbox: a.batchInbox, maxBlocksPerBatch: 2 })));
    workers.push(startQueueWorker(redis.url, 'outputs', outputHandler({ source, publicClient, walletClient: proposer!, oracle: a.outputOracle, inbox: a.batchInbox })));
    const keys = devPrivateKeys(6);
    for (const [name, key] of [['machine-a', keys[3]!], ['machine-b', keys[5]!]] as const) {
      const walletClient = createWalletClient({ account: privateKeyToAccount(key), transport: custom(connection.provider) });
      const handle = await startChallenger({ publicClient, walletClient, addresses: a, dataDir: join(dir, name), pollMs: 150, rpcPort: null, logger: silentLogger });
      challengers.push(handle);
      const handler = verifyHandler({ verdictOf: (i) => handle.status().verdicts.find((v) => BigInt(v.batchIndex) === i), verifier: name, waitMs: 2_000, pollMs: 50 });
      workers.push(startQueueWorker(redis.url, 'verify', handler));
    }
    for (const d of dispatchers) d.start();

    const read = <T>(address: `0x${string}`, abi: ReturnType<typeof batchInboxAbi>, functionName: string) =>
      publicClient.readContract({ address, abi, functionName }) as Promise<T>;
    await until(async () => (await read<bigint>(a.batchInbox, batchInboxAbi(), 'nextBlock')) === head + 1n, 30_000, 'every block posted');
    const batchCount = await read<bigint>(a.batchInbox, batchInboxAbi(), 'batchCount');
    await until(async () => (await read<bigint>(a.outputOracle, outputOracleAbi(), 'nextBatchIndex')) === batchCount, 20_000, 'every output proposed');
    await until(async () => (await queues.verify.getJobCounts('completed')).completed === Number(batchCount), 20_000, 'every output verified');

    // Each batch posted once: one appendBatch per inbox entry, one completed job per batch.
    assert.ok(batchCount >= 2n, `batches ${batchCount}`);
    const logs = await publicClient.getLogs({ address: a.batchInbox, fromBlock: a.deployedAtBlock, toBlock: 'latest' });
    assert.equal(parseEventLogs({ abi: batchInboxAbi(), logs, eventName: 'BatchAppended' }).length, Number(batchCount));
    const [batchJobs, outputJobs, verifyJobs] = await Promise.all([queues.batches.getCompleted(), queues.outputs.getCompleted(), queues.verify.getCompleted()]);
    const posted = batchJobs.map((j) => j.returnvalue as { batchIndex?: string }).filter((r) => r.batchIndex !== undefined);
    assert.deepEqual(posted.map((r) => r.batchIndex).sort(), [...Array(Number(batchCount)).keys()].map(String).sort());
    assert.equal(new Set(batchJobs.map((j) => j.id)).size, batchJobs.length);
    assert.equal(outputJobs.length, Number(batchCount));
    for (const j of outputJobs) assert.equal((j.returnvalue as { faulty: boolean }).faulty, false);
    const verdicts = verifyJobs.map((j) => j.returnvalue as { batchIndex: string; verdict: string; verifier: string });
    assert.deepEqual(verdicts.map((v) => v.verdict), verdicts.map(() => 'agree'));
    assert.deepEqual(verdicts.map((v) => v.batchIndex).sort(), [...Array(Number(batchCount)).keys()].map(String).sort());
    // Both challengers derived everything themselves and agree with every output.
    for (const c of challengers) {
      await until(async () => c.status().verdicts.filter((v) => v.verdict === 'agree').length === Number(batchCount), 10_000, 'challenger verdicts');
    }
    for (const s of await queueStatus(queues)) assert.equal(s.failed, 0, `${s.queue}: ${JSON.stringify(s.failedJobs)}`);
    // The sequencer published the addresses for remote workers.
    assert.equal(JSON.parse((await queues.connection.get(ADDRESSES_KEY))!).batchInbox, a.batchInbox);
  });
});
