/**
 * Batcher + proposer + challenger (+ prover-stub) end to end on an in-process Hardhat L1, without
 * the sequencer node: L2 blocks are made by test/challenger/l2.ts. One deployment per test:
 * 1. honest: every verdict agrees (also: batch size limit, restart, status server);
 * 2. fault drill (`faultBadRootBatch = 1`): exactly batch 1 disagrees, is challenged once, and the
 *    challenger plays the game against a scripted dishonest defender to the step and wins
 *    (outputs deleted, credits withdrawn, re-proposed outputs agree), surviving a restart mid-game;
 * 3. drill `falseChallengeBatch = 0`: an agreeing output is challenged, every reveal is disputed,
 *    the challenger never steps and the defender's step wins;
 * 4. an invalid batch (D1): with the honest sequencer's original blocks posted as outputs, it and
 *    the next batch (txs dropped by D2) disagree and a lazy defender loses by timeout; with the
 *    D1 empty blocks' roots posted, every verdict agrees.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { network } from 'hardhat';
import { createWalletClient, custom, keccak256, parseEther, parseEventLogs, type Hex, type PublicClient, type WalletClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startChallenger, type ChallengerHandle } from '../../challenger/index.ts';
import { startProver } from '../../prover-stub/index.ts';
import { silentLogger } from '../../challenger/log.ts';
import { Batcher } from '../../sequencer/batcher/batcher.ts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';
import { encodeBatch } from '../../sequencer/codec/batch.ts';
import { devnetGenesisOutputRoot } from '../../sequencer/chain/genesis-output.ts';
import { computeOutputRoot } from '../../sequencer/codec/output-root.ts';
import {
  batchInboxAbi,
  compileContracts,
  deployRollupContracts,
  disputeGameManagerAbi,
  GAME_STATUS,
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
    genesisOutputRoot: await devnetGenesisOutputRoot(), // MemChain runs devnetRollupConfig()
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

const proverAccount = privateKeyToAccount(devPrivateKeys(5)[4]!);

async function events(a: RollupAddresses, name: string, address: Hex = a.outputOracle) {
  const abi = address === a.outputOracle ? outputOracleAbi() : disputeGameManagerAbi();
  const logs = await publicClient.getLogs({ address, fromBlock: a.deployedAtBlock, toBlock: 'latest' });
  return parseEventLogs({ abi, logs, eventName: name as never }) as unknown as Array<{ args: Record<string, unknown>; transactionHash: Hex }>;
}

async function game(a: RollupAddresses, gameId: bigint) {
  return (await publicClient.readContract({ address: a.disputeGameManager, abi: disputeGameManagerAbi(), functionName: 'getGame', args: [gameId] })) as {
    lo: bigint;
    hi: bigint;
    loRoot: Hex;
    hiRoot: Hex;
    midRevealed: boolean;
    turn: number;
    status: number;
  };
}

/** The scripted defender (the proposer's key) sends one game tx. */
async function defend(a: RollupAddresses, functionName: 'reveal' | 'step', args: readonly unknown[]) {
  const hash = await proposer!.writeContract({
    address: a.disputeGameManager,
    abi: disputeGameManagerAbi(),
    functionName,
    args,
    account: proposer!.account!,
    chain: proposer!.chain ?? null,
  });
  assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, 'success');
}

async function advanceL1Time(seconds: number) {
  await connection.provider.request({ method: 'evm_increaseTime', params: [seconds] });
  await connection.provider.request({ method: 'evm_mine', params: [] });
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
      assert.deepEqual(st.games, []);
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

  it('fault drill: the faulty batch is challenged once and the challenger wins the game at the step', async () => {
    const a = await deploy();
    const { batcher, prop } = actors(chain, a, { maxBlocksPerBatch: 4, faultBadRootBatch: 1n });
    assert.deepEqual((await drain(batcher)).map((b) => [b.firstBlock, b.lastBlock]), [[1n, 4n], [5n, 8n], [9n, 10n]]);
    await prop.ensureBond();
    const outs = await prop.tick();
    assert.deepEqual(outs.map((o) => o.faulty), [false, true, false]);

    const prover = await startProver({ publicClient, addresses: a, dataDir: join(tmp, 'prover'), account: proverAccount, rpcPort: 0, autoStart: false, logger: log });
    let ch: ChallengerHandle | undefined;
    try {
      await prover.sync();
      assert.equal(prover.chain.head.number, 10n);
      // Same data dir as the honest run: another deployment, so the DB is wiped and re-derived.
      const start = () => startChallenger({ publicClient, walletClient: challengerWallet, addresses: a, dataDir, autoStart: false, proverUrl: prover.rpcUrl!, logger: log });
      ch = await start();
      assert.equal(ch.wiped, true);
      await ch.challenger.tick();
      let st = ch.status();
      assert.deepEqual(st.verdicts.map((v) => v.verdict), ['agree', 'disagree', 'agree']);
      const v1 = st.verdicts[1]!;
      assert.equal(v1.postedOutputRoot, outs[1]!.outputRoot);
      assert.equal(v1.computedOutputRoot, chain.outputRoot(8n));
      assert.ok(v1.challengeTx !== undefined);
      assert.equal(st.verdicts[0]!.challengeTx, undefined);
      // Output roots at every block, not only at batch ends.
      for (let n = 0n; n <= 10n; n++) assert.equal(ch.challenger.chain.outputRoot(n), chain.outputRoot(n));

      const evs = await challengedEvents(a);
      assert.equal(evs.length, 1);
      assert.equal(evs[0]!.args.batchIndex, 1n);
      assert.equal(evs[0]!.transactionHash, v1.challengeTx);
      const gameId = (evs[0]!.args as unknown as { gameId: bigint }).gameId;
      assert.equal(st.games.length, 1);
      assert.deepEqual([st.games[0]!.gameId, st.games[0]!.batchIndex, st.games[0]!.status, st.games[0]!.lo, st.games[0]!.hi], [Number(gameId), 1, 'InProgress', '4', '8']);
      let g = await game(a, gameId);
      assert.deepEqual([g.lo, g.hi, g.loRoot, g.hiRoot, g.turn], [4n, 8n, chain.outputRoot(4n), outs[1]!.outputRoot, 0]);

      // Defender reveals the right root at mid 6: the challenger agrees.
      await defend(a, 'reveal', [gameId, chain.outputRoot(6n)]);
      await ch.challenger.tick();
      g = await game(a, gameId);
      assert.deepEqual([g.lo, g.hi, g.loRoot], [6n, 8n, chain.outputRoot(6n)]);

      // A restart mid-game resumes the game; it does not challenge again.
      await ch.stop();
      ch = await start();
      assert.equal(ch.wiped, false);
      // Defender reveals a wrong root at mid 7: the challenger disagrees, then steps block 7.
      const wrong7 = keccak256(chain.outputRoot(7n));
      await defend(a, 'reveal', [gameId, wrong7]);
      await ch.challenger.tick();
      g = await game(a, gameId);
      assert.deepEqual([g.lo, g.hi, g.hiRoot, g.turn], [6n, 7n, wrong7, 1]);
      await ch.challenger.tick();
      g = await game(a, gameId);
      assert.equal(g.status, GAME_STATUS.ChallengerWins);
      const balanceBefore = await publicClient.getBalance({ address: challengerWallet.account.address });
      await ch.challenger.tick(); // sees the result, withdraws
      assert.equal((await challengedEvents(a)).length, 1);

      const resolved = await events(a, 'GameResolved', a.disputeGameManager);
      assert.deepEqual(resolved.map((e) => [e.args.gameId, Number(e.args.status)]), [[gameId, GAME_STATUS.ChallengerWins]]);
      const stepped = await events(a, 'StepVerified', a.disputeGameManager);
      assert.equal(stepped[0]!.args.postRoot, chain.outputRoot(7n));
      const deleted = await events(a, 'OutputsDeleted');
      assert.deepEqual(deleted.map((e) => [e.args.fromBatchIndex, e.args.toBatchIndex]), [[1n, 2n]]);
      assert.equal((await events(a, 'ProposerSlashed')).length, 1);
      const withdrawn = await events(a, 'Withdrawn');
      assert.equal(withdrawn.length, 1);
      assert.equal((withdrawn[0]!.args.account as string).toLowerCase(), challengerWallet.account.address.toLowerCase());
      assert.ok((withdrawn[0]!.args.amount as bigint) > parseEther('0.1')); // bond back + slash share
      assert.ok((await publicClient.getBalance({ address: challengerWallet.account.address })) > balanceBefore);

      st = ch.status();
      const gs = st.games[0]!;
      assert.equal(gs.status, 'ChallengerWins');
      assert.equal(gs.settled, true);
      assert.deepEqual(gs.moves.map((m) => [m.move, m.agree ?? null]), [['challenge', null], ['respond', true], ['respond', false], ['step', null], ['withdraw', null]]);
      for (const m of gs.moves) {
        assert.match(m.l1TxHash, /^0x[0-9a-f]{64}$/);
        assert.ok(BigInt(m.gasUsed) > 21_000n);
      }
      assert.equal(gs.moves[0]!.l1TxHash, v1.challengeTx);
      assert.equal(gs.moves[3]!.postRoot, chain.outputRoot(7n));
      // Outputs 1.. were deleted: their verdicts wait for the re-proposal, which agrees.
      assert.deepEqual(st.verdicts.map((v) => v.verdict), ['agree', 'pending', 'pending']);
      const honest = new Proposer({ chain, publicClient, walletClient: proposer!, oracle: a.outputOracle, inbox: a.batchInbox, logger: log });
      await honest.ensureBond();
      assert.deepEqual((await honest.tick()).map((o) => [o.batchIndex, o.faulty]), [[1n, false], [2n, false]]);
      await ch.challenger.tick();
      assert.deepEqual(ch.status().verdicts.map((v) => v.verdict), ['agree', 'agree', 'agree']);
      assert.equal((await challengedEvents(a)).length, 1);
    } finally {
      await ch?.stop();
      await prover.stop();
    }
  });

  it('false-challenge drill: an agreeing output is challenged, the challenger never steps and loses', async () => {
    const a = await deploy();
    const { batcher, prop } = actors(chain, a, { maxBlocksPerBatch: 4 });
    await drain(batcher);
    await prop.ensureBond();
    await prop.tick();
    const prover = await startProver({ publicClient, addresses: a, dataDir: join(tmp, 'prover'), account: proverAccount, rpcPort: 0, autoStart: false, logger: log });
    const ch = await startChallenger({ publicClient, walletClient: challengerWallet, addresses: a, dataDir, autoStart: false, proverUrl: prover.rpcUrl!, falseChallengeBatch: 0n, logger: log });
    try {
      await prover.sync();
      await ch.challenger.tick();
      let st = ch.status();
      assert.deepEqual(st.verdicts.map((v) => v.verdict), ['agree', 'agree', 'agree']);
      assert.ok(st.verdicts[0]!.challengeTx !== undefined);
      assert.match(st.verdicts[0]!.note!, /FAULT_FALSE_CHALLENGE_BATCH/);
      assert.equal(st.verdicts[1]!.challengeTx, undefined);
      const gameId = BigInt(st.games[0]!.gameId);
      assert.equal(st.games[0]!.falseChallenge, true);
      let g = await game(a, gameId);
      assert.deepEqual([g.lo, g.hi, g.loRoot], [0n, 4n, ch.challenger.chain.genesisOutputRoot]);

      // The honest defender reveals right roots; the drill disagrees every time.
      await defend(a, 'reveal', [gameId, chain.outputRoot(2n)]);
      await ch.challenger.tick();
      await defend(a, 'reveal', [gameId, chain.outputRoot(1n)]);
      await ch.challenger.tick();
      g = await game(a, gameId);
      assert.deepEqual([g.lo, g.hi, g.hiRoot, g.turn], [0n, 1n, chain.outputRoot(1n), 1]);
      await ch.challenger.tick(); // at the step: it does not step
      assert.equal((await game(a, gameId)).status, GAME_STATUS.InProgress);

      // The defender steps block 1 from genesis with the prover's attestation and wins.
      const att = await prover.attest(1n, g.loRoot);
      assert.equal(att.postOutputRoot, chain.outputRoot(1n));
      await defend(a, 'step', [gameId, att.postOutputRoot, att.proof]);
      await ch.challenger.tick();
      st = ch.status();
      assert.equal(st.games[0]!.status, 'DefenderWins');
      assert.equal(st.games[0]!.settled, true);
      assert.deepEqual(st.games[0]!.moves.map((m) => [m.move, m.agree ?? null]), [['challenge', null], ['respond', false], ['respond', false]]);
      assert.deepEqual(st.verdicts.map((v) => v.verdict), ['agree', 'agree', 'agree']);
      assert.equal((await events(a, 'ChallengeRejected')).length, 1);
      assert.equal((await events(a, 'OutputsDeleted')).length, 0);
      await ch.challenger.tick(); // one-shot: no second challenge
      assert.equal((await challengedEvents(a)).length, 1);
    } finally {
      await ch.stop();
      await prover.stop();
    }
  });

  it('invalid batch (D1): empty blocks; original-block outputs lose by timeout, empty-block outputs agree', async () => {
    const a = await deploy();
    const { batcher, prop } = actors(chain, a, { maxBlocksPerBatch: 3 });
    await batcher.tick(); // [1..3]
    const garbage = async (addr: RollupAddresses) => {
      const hash = await sequencer!.writeContract({
        address: addr.batchInbox,
        abi: batchInboxAbi(),
        functionName: 'appendBatch',
        args: [4n, 5n, '0x00ff'],
        account: sequencer!.account!,
        chain: sequencer!.chain ?? null,
      });
      await publicClient.waitForTransactionReceipt({ hash });
    };
    await garbage(a);
    await batcher.tick(); // [6..8]
    await prop.ensureBond();
    assert.equal((await prop.tick()).length, 3);

    let ch = await startChallenger({ publicClient, walletClient: challengerWallet, addresses: a, dataDir, autoStart: false, logger: log });
    try {
      await ch.challenger.tick();
      const st = ch.status();
      assert.equal(st.l2Head, '8');
      assert.deepEqual(st.verdicts.map((v) => [v.verdict, v.valid]), [['agree', true], ['disagree', false], ['disagree', true]]);
      assert.match(st.verdicts[1]!.invalidReason!, /^DECODE/);
      const c = ch.challenger.chain;
      const h3 = c.header(3n)!;
      assert.deepEqual([c.header(4n)!.timestamp, c.header(5n)!.timestamp], [h3.timestamp + 1n, h3.timestamp + 2n]);
      assert.equal(c.header(4n)!.transactionsRoot, c.header(5n)!.transactionsRoot);
      assert.ok(c.batch(2n)!.droppedTxs > 0); // block 6.. txs need nonces used in the lost blocks 4..5
      assert.deepEqual((await challengedEvents(a)).map((e) => e.args.batchIndex), [1n, 2n]);
      assert.deepEqual(st.games.map((g) => [g.batchIndex, g.turn]), [[1, 'Defender'], [2, 'Defender']]);

      // The defender never reveals: past its clock, the challenger claims both games.
      await ch.challenger.tick();
      assert.equal((await game(a, BigInt(st.games[0]!.gameId))).status, GAME_STATUS.InProgress);
      await advanceL1Time(301);
      await ch.challenger.tick();
      await ch.challenger.tick();
      const after = ch.status();
      assert.deepEqual(after.games.map((g) => [g.status, g.settled]), [['ChallengerWins', true], ['Cancelled', true]]);
      // Game 0's timeout cancelled game 1 (its output was deleted); the credits of both (bonds
      // back + slash share) are withdrawn once, seen first while settling game 1.
      assert.deepEqual(after.games.map((g) => g.moves.map((m) => m.move)), [['challenge', 'timeout'], ['challenge', 'withdraw']]);
      assert.deepEqual((await events(a, 'OutputsDeleted')).map((e) => [e.args.fromBatchIndex, e.args.toBatchIndex]), [[1n, 2n]]);
      assert.deepEqual(after.verdicts.map((v) => v.verdict), ['agree', 'pending', 'pending']);
    } finally {
      await ch.stop();
    }

    // The chain a sequencer has after applying D1: blocks 1..3 as before, 4..5 empty, then new blocks.
    const dirB = join(tmp, 'b');
    mkdirSync(dirB);
    const chainB = await MemChain.create(dirB);
    try {
      await chainB.addBlock(1, [await chainB.deployRecorderTx()]);
      await chainB.addBlock(0);
      await chainB.addBlock(1);
      assert.equal(chainB.header(3n)!.hash, chain.header(3n)!.hash);
      await chainB.addEmptyBlock();
      await chainB.addEmptyBlock();
      for (let i = 0; i < 3; i++) await chainB.addBlock(2);
      const b = await deploy();
      const actorsB = actors(chainB, b, { maxBlocksPerBatch: 3 });
      await actorsB.batcher.tick(); // [1..3]
      await garbage(b);
      await actorsB.batcher.tick(); // [6..8]
      await actorsB.prop.ensureBond();
      assert.equal((await actorsB.prop.tick()).length, 3);
      ch = await startChallenger({ publicClient, walletClient: challengerWallet, addresses: b, dataDir, autoStart: false, logger: log });
      await ch.challenger.tick();
      const st = ch.status();
      assert.deepEqual(st.verdicts.map((v) => [v.verdict, v.valid]), [['agree', true], ['agree', false], ['agree', true]]);
      assert.equal(st.verdicts[1]!.computedOutputRoot, chainB.outputRoot(5n));
      assert.equal(ch.challenger.chain.batch(2n)!.droppedTxs, 0);
      assert.equal((await challengedEvents(b)).length, 0);
      assert.deepEqual(st.games, []);
    } finally {
      await ch.stop();
      chainB.close();
    }
  });
});
