/**
 * BatchInbox: access control, contiguity, stored metadata, events, calldata-only data, every error.
 * Run with `npx hardhat test nodejs` (in-process Hardhat network).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { network } from 'hardhat';
import { decodeFunctionData, keccak256, zeroAddress } from 'viem';
import type { Hex } from 'viem';
import { compileContracts } from '../../sequencer/l1/contracts.ts';

await compileContracts();
const connection = await network.create();
const { viem, networkHelpers } = connection;
const [deployer, sequencer, other] = await viem.getWalletClients();
const publicClient = await viem.getPublicClient();

async function deployInbox() {
  return viem.deployContract('BatchInbox', [sequencer.account.address], { client: { wallet: deployer } });
}

/** A fresh inbox, restored from a snapshot for each test. */
const fixture = () => networkHelpers.loadFixture(deployInbox);

describe('BatchInbox', () => {
  before(async () => {
    await fixture();
  });
  after(async () => {
    await connection.close();
  });

  it('starts empty, with nextBlock 1 and the given sequencer', async () => {
    const inbox = await fixture();
    assert.equal((await inbox.read.sequencer()).toLowerCase(), sequencer.account.address.toLowerCase());
    assert.equal(await inbox.read.nextBlock(), 1n);
    assert.equal(await inbox.read.batchCount(), 0n);
    await viem.assertions.revertWithCustomErrorWithArgs(inbox.read.getBatch([0n]), inbox, 'BatchNotFound', [0n]);
  });

  it('rejects a zero sequencer at deployment (ZeroAddress)', async () => {
    const inbox = await fixture();
    await assert.rejects(viem.deployContract('BatchInbox', [zeroAddress]), (err: Error) => {
      assert.match(err.message, /ZeroAddress/);
      return true;
    });
    // the revert selector is the one in the ABI
    assert.ok(inbox.abi.some((e) => e.type === 'error' && e.name === 'ZeroAddress'));
  });

  it('appends contiguous batches, stores their metadata and emits BatchAppended', async () => {
    const inbox = await fixture();
    const data1: Hex = '0xdeadbeef';
    const hash1 = await inbox.write.appendBatch([1n, 3n, data1], { account: sequencer.account });
    await viem.assertions.emitWithArgs(Promise.resolve(hash1), inbox, 'BatchAppended', [0n, 1n, 3n, keccak256(data1)]);
    const receipt1 = await publicClient.getTransactionReceipt({ hash: hash1 });

    assert.equal(await inbox.read.batchCount(), 1n);
    assert.equal(await inbox.read.nextBlock(), 4n);
    assert.deepEqual(await inbox.read.getBatch([0n]), {
      firstBlock: 1n,
      lastBlock: 3n,
      dataHash: keccak256(data1),
      l1Block: receipt1.blockNumber,
    });

    // a single-block batch is fine
    const data2: Hex = '0x01';
    await viem.assertions.emitWithArgs(
      inbox.write.appendBatch([4n, 4n, data2], { account: sequencer.account }),
      inbox,
      'BatchAppended',
      [1n, 4n, 4n, keccak256(data2)],
    );
    assert.equal(await inbox.read.batchCount(), 2n);
    assert.equal(await inbox.read.nextBlock(), 5n);
    const b1 = await inbox.read.getBatch([1n]);
    assert.equal(b1.firstBlock, 4n);
    assert.equal(b1.lastBlock, 4n);
    await viem.assertions.revertWithCustomErrorWithArgs(inbox.read.getBatch([2n]), inbox, 'BatchNotFound', [2n]);
  });

  it('keeps the batch bytes only in calldata, where they hash to dataHash', async () => {
    const inbox = await fixture();
    const data: Hex = `0x${'ab'.repeat(1000)}`;
    const hash = await inbox.write.appendBatch([1n, 10n, data], { account: sequencer.account });
    const tx = await publicClient.getTransaction({ hash });
    const decoded = decodeFunctionData({ abi: inbox.abi, data: tx.input });
    assert.equal(decoded.functionName, 'appendBatch');
    assert.deepEqual(decoded.args, [1n, 10n, data]);
    assert.equal((await inbox.read.getBatch([0n])).dataHash, keccak256(decoded.args[2]));
  });

  it('only the sequencer may append (NotSequencer)', async () => {
    const inbox = await fixture();
    await viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.appendBatch([1n, 1n, '0x01'], { account: other.account }),
      inbox,
      'NotSequencer',
      [other.account.address],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.appendBatch([1n, 1n, '0x01'], { account: deployer.account }),
      inbox,
      'NotSequencer',
      [deployer.account.address],
    );
    assert.equal(await inbox.read.batchCount(), 0n);
  });

  it('rejects gaps, overlaps and batching genesis (NonContiguousBatch)', async () => {
    const inbox = await fixture();
    const as = { account: sequencer.account };
    await viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.appendBatch([0n, 2n, '0x01'], as),
      inbox,
      'NonContiguousBatch',
      [1n, 0n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.appendBatch([2n, 2n, '0x01'], as),
      inbox,
      'NonContiguousBatch',
      [1n, 2n],
    );
    await inbox.write.appendBatch([1n, 5n, '0x01'], as);
    await viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.appendBatch([5n, 6n, '0x01'], as),
      inbox,
      'NonContiguousBatch',
      [6n, 5n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.appendBatch([7n, 8n, '0x01'], as),
      inbox,
      'NonContiguousBatch',
      [6n, 7n],
    );
    assert.equal(await inbox.read.batchCount(), 1n);
    assert.equal(await inbox.read.nextBlock(), 6n);
  });

  it('rejects lastBlock < firstBlock (EmptyBlockRange) and empty data (EmptyBatch)', async () => {
    const inbox = await fixture();
    const as = { account: sequencer.account };
    await viem.assertions.revertWithCustomError(inbox.write.appendBatch([1n, 0n, '0x01'], as), inbox, 'EmptyBlockRange');
    await viem.assertions.revertWithCustomError(inbox.write.appendBatch([1n, 1n, '0x'], as), inbox, 'EmptyBatch');
    assert.equal(await inbox.read.batchCount(), 0n);
    assert.equal(await inbox.read.nextBlock(), 1n);
  });
});
