/**
 * OutputOracle: construction and `initialize`, bonds, proposals, the challenge window (a challenge
 * opens a dispute game), finalization order, frozen outputs, pull payments (`credits`/`withdraw`,
 * re-entrancy) and every custom error. Game play and resolution: dispute-game.test.ts.
 * Run with `npx hardhat test nodejs` or `node --test 'test/contracts/*.test.ts'`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { network } from 'hardhat';
import { decodeErrorResult, getAddress, keccak256, toHex, zeroAddress } from 'viem';
import type { Hex } from 'viem';
import { compileContracts, GAME_STATUS, OUTPUT_STATUS, TURN } from '../../sequencer/l1/contracts.ts';
import { CHALLENGER_BOND, CLOCK, deployStack, GENESIS_ROOT, PROPOSER_BOND, roles, SLASH_PERCENT, WINDOW } from './stack.ts';

await compileContracts();
const connection = await network.create();
const { viem, networkHelpers } = connection;
const { time } = networkHelpers;
const { deployer, sequencer, proposer, challenger, other, treasury } = await roles(connection);
const publicClient = await viem.getPublicClient();

const stateRoot = (i: number): Hex => keccak256(toHex(`state-${i}`));
const outputRoot = (i: number): Hex => keccak256(toHex(`output-${i}`));

/** The full stack (inbox, verifier, oracle, initialized manager). */
const deployRollup = () => deployStack(connection);

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
      assert.equal(await oracle.read.genesisOutputRoot(), GENESIS_ROOT);
      assert.equal(getAddress(await oracle.read.treasury()), getAddress(treasury.account.address));
      assert.equal(await oracle.read.slashRewardPercent(), SLASH_PERCENT);
      assert.equal(getAddress(await oracle.read.deployer()), getAddress(deployer.account.address));
      assert.equal(await oracle.read.credits([challenger.account.address]), 0n);
    });

    it('rejects zero inbox, proposer or treasury addresses (ZeroAddress) and a share above 100% (InvalidSlashRewardPercent)', async () => {
      const { inbox } = await bare();
      const p = proposer.account.address;
      const t = treasury.account.address;
      await assert.rejects(viem.deployContract('OutputOracle', [zeroAddress, p, WINDOW, 1n, 1n, GENESIS_ROOT, t, 50n]), /ZeroAddress/);
      await assert.rejects(viem.deployContract('OutputOracle', [inbox.address, zeroAddress, WINDOW, 1n, 1n, GENESIS_ROOT, t, 50n]), /ZeroAddress/);
      await assert.rejects(viem.deployContract('OutputOracle', [inbox.address, p, WINDOW, 1n, 1n, GENESIS_ROOT, zeroAddress, 50n]), /ZeroAddress/);
      await assert.rejects(viem.deployContract('OutputOracle', [inbox.address, p, WINDOW, 1n, 1n, GENESIS_ROOT, t, 101n]), /InvalidSlashRewardPercent/);
      for (const pct of [0n, 100n]) {
        const o = await viem.deployContract('OutputOracle', [inbox.address, p, WINDOW, 1n, 1n, GENESIS_ROOT, t, pct]);
        assert.equal(await o.read.slashRewardPercent(), pct);
      }
    });
  });

  describe('initialize', () => {
    async function uninitialized() {
      const s = await bare();
      const oracle = await viem.deployContract(
        'OutputOracle',
        [s.inbox.address, proposer.account.address, WINDOW, PROPOSER_BOND, CHALLENGER_BOND, GENESIS_ROOT, treasury.account.address, 50n],
        { client: { wallet: deployer } },
      );
      const manager = await viem.deployContract('DisputeGameManager', [oracle.address, s.inbox.address, s.verifier.address, CLOCK]);
      return { ...s, oracle, manager };
    }

    it('sets the manager once, by the deployer only (NotDeployer, AlreadyInitialized), emitting Initialized', async () => {
      const { oracle, manager } = await uninitialized();
      assert.equal(await oracle.read.disputeGameManager(), zeroAddress);
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.initialize([manager.address], { account: other.account }),
        oracle,
        'NotDeployer',
        [getAddress(other.account.address)],
      );
      await viem.assertions.emitWithArgs(
        oracle.write.initialize([manager.address], { account: deployer.account }),
        oracle,
        'Initialized',
        [getAddress(manager.address)],
      );
      assert.equal(getAddress(await oracle.read.disputeGameManager()), getAddress(manager.address));
      await viem.assertions.revertWithCustomError(
        oracle.write.initialize([manager.address], { account: deployer.account }),
        oracle,
        'AlreadyInitialized',
      );
    });

    it('rejects a zero manager (ZeroAddress) and one built for another oracle (ManagerOracleMismatch)', async () => {
      const stranger = await bare(); // its manager belongs to its own oracle (a fixture snapshot: take it first)
      const { oracle, manager: own } = await uninitialized();
      await viem.assertions.revertWithCustomError(oracle.write.initialize([zeroAddress], { account: deployer.account }), oracle, 'ZeroAddress');
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.initialize([stranger.manager.address], { account: deployer.account }),
        oracle,
        'ManagerOracleMismatch',
        [getAddress(stranger.oracle.address)],
      );
      await oracle.write.initialize([own.address], { account: deployer.account });
    });

    it('refuses challenges before initialize (NotInitialized)', async () => {
      const { inbox, oracle } = await uninitialized();
      await inbox.write.appendBatch([1n, 2n, '0x01'], { account: sequencer.account });
      await oracle.write.depositBond({ account: proposer.account, value: PROPOSER_BOND });
      await oracle.write.proposeOutput([0n, stateRoot(0), outputRoot(0)], { account: proposer.account });
      await viem.assertions.revertWithCustomError(
        oracle.write.challenge([0n], { account: challenger.account, value: CHALLENGER_BOND }),
        oracle,
        'NotInitialized',
      );
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
        [1n, other.account.address, CHALLENGER_BOND, 1n],
      );
    });

    it('opens a game: genesis root and block 0 as lo for batch 0, the previous output for later batches', async () => {
      const { inbox, oracle, manager } = await ready();
      await propose(oracle, 0);
      await propose(oracle, 1);
      await oracle.write.challenge([1n], { account: challenger.account, value: CHALLENGER_BOND });
      await oracle.write.challenge([0n], { account: other.account, value: CHALLENGER_BOND });
      assert.equal(await manager.read.gameCount(), 2n);
      assert.equal(await manager.read.gameOf([1n]), 1n); // game id 0 + 1
      assert.equal(await manager.read.gameOf([0n]), 2n);
      assert.equal(await manager.read.gameOf([2n]), 0n);
      const g1 = await manager.read.getGame([0n]);
      assert.equal(g1.batchIndex, 1n);
      assert.equal(getAddress(g1.challenger), getAddress(challenger.account.address));
      assert.equal(getAddress(g1.defender), getAddress(proposer.account.address));
      assert.equal(g1.lo, 2n); // batch 0 = blocks 1-2
      assert.equal(g1.loRoot, outputRoot(0));
      assert.equal(g1.hi, 5n); // batch 1 = blocks 3-5
      assert.equal(g1.hiRoot, outputRoot(1));
      assert.equal(g1.batchDataHash, (await inbox.read.getBatch([1n])).dataHash);
      assert.equal(g1.status, GAME_STATUS.InProgress);
      assert.equal(g1.turn, TURN.Defender);
      assert.equal(g1.defenderClock, CLOCK);
      assert.equal(g1.challengerClock, CLOCK);
      const g0 = await manager.read.getGame([1n]);
      assert.equal(g0.lo, 0n);
      assert.equal(g0.loRoot, GENESIS_ROOT);
      assert.equal(g0.hi, 2n);
      assert.equal(g0.hiRoot, outputRoot(0));
      assert.equal(g0.batchDataHash, keccak256('0x01'));
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

  describe('credits and withdraw', () => {
    type Ready = Awaited<ReturnType<typeof ready>>;
    /** Output 0 proposed and challenged by `challenge` (from an EOA or a contract); the defender times out. */
    async function challengerWon(challenge: (c: Ready) => Promise<unknown>) {
      const c = await ready();
      await propose(c.oracle, 0);
      await challenge(c);
      await time.increase(CLOCK + 1n);
      await c.manager.write.timeout([0n], { account: other.account });
      assert.equal((await c.manager.read.getGame([0n])).status, GAME_STATUS.ChallengerWins);
      return c;
    }
    const prize = CHALLENGER_BOND + (PROPOSER_BOND * SLASH_PERCENT) / 100n;

    it('pays the whole credit once (Withdrawn), then NothingToWithdraw (no double claim)', async () => {
      const { oracle } = await challengerWon((c) =>
        c.oracle.write.challenge([0n], { account: challenger.account, value: CHALLENGER_BOND }),
      );
      assert.equal(await oracle.read.credits([challenger.account.address]), prize);
      const before = await publicClient.getBalance({ address: challenger.account.address });
      const hash = await oracle.write.withdraw({ account: challenger.account });
      const receipt = await publicClient.getTransactionReceipt({ hash });
      const fee = receipt.gasUsed * receipt.effectiveGasPrice;
      assert.equal(await publicClient.getBalance({ address: challenger.account.address }), before + prize - fee);
      await viem.assertions.emitWithArgs(Promise.resolve(hash), oracle, 'Withdrawn', [getAddress(challenger.account.address), prize]);
      assert.equal(await oracle.read.credits([challenger.account.address]), 0n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.withdraw({ account: challenger.account }),
        oracle,
        'NothingToWithdraw',
        [getAddress(challenger.account.address)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        oracle.write.withdraw({ account: other.account }),
        oracle,
        'NothingToWithdraw',
        [getAddress(other.account.address)],
      );
      const treasuryShare = PROPOSER_BOND - (PROPOSER_BOND * SLASH_PERCENT) / 100n;
      await viem.assertions.emitWithArgs(oracle.write.withdraw({ account: treasury.account }), oracle, 'Withdrawn', [
        getAddress(treasury.account.address),
        treasuryShare,
      ]);
      // everything owed is paid out: only the unslashed proposer bond is left
      assert.equal(await publicClient.getBalance({ address: oracle.address }), await oracle.read.proposerBondBalance());
    });

    it('a receive hook re-entering withdraw gets nothing extra (ReentrancyGuard) or makes the withdrawal fail (TransferFailed)', async () => {
      let attacker: Awaited<ReturnType<typeof viem.deployContract<'ReentrantWithdrawer'>>> | undefined;
      const c = await challengerWon(async (r) => {
        attacker = await viem.deployContract('ReentrantWithdrawer', [r.oracle.address]);
        await attacker.write.challenge([0n], { account: other.account, value: CHALLENGER_BOND });
      });
      const { oracle } = c;
      const a = attacker!;
      assert.equal(await oracle.read.credits([a.address]), prize);
      const before = await publicClient.getBalance({ address: oracle.address });

      // 1. the hook re-enters and lets the inner revert bubble up: the transfer fails, credit kept
      await a.write.setMode([true, false]);
      await viem.assertions.revertWithCustomErrorWithArgs(a.write.withdraw(), oracle, 'TransferFailed', [getAddress(a.address), prize]);
      assert.equal(await oracle.read.credits([a.address]), prize);
      assert.equal(await publicClient.getBalance({ address: oracle.address }), before);

      // 2. the hook re-enters and swallows the failure: paid exactly once
      await a.write.setMode([true, true]);
      await viem.assertions.balancesHaveChanged(a.write.withdraw(), [
        { address: a.address, amount: prize },
        { address: oracle.address, amount: -prize },
      ]);
      assert.equal(await a.read.reentries(), 1n);
      assert.equal(await a.read.reentrySucceeded(), false);
      const err = decodeErrorResult({ abi: oracle.abi, data: await a.read.reentryError() });
      assert.equal(err.errorName, 'ReentrancyGuardReentrantCall');
      assert.equal(await oracle.read.credits([a.address]), 0n);
      await viem.assertions.revertWithCustomError(a.write.withdraw(), oracle, 'NothingToWithdraw');
    });
  });
});
