/**
 * sequencer/l1/contracts.ts: artifacts, deployRollupContracts through viem clients of an
 * in-process Hardhat network, then one batch + one output; the addresses file round trip.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { network } from 'hardhat';
import { getContract, keccak256, parseEther } from 'viem';
import { ParallaxError } from '../../sequencer/errors.ts';
import {
  artifactsAreFresh,
  batchInboxAbi,
  compileContracts,
  deployRollupContracts,
  loadArtifact,
  OUTPUT_STATUS,
  outputOracleAbi,
  readAddresses,
  writeAddresses,
} from '../../sequencer/l1/contracts.ts';

await compileContracts();
const connection = await network.create();
const { viem } = connection;
const [deployer, sequencer, proposer] = await viem.getWalletClients();
const publicClient = await viem.getPublicClient();
const tmp = mkdtempSync(join(tmpdir(), 'parallax-l1-'));

describe('sequencer/l1/contracts', () => {
  after(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await connection.close();
  });

  it('loads ABIs and bytecode from the Hardhat artifacts', () => {
    assert.equal(artifactsAreFresh(), true);
    const inbox = loadArtifact('BatchInbox');
    assert.match(inbox.bytecode, /^0x[0-9a-f]{100,}$/);
    assert.ok(inbox.abi.some((e) => e.type === 'function' && e.name === 'appendBatch'));
    assert.equal(batchInboxAbi(), inbox.abi);
    assert.ok(outputOracleAbi().some((e) => e.type === 'function' && e.name === 'proposeOutput'));
    assert.throws(
      () => loadArtifact('Nope' as 'BatchInbox'),
      (e: unknown) => e instanceof ParallaxError && e.code === 'UNKNOWN_CONTRACT',
    );
  });

  it('deploys both contracts, then a batch is appended and an output proposed', async () => {
    const addrs = await deployRollupContracts({
      wallet: deployer,
      publicClient,
      sequencer: sequencer.account.address,
      proposer: proposer.account.address,
      challengeWindowSeconds: 600n,
      proposerBondWei: parseEther('1'),
      challengerBondWei: parseEther('0.1'),
    });
    assert.equal(addrs.l1ChainId, await publicClient.getChainId());
    assert.ok(addrs.deployedAtBlock > 0n);
    assert.ok(addrs.deployedAtBlock <= (await publicClient.getBlockNumber()));
    assert.notEqual(addrs.batchInbox, addrs.outputOracle);

    const inbox = getContract({
      address: addrs.batchInbox,
      abi: batchInboxAbi(),
      client: { public: publicClient, wallet: sequencer },
    });
    const oracle = getContract({
      address: addrs.outputOracle,
      abi: outputOracleAbi(),
      client: { public: publicClient, wallet: proposer },
    });
    assert.equal(String(await oracle.read.inbox()).toLowerCase(), addrs.batchInbox.toLowerCase());
    assert.equal(await oracle.read.challengeWindow(), 600n);

    const data = '0xc0ffee' as const;
    const h1 = await inbox.write.appendBatch([1n, 4n, data], { account: sequencer.account, chain: sequencer.chain });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash: h1 })).status, 'success');
    const batch = (await inbox.read.getBatch([0n])) as { lastBlock: bigint; dataHash: string };
    assert.equal(batch.lastBlock, 4n);
    assert.equal(batch.dataHash, keccak256(data));

    const h2 = await oracle.write.depositBond([], { account: proposer.account, chain: proposer.chain, value: parseEther('1') });
    await publicClient.waitForTransactionReceipt({ hash: h2 });
    const root = keccak256('0x01');
    const h3 = await oracle.write.proposeOutput([0n, root, root], { account: proposer.account, chain: proposer.chain });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash: h3 })).status, 'success');
    const out = (await oracle.read.getOutput([0n])) as { l2BlockNumber: bigint; status: number; outputRoot: string };
    assert.equal(out.l2BlockNumber, 4n);
    assert.equal(out.status, OUTPUT_STATUS.Proposed);
    assert.equal(out.outputRoot, root);

    const file = join(tmp, 'sub', 'addresses.json');
    writeAddresses(file, addrs);
    assert.deepEqual(readAddresses(file), addrs);
  });

  it('rejects malformed addresses files', () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, JSON.stringify({ batchInbox: '0x1234', outputOracle: '0x1234', l1ChainId: 1, deployedAtBlock: '1' }));
    assert.throws(() => readAddresses(file), (e: unknown) => e instanceof ParallaxError && e.code === 'ADDRESSES_INVALID');
    assert.throws(
      () => readAddresses(join(tmp, 'missing.json')),
      (e: unknown) => e instanceof ParallaxError && e.code === 'ADDRESSES_NOT_FOUND',
    );
  });
});
