/**
 * DisputeGameManager + OutputOracle: the bisection game (docs/dispute-game.md) on ranges of 1, 2, 3
 * and 64 L2 blocks, the step with AttestationVerifier proofs, roles and turns, chess clocks and
 * timeouts, and what resolution does in the oracle (deletion, nextBatchIndex, slashing split in
 * wei, refunds, cancelled games, finalization afterwards). Also prints the L1 gas of each move of
 * a full dispute over a 64-block batch.
 * Run with `npx hardhat test nodejs` or `node --test 'test/contracts/*.test.ts'`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { network } from 'hardhat';
import { getAddress, keccak256, toHex, zeroHash } from 'viem';
import type { Hex } from 'viem';
import { compileContracts, GAME_STATUS, OUTPUT_STATUS, TURN } from '../../sequencer/l1/contracts.ts';
import {
  CHALLENGER_BOND,
  CLOCK,
  deployStack,
  PROPOSER_BOND,
  proverAccounts,
  SLASH_PERCENT,
  stateRootOf,
  stepProof,
  trueRoot,
  WINDOW,
  wrongRoot,
  type Stack,
  type StackOptions,
} from './stack.ts';

await compileContracts();
const connection = await network.create();
const { viem, networkHelpers } = connection;
const { time } = networkHelpers;
const publicClient = await viem.getPublicClient();
const chainId = await publicClient.getChainId();

/** Inbox batches: [firstBlock, lastBlock]. Ranges from the previous output: 64, 3, 2, 1. */
const BATCHES: ReadonlyArray<readonly [bigint, bigint]> = [
  [1n, 64n],
  [65n, 67n],
  [68n, 69n],
  [70n, 70n],
];
const LAST = BATCHES.map((b) => b[1]);
const batchData = (i: number): Hex => toHex(`batch-${i}`);

/** A chain view: the output root a player holds for L2 block n. */
type View = (n: bigint) => Hex;
const honest: View = trueRoot;
/** The chain of a proposer whose execution went wrong at block k (and everything after). */
const faultyFrom =
  (k: bigint): View =>
  (n) =>
    n >= k ? wrongRoot(n) : trueRoot(n);

async function withBatches(o: StackOptions) {
  const s = await deployStack(connection, o);
  for (const [i, [first, last]] of BATCHES.entries()) {
    await s.inbox.write.appendBatch([first, last, batchData(i)], { account: s.sequencer.account });
  }
  await s.oracle.write.depositBond({ account: s.proposer.account, value: o.proposerBond ?? PROPOSER_BOND });
  return s;
}
async function baseFixture() {
  return withBatches({});
}
/** An odd proposer bond and a 33% share, so the split's rounding shows. */
const ODD_BOND = 10n ** 18n + 1n;
async function oddFixture() {
  return withBatches({ proposerBond: ODD_BOND, slashRewardPercent: 33n });
}
/** 2-of-3 provers. */
async function multiFixture() {
  return withBatches({ provers: proverAccounts.slice(0, 3).map((a) => a.address), threshold: 2n });
}
const base = () => networkHelpers.loadFixture(baseFixture);

/** Proposes outputs 0..views.length-1, output i from views[i] at the batch's last block. */
async function proposeAll(s: Stack, views: View[]) {
  for (const [i, v] of views.entries()) {
    const root = v(LAST[i]!);
    await s.oracle.write.proposeOutput([BigInt(i), stateRootOf(root), root], { account: s.proposer.account });
  }
}

/** Challenges output i from `who` (default the challenger) and returns the game id. */
async function challenge(s: Stack, i: number, who = s.challenger): Promise<bigint> {
  await s.oracle.write.challenge([BigInt(i)], { account: who.account, value: CHALLENGER_BOND });
  return (await s.manager.read.gameOf([BigInt(i)])) - 1n;
}

/**
 * Plays the bisection to its end: the defender reveals `defender(mid)`, the challenger agrees iff
 * that equals `challenger(mid)`. Returns the number of reveal/respond rounds and the gas of each tx.
 */
async function bisect(s: Stack, gameId: bigint, defender: View, challenger: View) {
  const gas: Array<{ move: string; gas: bigint }> = [];
  let rounds = 0;
  for (;;) {
    const g = await s.manager.read.getGame([gameId]);
    if (g.hi - g.lo <= 1n) {
      assert.equal(g.turn, TURN.Challenger);
      break;
    }
    assert.equal(g.turn, TURN.Defender);
    const m = await s.manager.read.mid([gameId]);
    assert.equal(m, g.lo + (g.hi - g.lo) / 2n);
    const midRoot = defender(m);
    const h1 = await s.manager.write.reveal([gameId, midRoot], { account: s.proposer.account });
    await viem.assertions.emitWithArgs(Promise.resolve(h1), s.manager, 'MidpointRevealed', [gameId, m, midRoot]);
    const revealed = await s.manager.read.getGame([gameId]);
    assert.equal(revealed.midRevealed, true);
    assert.equal(revealed.midRoot, midRoot);
    assert.equal(revealed.turn, TURN.Challenger);
    const agree = challenger(m) === midRoot;
    const responder = [s.challenger, s.challenger2, s.other].find((w) => getAddress(w.account.address) === getAddress(g.challenger))!;
    const h2 = await s.manager.write.respond([gameId, agree], { account: responder.account });
    const lo = agree ? m : g.lo;
    const hi = agree ? g.hi : m;
    await viem.assertions.emitWithArgs(Promise.resolve(h2), s.manager, 'Responded', [gameId, agree, lo, hi]);
    const after = await s.manager.read.getGame([gameId]);
    assert.deepEqual([after.lo, after.hi, after.midRevealed, after.midRoot], [lo, hi, false, zeroHash]);
    gas.push({ move: `reveal ${rounds + 1}`, gas: (await publicClient.getTransactionReceipt({ hash: h1 })).gasUsed });
    gas.push({ move: `respond ${rounds + 1}`, gas: (await publicClient.getTransactionReceipt({ hash: h2 })).gasUsed });
    rounds++;
  }
  return { rounds, gas };
}

/** The step proof for game `gameId` as it stands, attesting `post` as block hi's output root. */
async function proofFor(s: Stack, gameId: bigint, post: Hex, signers = [proverAccounts[0]!]) {
  const g = await s.manager.read.getGame([gameId]);
  return stepProof(s.verifier.address, chainId, { preOutputRoot: g.loRoot, batchDataHash: g.batchDataHash, l2BlockNumber: g.hi, postOutputRoot: post }, signers);
}

/** Ether the oracle must hold: bond balance + all credits + bonds of Challenged outputs. */
async function assertAccounting(s: Stack, accounts: Hex[], outputs: number) {
  let owed = await s.oracle.read.proposerBondBalance();
  for (const a of accounts) owed += await s.oracle.read.credits([a]);
  for (let i = 0; i < outputs; i++) {
    const out = await s.oracle.read.getOutput([BigInt(i)]).catch(() => undefined);
    if (out?.status === OUTPUT_STATUS.Challenged) owed += CHALLENGER_BOND;
  }
  assert.equal(await publicClient.getBalance({ address: s.oracle.address }), owed);
}

const ceilLog2 = (n: bigint) => {
  let r = 0;
  while (1n << BigInt(r) < n) r++;
  return r;
};

describe('DisputeGameManager', () => {
  before(async () => {
    await base();
  });
  after(async () => {
    await connection.close();
  });

  describe('construction', () => {
    it('exposes its parameters and rejects zero addresses (ZeroAddress) or a zero clock (ZeroClock)', async () => {
      const s = await base();
      assert.equal(getAddress(await s.manager.read.oracle()), getAddress(s.oracle.address));
      assert.equal(getAddress(await s.manager.read.inbox()), getAddress(s.inbox.address));
      assert.equal(getAddress(await s.manager.read.verifier()), getAddress(s.verifier.address));
      assert.equal(await s.manager.read.clockSeconds(), CLOCK);
      assert.equal(await s.manager.read.gameCount(), 0n);
      const z = '0x0000000000000000000000000000000000000000';
      await assert.rejects(viem.deployContract('DisputeGameManager', [z, s.inbox.address, s.verifier.address, CLOCK]), /ZeroAddress/);
      await assert.rejects(viem.deployContract('DisputeGameManager', [s.oracle.address, z, s.verifier.address, CLOCK]), /ZeroAddress/);
      await assert.rejects(viem.deployContract('DisputeGameManager', [s.oracle.address, s.inbox.address, z, CLOCK]), /ZeroAddress/);
      await assert.rejects(viem.deployContract('DisputeGameManager', [s.oracle.address, s.inbox.address, s.verifier.address, 0n]), /ZeroClock/);
    });
  });

  describe('bisection', () => {
    // batch index -> range (hi - lo): 0 -> 64 (from genesis), 1 -> 3, 2 -> 2, 3 -> 1
    for (const [batch, range] of [
      [3, 1n],
      [2, 2n],
      [1, 3n],
      [0, 64n],
    ] as const) {
      it(`narrows a ${range}-block range to one block in ceil(log2 ${range}) = ${ceilLog2(range)} rounds; a step for another root: challenger wins`, async () => {
        const s = await base();
        const fault = LAST[batch]!; // the proposer's last block is wrong: the challenger agrees every time (most rounds)
        const views = BATCHES.map((_, i) => (i === batch ? faultyFrom(fault) : honest));
        await proposeAll(s, views);
        const gameId = await challenge(s, batch);
        const g0 = await s.manager.read.getGame([gameId]);
        assert.equal(g0.hi - g0.lo, range);
        assert.equal(g0.turn, range > 1n ? TURN.Defender : TURN.Challenger);
        const { rounds } = await bisect(s, gameId, views[batch]!, honest);
        assert.equal(rounds, ceilLog2(range));
        const g = await s.manager.read.getGame([gameId]);
        assert.deepEqual([g.lo, g.hi, g.loRoot, g.hiRoot], [fault - 1n, fault, trueRoot(fault - 1n), wrongRoot(fault)]);

        const proof = await proofFor(s, gameId, trueRoot(fault));
        const hash = await s.manager.write.step([gameId, trueRoot(fault), proof], { account: s.challenger.account });
        await viem.assertions.emitWithArgs(Promise.resolve(hash), s.manager, 'StepVerified', [gameId, trueRoot(fault)]);
        await viem.assertions.emitWithArgs(Promise.resolve(hash), s.manager, 'GameResolved', [gameId, GAME_STATUS.ChallengerWins]);
        assert.equal((await s.manager.read.getGame([gameId])).status, GAME_STATUS.ChallengerWins);
        assert.equal(await s.oracle.read.nextBatchIndex(), BigInt(batch));
      });
    }

    it('finds any faulty block of a 3-block range and never needs more than ceil(log2) rounds', async () => {
      for (const k of [65n, 66n, 67n]) {
        const s = await base();
        const views = [honest, faultyFrom(k), honest, honest];
        await proposeAll(s, views);
        const gameId = await challenge(s, 1);
        const { rounds } = await bisect(s, gameId, views[1]!, honest);
        assert.ok(rounds <= 2, `rounds ${rounds}`);
        const g = await s.manager.read.getGame([gameId]);
        assert.deepEqual([g.lo, g.hi], [k - 1n, k]);
      }
    });

    it('finds a fault anywhere in a 64-block range in exactly 6 rounds', async () => {
      for (const k of [1n, 33n, 40n]) {
        const s = await base();
        const views = [faultyFrom(k)];
        await proposeAll(s, views);
        const gameId = await challenge(s, 0);
        const { rounds } = await bisect(s, gameId, views[0]!, honest);
        assert.equal(rounds, 6);
        const g = await s.manager.read.getGame([gameId]);
        assert.deepEqual([g.lo, g.hi, g.loRoot], [k - 1n, k, trueRoot(k - 1n)]);
      }
    });

    it('a false challenge (disagree with every reveal) ends at the first block; the defender steps and wins', async () => {
      const s = await base();
      await proposeAll(s, [honest, honest]);
      const gameId = await challenge(s, 1); // range 65..67 from block 64
      const liar: View = (n) => wrongRoot(n);
      const { rounds } = await bisect(s, gameId, honest, liar);
      assert.equal(rounds, 1);
      const g = await s.manager.read.getGame([gameId]);
      assert.deepEqual([g.lo, g.hi, g.loRoot, g.hiRoot], [64n, 65n, trueRoot(64n), trueRoot(65n)]);
      const proof = await proofFor(s, gameId, trueRoot(65n));
      const hash = await s.manager.write.step([gameId, trueRoot(65n), proof], { account: s.proposer.account });
      await viem.assertions.emitWithArgs(Promise.resolve(hash), s.manager, 'GameResolved', [gameId, GAME_STATUS.DefenderWins]);
      await viem.assertions.emitWithArgs(Promise.resolve(hash), s.oracle, 'ChallengeRejected', [1n]);
    });
  });

  describe('step', () => {
    /** Output 3 (one block, 70) proposed wrong and challenged: straight to the step. */
    async function atStep(fixture: typeof baseFixture = baseFixture) {
      const s = await networkHelpers.loadFixture(fixture);
      await proposeAll(s, [honest, honest, honest, faultyFrom(70n)]);
      const gameId = await challenge(s, 3);
      return { s, gameId };
    }

    it('anyone may step; a valid attestation of hiRoot makes the defender win', async () => {
      const s = await base();
      await proposeAll(s, [honest, honest, honest, honest]);
      const gameId = await challenge(s, 3);
      const proof = await proofFor(s, gameId, trueRoot(70n));
      await s.manager.write.step([gameId, trueRoot(70n), proof], { account: s.other.account });
      assert.equal((await s.manager.read.getGame([gameId])).status, GAME_STATUS.DefenderWins);
    });

    it('rejects proofs by an unlisted key, for another data hash / pre root / block, and malformed bytes (InvalidStepProof)', async () => {
      const { s, gameId } = await atStep();
      const g = await s.manager.read.getGame([gameId]);
      const post = trueRoot(70n);
      const good = { preOutputRoot: g.loRoot, batchDataHash: g.batchDataHash, l2BlockNumber: g.hi, postOutputRoot: post };
      const bad: Hex[] = [
        await stepProof(s.verifier.address, chainId, good, [proverAccounts[1]!]), // not allow-listed
        await stepProof(s.verifier.address, chainId, { ...good, batchDataHash: keccak256(batchData(2)) }),
        await stepProof(s.verifier.address, chainId, { ...good, preOutputRoot: wrongRoot(69n) }),
        await stepProof(s.verifier.address, chainId, { ...good, l2BlockNumber: 69n }),
        await stepProof(s.verifier.address, chainId, { ...good, postOutputRoot: wrongRoot(70n) }), // signed another root than claimed
        await stepProof(s.oracle.address, chainId, good), // another verifyingContract
        '0x1234', // not abi-encoded bytes[] (the verifier reverts; the manager reports InvalidStepProof)
        '0x',
      ];
      for (const proof of bad) {
        await viem.assertions.revertWithCustomError(s.manager.write.step([gameId, post, proof], { account: s.challenger.account }), s.manager, 'InvalidStepProof');
      }
      assert.equal((await s.manager.read.getGame([gameId])).status, GAME_STATUS.InProgress);
      await s.manager.write.step([gameId, post, await proofFor(s, gameId, post)], { account: s.challenger.account });
      assert.equal((await s.manager.read.getGame([gameId])).status, GAME_STATUS.ChallengerWins);
    });

    it('2-of-3 provers: below threshold, a duplicate signer or unsorted signers fail; two distinct sorted signers pass', async () => {
      const { s, gameId } = await atStep(multiFixture);
      const g = await s.manager.read.getGame([gameId]);
      const post = trueRoot(70n);
      const a = { preOutputRoot: g.loRoot, batchDataHash: g.batchDataHash, l2BlockNumber: g.hi, postOutputRoot: post };
      const [p0, p1, p2] = proverAccounts as [typeof proverAccounts[0], typeof proverAccounts[0], typeof proverAccounts[0]];
      const sortedPair = [p0, p1].sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1));
      const bad: Hex[] = [
        await stepProof(s.verifier.address, chainId, a, [p0]), // 1 < 2
        await stepProof(s.verifier.address, chainId, a, [p0, p0], 'as-given'), // duplicate
        await stepProof(s.verifier.address, chainId, a, [sortedPair[1]!, sortedPair[0]!], 'as-given'), // descending
        await stepProof(s.verifier.address, chainId, a, [p0, proverAccounts[3]!]), // one unlisted
      ];
      for (const proof of bad) {
        await viem.assertions.revertWithCustomError(s.manager.write.step([gameId, post, proof]), s.manager, 'InvalidStepProof');
      }
      await s.manager.write.step([gameId, post, await stepProof(s.verifier.address, chainId, a, [p2, p1])]);
      assert.equal((await s.manager.read.getGame([gameId])).status, GAME_STATUS.ChallengerWins);
    });

    it('only at a single block (NotAtStep)', async () => {
      const s = await base();
      await proposeAll(s, [faultyFrom(64n)]);
      const gameId = await challenge(s, 0);
      await viem.assertions.revertWithCustomErrorWithArgs(s.manager.write.step([gameId, trueRoot(64n), '0x']), s.manager, 'NotAtStep', [0n, 64n]);
    });
  });

  describe('roles and turns', () => {
    it('reveal: defender only (NotDefender), once per round (AlreadyRevealed), not at the step (BisectionOver)', async () => {
      const s = await base();
      await proposeAll(s, [honest, faultyFrom(67n)]);
      const gameId = await challenge(s, 1); // 64..67
      for (const who of [s.challenger, s.other]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.manager.write.reveal([gameId, trueRoot(65n)], { account: who.account }),
          s.manager,
          'NotDefender',
          [getAddress(who.account.address)],
        );
      }
      await s.manager.write.reveal([gameId, trueRoot(65n)], { account: s.proposer.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.manager.write.reveal([gameId, trueRoot(65n)], { account: s.proposer.account }),
        s.manager,
        'AlreadyRevealed',
        [gameId],
      );
      await s.manager.write.respond([gameId, true], { account: s.challenger.account }); // 65..67
      await s.manager.write.reveal([gameId, trueRoot(66n)], { account: s.proposer.account });
      await s.manager.write.respond([gameId, true], { account: s.challenger.account }); // 66..67
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.manager.write.reveal([gameId, trueRoot(66n)], { account: s.proposer.account }),
        s.manager,
        'BisectionOver',
        [66n, 67n],
      );
    });

    it('respond: challenger only (NotChallenger), after a reveal (NotRevealed), not at the step (BisectionOver)', async () => {
      const s = await base();
      await proposeAll(s, [honest, honest, faultyFrom(69n)]);
      const gameId = await challenge(s, 2); // 67..69
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.manager.write.respond([gameId, true], { account: s.challenger.account }),
        s.manager,
        'NotRevealed',
        [gameId],
      );
      await s.manager.write.reveal([gameId, trueRoot(68n)], { account: s.proposer.account });
      for (const who of [s.proposer, s.other]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          s.manager.write.respond([gameId, true], { account: who.account }),
          s.manager,
          'NotChallenger',
          [getAddress(who.account.address)],
        );
      }
      await s.manager.write.respond([gameId, true], { account: s.challenger.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.manager.write.respond([gameId, false], { account: s.challenger.account }),
        s.manager,
        'BisectionOver',
        [68n, 69n],
      );
    });

    it('unknown games (GameNotFound), finished games (GameNotInProgress), oracle-only entry points (OnlyOracle, OnlyManager)', async () => {
      const s = await base();
      for (const p of [
        () => s.manager.write.reveal([0n, zeroHash], { account: s.proposer.account }),
        () => s.manager.write.respond([0n, true], { account: s.challenger.account }),
        () => s.manager.write.step([0n, zeroHash, '0x']),
        () => s.manager.write.timeout([0n]),
        () => s.manager.read.getGame([0n]),
        () => s.manager.read.mid([0n]),
        () => s.manager.read.timeLeft([0n]),
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(p(), s.manager, 'GameNotFound', [0n]);
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.manager.write.createGame([0n, s.challenger.account.address, s.proposer.account.address, 0n, zeroHash, 1n, zeroHash, zeroHash], {
          account: s.other.account,
        }),
        s.manager,
        'OnlyOracle',
        [getAddress(s.other.account.address)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(s.manager.write.cancel([0n], { account: s.other.account }), s.manager, 'OnlyOracle', [
        getAddress(s.other.account.address),
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(s.oracle.write.resolveChallenge([0n, true], { account: s.other.account }), s.oracle, 'OnlyManager', [
        getAddress(s.other.account.address),
      ]);

      await proposeAll(s, [honest, honest, honest, honest]);
      const gameId = await challenge(s, 3);
      await s.manager.write.step([gameId, trueRoot(70n), await proofFor(s, gameId, trueRoot(70n))]);
      const proof = await proofFor(s, gameId, trueRoot(70n));
      for (const p of [
        () => s.manager.write.reveal([gameId, zeroHash], { account: s.proposer.account }),
        () => s.manager.write.respond([gameId, true], { account: s.challenger.account }),
        () => s.manager.write.step([gameId, trueRoot(70n), proof]),
        () => s.manager.write.timeout([gameId]),
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(p(), s.manager, 'GameNotInProgress', [gameId, GAME_STATUS.DefenderWins]);
      }
      assert.equal(await s.manager.read.timeLeft([gameId]), 0n);
    });
  });

  describe('clocks', () => {
    it('charges each mover exactly its thinking time; timeLeft is that of the side to move', async () => {
      const s = await base();
      await proposeAll(s, [faultyFrom(64n)]);
      const gameId = await challenge(s, 0);
      const t0 = (await s.manager.read.getGame([gameId])).lastMoveAt;
      await time.setNextBlockTimestamp(t0 + 10n);
      await networkHelpers.mine();
      assert.equal(await s.manager.read.timeLeft([gameId]), CLOCK - 10n);
      await time.setNextBlockTimestamp(t0 + 30n);
      await s.manager.write.reveal([gameId, trueRoot(32n)], { account: s.proposer.account });
      let g = await s.manager.read.getGame([gameId]);
      assert.deepEqual([g.defenderClock, g.challengerClock, g.lastMoveAt], [CLOCK - 30n, CLOCK, t0 + 30n]);
      await time.setNextBlockTimestamp(t0 + 130n);
      await s.manager.write.respond([gameId, true], { account: s.challenger.account });
      g = await s.manager.read.getGame([gameId]);
      assert.deepEqual([g.defenderClock, g.challengerClock, g.lastMoveAt], [CLOCK - 30n, CLOCK - 100n, t0 + 130n]);
      // the defender's clock only ran while it was its move: CLOCK - 30 left, usable to the second
      await time.setNextBlockTimestamp(t0 + 130n + (CLOCK - 30n));
      await s.manager.write.reveal([gameId, trueRoot(48n)], { account: s.proposer.account });
      g = await s.manager.read.getGame([gameId]);
      assert.equal(g.defenderClock, 0n);
      assert.equal(g.turn, TURN.Challenger);
    });

    it('defender out of time: its move reverts (ClockExpired), timeout waits for it (ClockNotExpired), then the challenger wins', async () => {
      const s = await base();
      await proposeAll(s, [faultyFrom(64n)]);
      const gameId = await challenge(s, 0);
      const t0 = (await s.manager.read.getGame([gameId])).lastMoveAt;
      await time.setNextBlockTimestamp(t0 + CLOCK);
      await viem.assertions.revertWithCustomErrorWithArgs(s.manager.write.timeout([gameId]), s.manager, 'ClockNotExpired', [0n]);
      await time.setNextBlockTimestamp(t0 + CLOCK + 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.manager.write.reveal([gameId, trueRoot(32n)], { account: s.proposer.account }),
        s.manager,
        'ClockExpired',
        [TURN.Defender, CLOCK + 1n, CLOCK],
      );
      await time.setNextBlockTimestamp(t0 + CLOCK + 2n);
      const hash = await s.manager.write.timeout([gameId], { account: s.other.account });
      await viem.assertions.emitWithArgs(Promise.resolve(hash), s.manager, 'GameResolved', [gameId, GAME_STATUS.ChallengerWins]);
      await viem.assertions.emitWithArgs(Promise.resolve(hash), s.oracle, 'OutputsDeleted', [0n, 0n]);
      assert.equal((await s.manager.read.getGame([gameId])).defenderClock, 0n);
    });

    it('challenger out of time after a reveal: the defender wins by timeout', async () => {
      const s = await base();
      await proposeAll(s, [honest]);
      const gameId = await challenge(s, 0);
      await s.manager.write.reveal([gameId, trueRoot(32n)], { account: s.proposer.account });
      const t1 = (await s.manager.read.getGame([gameId])).lastMoveAt;
      await time.setNextBlockTimestamp(t1 + CLOCK - 5n);
      await networkHelpers.mine();
      assert.equal(await s.manager.read.timeLeft([gameId]), 5n);
      await viem.assertions.revertWithCustomErrorWithArgs(s.manager.write.timeout([gameId]), s.manager, 'ClockNotExpired', [4n]);
      await time.setNextBlockTimestamp(t1 + CLOCK + 1n);
      await viem.assertions.revertWithCustomError(s.manager.write.respond([gameId, false], { account: s.challenger.account }), s.manager, 'ClockExpired');
      await s.manager.write.timeout([gameId]);
      assert.equal((await s.manager.read.getGame([gameId])).status, GAME_STATUS.DefenderWins);
      assert.equal((await s.oracle.read.getOutput([0n])).status, OUTPUT_STATUS.Proposed);
    });

    it('at the step stage the challenger’s clock runs: a late step reverts (ClockExpired) and the defender wins by timeout', async () => {
      const s = await base();
      await proposeAll(s, [honest, honest, honest, faultyFrom(70n)]);
      const gameId = await challenge(s, 3);
      const proof = await proofFor(s, gameId, trueRoot(70n));
      const t0 = (await s.manager.read.getGame([gameId])).lastMoveAt;
      await time.setNextBlockTimestamp(t0 + CLOCK + 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(s.manager.write.step([gameId, trueRoot(70n), proof]), s.manager, 'ClockExpired', [
        TURN.Challenger,
        CLOCK + 1n,
        CLOCK,
      ]);
      await s.manager.write.timeout([gameId]);
      assert.equal((await s.manager.read.getGame([gameId])).status, GAME_STATUS.DefenderWins);
      assert.equal((await s.manager.read.getGame([gameId])).challengerClock, 0n);
    });
  });

  describe('resolution in the oracle', () => {
    it('challenger wins: later outputs deleted, their games cancelled and refunded, nextBatchIndex reset, exact split', async () => {
      const s = await networkHelpers.loadFixture(oddFixture);
      const bad = faultyFrom(65n);
      await proposeAll(s, [honest, bad, bad, bad]);
      // game on output 3 (block 70 from a wrong root at 69) is lost by its challenger: no prover
      // signs from a wrong pre-root, so its clock runs out at the step stage
      const game3 = await challenge(s, 3, s.other);
      const g3 = await s.manager.read.getGame([game3]);
      await time.setNextBlockTimestamp(g3.lastMoveAt + CLOCK + 1n);
      await s.manager.write.timeout([game3]);
      assert.equal((await s.oracle.read.getOutput([3n])).status, OUTPUT_STATUS.Proposed);
      assert.equal(await s.oracle.read.credits([s.proposer.account.address]), CHALLENGER_BOND);
      const game1 = await challenge(s, 1, s.challenger);
      const game2 = await challenge(s, 2, s.challenger2);
      await assertAccounting(s, [s.proposer.account.address], 4);

      await bisect(s, game1, bad, honest);
      const hash = await s.manager.write.step([game1, trueRoot(65n), await proofFor(s, game1, trueRoot(65n))], { account: s.challenger.account });

      const toChallenger = (ODD_BOND * 33n) / 100n;
      assert.equal(toChallenger, 330000000000000000n);
      await viem.assertions.emitWithArgs(Promise.resolve(hash), s.oracle, 'OutputsDeleted', [1n, 3n]);
      await viem.assertions.emitWithArgs(Promise.resolve(hash), s.oracle, 'ProposerSlashed', [ODD_BOND, toChallenger, ODD_BOND - toChallenger]);
      await viem.assertions.emitWithArgs(Promise.resolve(hash), s.manager, 'GameResolved', [game2, GAME_STATUS.Cancelled]);
      assert.equal(ODD_BOND - toChallenger, 670000000000000001n);

      assert.equal(await s.oracle.read.nextBatchIndex(), 1n);
      for (const i of [1n, 2n, 3n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(s.oracle.read.getOutput([i]), s.oracle, 'OutputNotFound', [i]);
      }
      assert.equal((await s.oracle.read.getOutput([0n])).status, OUTPUT_STATUS.Proposed);
      assert.equal((await s.manager.read.getGame([game1])).status, GAME_STATUS.ChallengerWins);
      assert.equal((await s.manager.read.getGame([game2])).status, GAME_STATUS.Cancelled);
      assert.equal((await s.manager.read.getGame([game3])).status, GAME_STATUS.DefenderWins); // resolved before: untouched
      assert.equal(await s.oracle.read.credits([s.challenger.account.address]), CHALLENGER_BOND + toChallenger);
      assert.equal(await s.oracle.read.credits([s.challenger2.account.address]), CHALLENGER_BOND);
      assert.equal(await s.oracle.read.credits([s.treasury.account.address]), ODD_BOND - toChallenger);
      assert.equal(await s.oracle.read.credits([s.other.account.address]), 0n); // lost its bond to the proposer
      assert.equal(await s.oracle.read.proposerBondBalance(), 0n);
      const everyone = [s.challenger, s.challenger2, s.other, s.proposer, s.treasury].map((w) => w.account.address);
      await assertAccounting(s, everyone, 4);

      // the cancelled game is over for its players
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.manager.write.reveal([game2, zeroHash], { account: s.proposer.account }),
        s.manager,
        'GameNotInProgress',
        [game2, GAME_STATUS.Cancelled],
      );

      // the proposer must re-deposit, then re-proposes from batch 1; outputs finalize in order
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.oracle.write.proposeOutput([1n, stateRootOf(trueRoot(67n)), trueRoot(67n)], { account: s.proposer.account }),
        s.oracle,
        'InsufficientBond',
        [ODD_BOND, 0n],
      );
      await s.oracle.write.depositBond({ account: s.proposer.account, value: ODD_BOND });
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.oracle.write.proposeOutput([2n, stateRootOf(trueRoot(69n)), trueRoot(69n)], { account: s.proposer.account }),
        s.oracle,
        'UnexpectedBatchIndex',
        [1n, 2n],
      );
      await s.oracle.write.proposeOutput([1n, stateRootOf(trueRoot(67n)), trueRoot(67n)], { account: s.proposer.account });
      assert.equal((await s.oracle.read.getOutput([1n])).outputRoot, trueRoot(67n));
      await time.increase(WINDOW);
      await s.oracle.write.finalizeOutput([0n]);
      await s.oracle.write.finalizeOutput([1n]);
      await viem.assertions.revertWithCustomErrorWithArgs(s.oracle.write.finalizeOutput([1n]), s.oracle, 'AlreadyFinalized', [1n]);
      await viem.assertions.revertWithCustomErrorWithArgs(s.oracle.write.finalizeOutput([2n]), s.oracle, 'OutputNotFound', [2n]);
      assert.equal(await s.oracle.read.finalizedCount(), 2n);
    });

    it('a second lost game slashes only what is left of the bond (min(bond, balance))', async () => {
      const s = await base();
      const bad = faultyFrom(65n);
      await proposeAll(s, [honest, bad, bad]);
      const game1 = await challenge(s, 1, s.challenger);
      const game2 = await challenge(s, 2, s.challenger2);
      // game on output 2 (68..69 from a wrong root at 67): the challenger cannot step from a wrong
      // pre-root, its clock runs out, the defender wins this one
      await bisect(s, game2, bad, honest); // 1 round
      const g2 = await s.manager.read.getGame([game2]);
      await time.setNextBlockTimestamp(g2.lastMoveAt + CLOCK + 1n);
      await s.manager.write.timeout([game2]); // challenger's turn at the step stage: its clock ran out, defender wins
      assert.equal((await s.manager.read.getGame([game2])).status, GAME_STATUS.DefenderWins);
      // re-challenge is possible while the window is open
      const game2b = await challenge(s, 2, s.challenger2);
      assert.equal(game2b, 2n);
      assert.equal(await s.manager.read.gameOf([2n]), 3n);
      const g2b = await s.manager.read.getGame([game2b]);
      await time.setNextBlockTimestamp(g2b.lastMoveAt + CLOCK + 1n);
      await s.manager.write.timeout([game2b]); // defender does not reveal: challenger wins, the whole bond is slashed
      assert.equal(await s.oracle.read.proposerBondBalance(), 0n);
      assert.equal(await s.oracle.read.nextBatchIndex(), 2n);
      // game 1 is still in progress (its clock: the defender's, since lastMoveAt); defender times out
      const g1 = await s.manager.read.getGame([game1]);
      assert.equal(g1.status, GAME_STATUS.InProgress);
      const hash = await s.manager.write.timeout([game1]);
      await viem.assertions.emitWithArgs(Promise.resolve(hash), s.oracle, 'ProposerSlashed', [0n, 0n, 0n]);
      await viem.assertions.emitWithArgs(Promise.resolve(hash), s.oracle, 'OutputsDeleted', [1n, 1n]);
      assert.equal(await s.oracle.read.credits([s.challenger.account.address]), CHALLENGER_BOND);
      const half = (PROPOSER_BOND * SLASH_PERCENT) / 100n;
      assert.equal(await s.oracle.read.credits([s.challenger2.account.address]), CHALLENGER_BOND + half);
      assert.equal(await s.oracle.read.credits([s.proposer.account.address]), CHALLENGER_BOND); // from game 2's first round
      const everyone = [s.challenger, s.challenger2, s.other, s.proposer, s.treasury].map((w) => w.account.address);
      await assertAccounting(s, everyone, 3);
    });

    it('defender wins: bond to the proposer, output Proposed again, finalizable after its deadline, late challenges rejected', async () => {
      const s = await base();
      await proposeAll(s, [honest, honest]);
      const end = await s.oracle.read.deadline([0n]);
      const gameId = await challenge(s, 0);
      await bisect(s, gameId, honest, (n) => wrongRoot(n)); // the challenger lies
      const proof = await proofFor(s, gameId, trueRoot(1n));
      const hash = await s.manager.write.step([gameId, trueRoot(1n), proof], { account: s.proposer.account });
      await viem.assertions.emitWithArgs(Promise.resolve(hash), s.oracle, 'ChallengeRejected', [0n]);
      const out = await s.oracle.read.getOutput([0n]);
      assert.equal(out.status, OUTPUT_STATUS.Proposed);
      assert.equal(out.challenger, '0x0000000000000000000000000000000000000000');
      assert.equal(await s.oracle.read.credits([s.proposer.account.address]), CHALLENGER_BOND);
      assert.equal(await s.oracle.read.credits([s.challenger.account.address]), 0n);
      assert.equal(await s.oracle.read.proposerBondBalance(), PROPOSER_BOND);
      assert.equal(await s.oracle.read.nextBatchIndex(), 2n);
      await viem.assertions.revertWithCustomErrorWithArgs(s.oracle.write.finalizeOutput([0n]), s.oracle, 'ChallengeWindowOpen', [0n, end]);
      await time.setNextBlockTimestamp(end);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.oracle.write.challenge([0n], { account: s.challenger2.account, value: CHALLENGER_BOND }),
        s.oracle,
        'ChallengeWindowClosed',
        [0n, end],
      );
      await s.oracle.write.finalizeOutput([0n]);
      await s.oracle.write.finalizeOutput([1n]);
      await viem.assertions.revertWithCustomErrorWithArgs(s.oracle.write.finalizeOutput([0n]), s.oracle, 'AlreadyFinalized', [0n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        s.oracle.write.challenge([1n], { account: s.challenger2.account, value: CHALLENGER_BOND }),
        s.oracle,
        'OutputNotChallengeable',
        [1n, OUTPUT_STATUS.Finalized],
      );
      const before = await publicClient.getBalance({ address: s.oracle.address });
      await s.oracle.write.withdraw({ account: s.proposer.account });
      assert.equal(await publicClient.getBalance({ address: s.oracle.address }), before - CHALLENGER_BOND);
    });
  });

  describe('gas', () => {
    it('prints the L1 gas of each move of a full dispute over a 64-block batch (6 rounds + step)', async () => {
      const s = await base();
      const views = [faultyFrom(64n)];
      await proposeAll(s, views);
      const h0 = await s.oracle.write.challenge([0n], { account: s.challenger.account, value: CHALLENGER_BOND });
      const rows: Array<{ move: string; gas: bigint }> = [
        { move: 'challenge (opens the game)', gas: (await publicClient.getTransactionReceipt({ hash: h0 })).gasUsed },
      ];
      const { rounds, gas } = await bisect(s, 0n, views[0]!, honest);
      assert.equal(rounds, 6);
      rows.push(...gas);
      const h1 = await s.manager.write.step([0n, trueRoot(64n), await proofFor(s, 0n, trueRoot(64n))], { account: s.challenger.account });
      rows.push({ move: 'step (1-of-1 attestation; challenger wins, slash)', gas: (await publicClient.getTransactionReceipt({ hash: h1 })).gasUsed });
      const h2 = await s.oracle.write.withdraw({ account: s.challenger.account });
      rows.push({ move: 'withdraw (challenger)', gas: (await publicClient.getTransactionReceipt({ hash: h2 })).gasUsed });
      const game = rows.slice(0, rows.length - 1).reduce((t, r) => t + r.gas, 0n);
      const total = rows.reduce((t, r) => t + r.gas, 0n);
      const table = rows.map((r) => `  ${r.move.padEnd(52)} ${r.gas.toString().padStart(8)}`).join('\n');
      console.log(
        `L1 gas, full dispute over a 64-block batch:\n${table}\n` +
          `  ${'total: challenge + 6 rounds + step'.padEnd(52)} ${game.toString().padStart(8)}\n` +
          `  ${'total incl. withdraw'.padEnd(52)} ${total.toString().padStart(8)}`,
      );
      for (const r of rows) assert.ok(r.gas > 21_000n && r.gas < 1_000_000n, `${r.move}: ${r.gas}`);
    });
  });
});
