/**
 * OutputOracle: bonds, proposals, the challenge window, finalization order, frozen outputs and
 * every custom error. Run with `npx hardhat test nodejs` (in-process Hardhat network).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { network } from 'hardhat';
import { keccak256, parseEther, toHex, zeroAddress } from 'viem';
import type { Hex } from 'viem';
import { compileContracts, OUTPUT_STATUS } from '../../sequencer/l1/contracts.ts';

await compileContracts();
const connection = await network.create();
const { viem, networkHelpers } = connection;
const { time } = networkHelpers;
const [deployer, sequencer, proposer, challenger, other] = await viem.getWalletClients();
const publicClient = await viem.getPublicClient();

const WINDOW = 3600n; // seconds
const PROPOSER_BOND = parseEther('1');
const CHALLENGER_BOND = parseEther('0.1');

const stateRoot = (i: number): Hex => keccak256(toHex(`state-${i}`));
const outputRoot = (i: number): Hex => keccak256(toHex(`output-${i}`));

async function deployRollup() {
  const inbox = await viem.deployContract('BatchInbox', [sequencer.account.address], {
    client: { wallet: deployer },
  });
  const oracle = await viem.deployContract(
    'OutputOracle',
    [inbox.address, proposer.account.address, WINDOW, PROPOSER_BOND, CHALLENGER_BOND],
    { client: { wallet: deployer } },
  );
  return { inbox, oracle };
}

/** Fresh contracts, no batches, no bond. */
const bare = () => networkHelpers.loadFixture(deployRollup);

/** Fresh contracts with 3 batches (blocks 1-2, 3-5, 6-6) and the proposer's bond deposited. */
async function withBatchesAndBond() {
  const c = await deployRollup();
  const as = { account: sequencer.account };
  await c.inbox.write.appendBatch([1n, 2n, '0x01'], as);
  await c.inbox.write.appendBatch([3n, 5n, '0x02'], as);
  await c.inbox.write.appendBatch([6n, 6n, '0x03'], as);
  await c.oracle.write.depositBond({ account: proposer.account, value: PROPOSER_BOND });
  return c;
}
const ready = () => networkHelpers.loadFixture(withBatchesAndBond);

type Oracle = Awaited<ReturnType<typeof deployRollup>>['oracle'];

/** Proposes output `i` (batch `i`) from the proposer; returns its deadline. */
async function propose(oracle: Oracle, i: number): Promise<bigint> {
  await oracle.write.proposeOutput([BigInt(i), stateRoot(i), outputRoot(i)], { account: proposer.account });
  return oracle.read.deadline([BigInt(i)]);
}

describe('OutputOracle', () => {
  before(async () => {
    await bare();
  });
  after(async () => {
    await connection.close();
  });

  describe('construction and bond', () => {
    it('exposes its parameters', async () => {
      const { inbox, oracle } = await bare();
      assert.equal((await oracle.read.inbox()).toLowerCase(), inbox.address.toLowerCase());
      assert.equal((await oracle.read.proposer()).toLowerCase(), proposer.account.address.toLowerCase());
      assert.equal(await oracle.read.challengeWindow(), WINDOW);
      assert.equal(await oracle.read.proposerBond(), PROPOSER_BOND);
      assert.equal(await oracle.read.challengerBond(), CHALLENGER_BOND);
      assert.equal(await oracle.read.proposerBondBalance(), 0n);
      assert.equal(await oracle.read.nextBatchIndex(), 0n);
      assert.equal(await oracle.read.finalizedCount(), 0n);
      await viem.assertions.revertWithCustomError(oracle.read.latestFinalizedBatch(), oracle, 'NoFinalizedOutput');
    });

    it('rejects zero inbox or proposer addresses (ZeroAddress)', async () => {
      const { inbox } = await bare();
      await assert.rejects(
        viem.deployContract('OutputOracle', [zeroAddress, proposer.account.address, WINDOW, 1n, 1n]),
        /ZeroAddress/,
      );
      await assert.rejects(viem.deployContract('OutputOracle', [inbox.address, zeroAddress, WINDOW, 1n, 1n]), /ZeroAddress/);
    });

    it('takes bond deposits from the proposer only (NotProposer), emitting BondDeposited', async () => {
      const { oracle } = await bare();
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.depositBond({ account: other.account, value: PROPOSER_BOND }),
        oracle,
        'NotProposer',
        [other.account.address],
      );
      const half = PROPOSER_BOND / 2n;
      await viem.assertions.emitWithArgs(
        oracle.write.depositBond({ account: proposer.account, value: half }),
        oracle,
        'BondDeposited',
        [proposer.account.address, half, half],
      );
      await viem.assertions.balancesHaveChanged(
        oracle.write.depositBond({ account: proposer.account, value: half }),
        [{ address: oracle.address, amount: half }],
      );
      assert.equal(await oracle.read.proposerBondBalance(), PROPOSER_BOND);
    });
  });

  describe('proposeOutput', () => {
    it('stores the output and emits OutputProposed', async () => {
      const { inbox, oracle } = await ready();
      const hash = await oracle.write.proposeOutput([0n, stateRoot(0), outputRoot(0)], { account: proposer.account });
      const receipt = await publicClient.getTransactionReceipt({ hash });
      const { timestamp } = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
      await viem.assertions.emitWithArgs(Promise.resolve(hash), oracle, 'OutputProposed', [
        0n,
        2n,
        stateRoot(0),
        outputRoot(0),
        timestamp,
      ]);
      assert.deepEqual(await oracle.read.getOutput([0n]), {
        stateRoot: stateRoot(0),
        outputRoot: outputRoot(0),
        l2BlockNumber: 2n,
        timestamp,
        status: OUTPUT_STATUS.Proposed,
        challenger: zeroAddress,
      });
      assert.equal(await oracle.read.nextBatchIndex(), 1n);
      assert.equal(await oracle.read.deadline([0n]), timestamp + WINDOW);
      assert.equal(await oracle.read.isFinalized([0n]), false);

      // l2BlockNumber follows the inbox batch's lastBlock
      await propose(oracle, 1);
      assert.equal((await oracle.read.getOutput([1n])).l2BlockNumber, (await inbox.read.getBatch([1n])).lastBlock);
      assert.equal((await oracle.read.getOutput([1n])).l2BlockNumber, 5n);
    });

    it('only the proposer may propose (NotProposer)', async () => {
      const { oracle } = await ready();
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.proposeOutput([0n, stateRoot(0), outputRoot(0)], { account: other.account }),
        oracle,
        'NotProposer',
        [other.account.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.proposeOutput([0n, stateRoot(0), outputRoot(0)], { account: sequencer.account }),
        oracle,
        'NotProposer',
        [sequencer.account.address],
      );
    });

    it('requires batch order (UnexpectedBatchIndex)', async () => {
      const { oracle } = await ready();
      const as = { account: proposer.account };
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.proposeOutput([1n, stateRoot(1), outputRoot(1)], as),
        oracle,
        'UnexpectedBatchIndex',
        [0n, 1n],
      );
      await propose(oracle, 0);
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.proposeOutput([0n, stateRoot(0), outputRoot(0)], as),
        oracle,
        'UnexpectedBatchIndex',
        [1n, 0n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.proposeOutput([2n, stateRoot(2), outputRoot(2)], as),
        oracle,
        'UnexpectedBatchIndex',
        [1n, 2n],
      );
    });

    it('requires the batch to be in the inbox (BatchNotPosted)', async () => {
      const { oracle } = await ready();
      await propose(oracle, 0);
      await propose(oracle, 1);
      await propose(oracle, 2);
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.proposeOutput([3n, stateRoot(3), outputRoot(3)], { account: proposer.account }),
        oracle,
        'BatchNotPosted',
        [3n],
      );
      const empty = await bare();
      await empty.oracle.write.depositBond({ account: proposer.account, value: PROPOSER_BOND });
      await viem.assertions.revertWithCustomErrorWithArgs(
        empty.oracle.write.proposeOutput([0n, stateRoot(0), outputRoot(0)], { account: proposer.account }),
        empty.oracle,
        'BatchNotPosted',
        [0n],
      );
    });

    it('requires the proposer bond (InsufficientBond)', async () => {
      const { inbox, oracle } = await bare();
      await inbox.write.appendBatch([1n, 1n, '0x01'], { account: sequencer.account });
      const as = { account: proposer.account };
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.proposeOutput([0n, stateRoot(0), outputRoot(0)], as),
        oracle,
        'InsufficientBond',
        [PROPOSER_BOND, 0n],
      );
      await oracle.write.depositBond({ account: proposer.account, value: PROPOSER_BOND - 1n });
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.proposeOutput([0n, stateRoot(0), outputRoot(0)], as),
        oracle,
        'InsufficientBond',
        [PROPOSER_BOND, PROPOSER_BOND - 1n],
      );
      await oracle.write.depositBond({ account: proposer.account, value: 1n });
      await propose(oracle, 0);
      assert.equal(await oracle.read.nextBatchIndex(), 1n);
    });
  });

  describe('challenge', () => {
    it('freezes a Proposed output within the window and emits OutputChallenged', async () => {
      const { oracle } = await ready();
      const end = await propose(oracle, 0);
      await time.setNextBlockTimestamp(end - 1n); // last second of the window
      await viem.assertions.balancesHaveChanged(
        oracle.write.challenge([0n], { account: challenger.account, value: CHALLENGER_BOND }),
        [{ address: oracle.address, amount: CHALLENGER_BOND }],
      );
      const out = await oracle.read.getOutput([0n]);
      assert.equal(out.status, OUTPUT_STATUS.Challenged);
      assert.equal(out.challenger.toLowerCase(), challenger.account.address.toLowerCase());

      await propose(oracle, 1);
      await viem.assertions.emitWithArgs(
        oracle.write.challenge([1n], { account: other.account, value: CHALLENGER_BOND }),
        oracle,
        'OutputChallenged',
        [1n, other.account.address, CHALLENGER_BOND],
      );
    });

    it('requires exactly the challenger bond (WrongBond)', async () => {
      const { oracle } = await ready();
      await propose(oracle, 0);
      for (const value of [0n, CHALLENGER_BOND - 1n, CHALLENGER_BOND + 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          oracle.write.challenge([0n], { account: challenger.account, value }),
          oracle,
          'WrongBond',
          [CHALLENGER_BOND, value],
        );
      }
      assert.equal((await oracle.read.getOutput([0n])).status, OUTPUT_STATUS.Proposed);
    });

    it('rejects unknown outputs (OutputNotFound) and non-Proposed ones (OutputNotChallengeable)', async () => {
      const { oracle } = await ready();
      const as = { account: challenger.account, value: CHALLENGER_BOND };
      await viem.assertions.revertWithCustomErrorWithArgs(oracle.write.challenge([0n], as), oracle, 'OutputNotFound', [0n]);
      await propose(oracle, 0);
      await oracle.write.challenge([0n], as);
      await viem.assertions.revertWithCustomErrorWithArgs(oracle.write.challenge([0n], as), oracle, 'OutputNotChallengeable', [
        0n,
        OUTPUT_STATUS.Challenged,
      ]);

      const fresh = await ready();
      await propose(fresh.oracle, 0);
      await time.increase(WINDOW);
      await fresh.oracle.write.finalizeOutput([0n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        fresh.oracle.write.challenge([0n], as),
        fresh.oracle,
        'OutputNotChallengeable',
        [0n, OUTPUT_STATUS.Finalized],
      );
    });

    it('closes at the deadline (ChallengeWindowClosed)', async () => {
      const { oracle } = await ready();
      const end = await propose(oracle, 0);
      await time.setNextBlockTimestamp(end);
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.challenge([0n], { account: challenger.account, value: CHALLENGER_BOND }),
        oracle,
        'ChallengeWindowClosed',
        [0n, end],
      );
    });
  });

  describe('finalizeOutput', () => {
    it('finalizes from the deadline on, by anyone, emitting OutputFinalized', async () => {
      const { oracle } = await ready();
      const end = await propose(oracle, 0);
      await time.setNextBlockTimestamp(end);
      await viem.assertions.emitWithArgs(
        oracle.write.finalizeOutput([0n], { account: other.account }),
        oracle,
        'OutputFinalized',
        [0n, 2n, outputRoot(0)],
      );
      assert.equal(await oracle.read.isFinalized([0n]), true);
      assert.equal((await oracle.read.getOutput([0n])).status, OUTPUT_STATUS.Finalized);
      assert.equal(await oracle.read.finalizedCount(), 1n);
      assert.equal(await oracle.read.latestFinalizedBatch(), 0n);
    });

    it('waits for the window (ChallengeWindowOpen)', async () => {
      const { oracle } = await ready();
      const end = await propose(oracle, 0);
      await viem.assertions.revertWithCustomErrorWithArgs(oracle.write.finalizeOutput([0n]), oracle, 'ChallengeWindowOpen', [
        0n,
        end,
      ]);
      await time.setNextBlockTimestamp(end - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(oracle.write.finalizeOutput([0n]), oracle, 'ChallengeWindowOpen', [
        0n,
        end,
      ]);
      assert.equal(await oracle.read.isFinalized([0n]), false);
    });

    it('rejects unknown outputs (OutputNotFound) and double finalization (AlreadyFinalized)', async () => {
      const { oracle } = await ready();
      await viem.assertions.revertWithCustomErrorWithArgs(oracle.write.finalizeOutput([0n]), oracle, 'OutputNotFound', [0n]);
      await viem.assertions.revertWithCustomErrorWithArgs(oracle.read.getOutput([0n]), oracle, 'OutputNotFound', [0n]);
      await viem.assertions.revertWithCustomErrorWithArgs(oracle.read.deadline([0n]), oracle, 'OutputNotFound', [0n]);
      assert.equal(await oracle.read.isFinalized([0n]), false);
      await propose(oracle, 0);
      await time.increase(WINDOW);
      await oracle.write.finalizeOutput([0n]);
      await viem.assertions.revertWithCustomErrorWithArgs(oracle.write.finalizeOutput([0n]), oracle, 'AlreadyFinalized', [0n]);
    });

    it('finalizes in order (PreviousOutputNotFinalized)', async () => {
      const { oracle } = await ready();
      await propose(oracle, 0);
      await propose(oracle, 1);
      await propose(oracle, 2);
      await time.increase(WINDOW);
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.finalizeOutput([1n]),
        oracle,
        'PreviousOutputNotFinalized',
        [1n],
      );
      await oracle.write.finalizeOutput([0n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.finalizeOutput([2n]),
        oracle,
        'PreviousOutputNotFinalized',
        [2n],
      );
      await oracle.write.finalizeOutput([1n]);
      await oracle.write.finalizeOutput([2n]);
      assert.equal(await oracle.read.finalizedCount(), 3n);
      assert.equal(await oracle.read.latestFinalizedBatch(), 2n);
    });

    it('never finalizes a challenged output (OutputFrozen), which blocks the later ones', async () => {
      const { oracle } = await ready();
      await propose(oracle, 0);
      await oracle.write.challenge([0n], { account: challenger.account, value: CHALLENGER_BOND });
      await propose(oracle, 1); // proposals continue past a frozen output
      await time.increase(10n * WINDOW);
      await viem.assertions.revertWithCustomErrorWithArgs(oracle.write.finalizeOutput([0n]), oracle, 'OutputFrozen', [0n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.finalizeOutput([1n]),
        oracle,
        'PreviousOutputNotFinalized',
        [1n],
      );
      assert.equal((await oracle.read.getOutput([0n])).status, OUTPUT_STATUS.Challenged);
      assert.equal(await oracle.read.finalizedCount(), 0n);
    });
  });
});
