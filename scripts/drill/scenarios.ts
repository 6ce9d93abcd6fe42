/**
 * The fraud-proof drills (docs/dispute-game.md): each scenario is a devnet environment (fault
 * switches) plus what the drill does and checks. Outcomes:
 *
 * - `bad-root` (FAULT_BAD_ROOT_BATCH=1): the challenger disputes output 1 and wins the game by a
 *   step proof; the proposer's bond is slashed, outputs from 1 on are deleted, the sequencer rolls
 *   back, and the corrected output 1 finalizes.
 * - `bad-execution` (FAULT_BAD_EXECUTION_BLOCK=4): block 4 is sealed with a wrong state root; the
 *   challenger disputes the output of the batch holding it, the bisection ends at block 4, and the
 *   rest is as in bad-root.
 * - `false-challenge` (challenger FAULT_FALSE_CHALLENGE_BATCH=1): the challenger disputes an
 *   honest output and disagrees with everything; the proposer steps with the prover's attestation
 *   and wins; the challenger's bond goes to the proposer; the output finalizes.
 * - `late-challenge`: after the window (L1 time moved past it) a challenge is rejected by the
 *   contract with `ChallengeWindowClosed`; the output finalizes.
 * - `lazy-defender` (FAULT_LAZY_DEFENDER=1 + FAULT_BAD_ROOT_BATCH=1): the proposer never moves;
 *   after its clock runs out the challenger wins by `timeout`.
 * - `garbage-batch` (FAULT_GARBAGE_BATCH=1): batch 1's data is random bytes; sequencer and
 *   challenger both apply D1 (empty blocks), agree on every output, the range's txs are included
 *   again later, nothing crashes.
 */
import { readFileSync } from 'node:fs';
import { createWalletClient, decodeFunctionData, encodeFunctionData, http, keccak256, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';
import { computeOutputRoot } from '../../sequencer/codec/output-root.ts';
import { disputeGameManagerAbi, outputOracleAbi } from '../../sequencer/l1/contracts.ts';
import { revertName } from '../../sequencer/proposer/send.ts';
import type { DrillDevnet } from './devnet.ts';
import { challengerStatus, GAME_STATUS_NAMES, rpc, waitFor, type GameState, type L1View } from './l1.ts';
import { l2Client, missingReceipts, sendLoad, sendTransfer, type LoadResult } from './load.ts';
import type { TimeJump } from './timeline.ts';

/** Scenario names, in the order `all` runs them. */
export const SCENARIOS = ['bad-root', 'bad-execution', 'false-challenge', 'late-challenge', 'lazy-defender', 'garbage-batch'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Short intervals and windows every drill devnet runs with (env). */
export const DRILL_ENV: Record<string, string> = {
  L2_BLOCK_TIME_MS: '200',
  BATCH_INTERVAL_MS: '1500',
  PROPOSE_INTERVAL_MS: '400',
  CHALLENGER_POLL_MS: '400',
  PROVER_POLL_MS: '400',
  CHALLENGE_WINDOW_SECONDS: '120',
  GAME_CLOCK_SECONDS: '120',
  EXECUTOR_WORKERS: '2',
};

/** L1 dev account the drill itself sends from (an outsider: not deployer/sequencer/proposer/challenger/prover). */
export const DRILL_KEY: Hex = devPrivateKeys(7)[6]!;

/** One check of a scenario's outcome. */
export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

/** What a scenario's steps can use. */
export interface ScenarioContext {
  devnet: DrillDevnet;
  view: L1View;
  checks: Check[];
  jumps: TimeJump[];
  /** tx hash -> note for the timeline. */
  notes: Map<Hex, string>;
  load?: LoadResult;
  log(msg: string): void;
}

/** A scenario definition. */
export interface Scenario {
  name: ScenarioName;
  expected: string;
  env: Record<string, string>;
  run(ctx: ScenarioContext): Promise<void>;
}

const WAIT = 90_000;

function check(ctx: ScenarioContext, name: string, ok: boolean, detail?: string): boolean {
  ctx.checks.push({ name, ok, ...(detail === undefined ? {} : { detail }) });
  ctx.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
  return ok;
}

async function jump(ctx: ScenarioContext, seconds: bigint, why: string): Promise<void> {
  const before = await ctx.view.client.getBlockNumber({ cacheTime: 0 });
  await ctx.view.advanceTime(seconds);
  ctx.jumps.push({ l1Block: before + 1n, seconds, why });
  ctx.log(`L1 time +${seconds} s (${why})`);
}

async function runLoad(ctx: ScenarioContext, rounds = 6): Promise<LoadResult> {
  ctx.log(`sending load: token deployment + ${rounds} x (ETH transfer, ERC-20 transfer)`);
  const load = await sendLoad(ctx.devnet.urls.l2, rounds);
  ctx.load = load;
  ctx.log(`load done: ${load.txs.length} txs in L2 blocks ${load.firstBlock}..${load.lastBlock}`);
  return load;
}

/**
 * Until the inbox holds every sealed L2 block and at least `minBatches` batches; while fewer
 * batches exist, sends one more ETH transfer now and then (a fast machine may fit the whole load
 * into fewer batches).
 */
async function waitBatched(ctx: ScenarioContext, minBatches: bigint): Promise<bigint> {
  const l2 = l2Client(ctx.devnet.urls.l2);
  const deadline = Date.now() + WAIT;
  for (let extra = 0; ; extra++) {
    const count = await waitFor(
      'every L2 block in a batch',
      async () => {
        const [head, next, count] = await Promise.all([l2.getBlockNumber({ cacheTime: 0 }), ctx.view.inbox<bigint>('nextBlock'), ctx.view.batchCount()]);
        return next > head ? count : undefined;
      },
      Math.max(1000, deadline - Date.now()),
    );
    if (count >= minBatches) return count;
    if (Date.now() > deadline || extra >= 5) throw new Error(`only ${count} batches, want ${minBatches}`);
    ctx.log(`${count} batch(es) so far: one more transfer to get ${minBatches}`);
    const more = await sendTransfer(ctx.devnet.urls.l2);
    ctx.load?.txs.push(more);
  }
}

/**
 * Until the oracle holds an output for every batch and the challenger judged each of them as it
 * stands now (its verdict names the output root currently on L1: re-proposed outputs included).
 */
async function waitProposedAndJudged(ctx: ScenarioContext): Promise<void> {
  await waitFor(
    'an output for every batch, judged by the challenger',
    async () => {
      const [count, next] = await Promise.all([ctx.view.batchCount(), ctx.view.nextBatchIndex()]);
      if (next < count) return false;
      const st = await challengerStatus(ctx.devnet.urls.challenger);
      for (let i = 0n; i < next; i++) {
        const v = st.verdicts.find((x) => BigInt(x.batchIndex) === i);
        if (v === undefined || v.verdict === 'pending') return false;
        if (v.postedOutputRoot !== (await ctx.view.getOutput(i)).outputRoot) return false;
      }
      return true;
    },
    WAIT,
  );
}

/** The game on output `batchIndex` (latest), once one exists. */
async function waitGame(ctx: ScenarioContext, batchIndex: bigint): Promise<{ id: bigint; game: GameState }> {
  const id = await waitFor(
    `a dispute game on output #${batchIndex}`,
    async () => {
      const g = await ctx.view.manager<bigint>('gameOf', [batchIndex]);
      return g > 0n ? g - 1n : undefined;
    },
    WAIT,
  );
  return { id, game: await ctx.view.getGame(id) };
}

async function waitResolved(ctx: ScenarioContext, id: bigint): Promise<GameState> {
  return waitFor(
    `game ${id} resolved`,
    async () => {
      const g = await ctx.view.getGame(id);
      return g.status !== 1 ? g : undefined;
    },
    WAIT,
  );
}

/**
 * Moves L1 time past the challenge window until every output is finalized (new outputs may
 * appear meanwhile, e.g. re-included txs after D1). With `finalizeOurselves`, the drill calls
 * `finalizeOutput` (anyone may) instead of waiting for the proposer to.
 */
async function finalizeAll(ctx: ScenarioContext, finalizeOurselves = false): Promise<void> {
  const window = await ctx.view.oracle<bigint>('challengeWindow');
  for (let round = 0; round < 4; round++) {
    await waitBatched(ctx, 1n);
    await waitProposedAndJudged(ctx);
    const target = await ctx.view.nextBatchIndex();
    if ((await ctx.view.finalizedCount()) >= target) break;
    await jump(ctx, window + 1n, 'past the challenge window');
    if (finalizeOurselves) {
      const wallet = createWalletClient({ account: privateKeyToAccount(DRILL_KEY), transport: http(ctx.view.url) });
      for (let i = await ctx.view.finalizedCount(); i < target; i++) {
        const hash = await wallet.writeContract({ address: ctx.view.a.outputOracle, abi: outputOracleAbi(), functionName: 'finalizeOutput', args: [i], chain: null });
        await ctx.view.client.waitForTransactionReceipt({ hash });
      }
    }
    await waitFor(`outputs 0..${target - 1n} finalized`, async () => (await ctx.view.finalizedCount()) >= target, WAIT);
    const [count, next] = await Promise.all([ctx.view.batchCount(), ctx.view.nextBatchIndex()]);
    const head = await l2Client(ctx.devnet.urls.l2).getBlockNumber({ cacheTime: 0 });
    const nextBlock = await ctx.view.inbox<bigint>('nextBlock');
    if (count === next && nextBlock > head && (await ctx.view.finalizedCount()) >= next) break;
  }
  const [fin, next] = await Promise.all([ctx.view.finalizedCount(), ctx.view.nextBatchIndex()]);
  check(ctx, 'every output finalized', fin === next && fin > 0n, `${fin} of ${next}`);
}

/** Compares the sequencer's output root with the challenger's at the challenger's derived head. */
async function checkRootsAgree(ctx: ScenarioContext): Promise<void> {
  const st = await challengerStatus(ctx.devnet.urls.challenger);
  const head = BigInt(st.l2Head);
  const v = [...st.verdicts].reverse().find((x) => x.computedOutputRoot !== null && BigInt(x.lastBlock) === head);
  const b = await l2Client(ctx.devnet.urls.l2).getBlock({ blockNumber: head });
  const seqRoot = computeOutputRoot(b.stateRoot, b.hash!);
  check(ctx, `sequencer output root at L2 #${head} = challenger's`, v?.computedOutputRoot === seqRoot, `${seqRoot} vs ${v?.computedOutputRoot ?? 'none'}`);
  const disagree = st.verdicts.filter((x) => x.verdict === 'disagree').map((x) => x.batchIndex);
  ctx.log(`challenger verdicts: ${st.verdicts.map((x) => `#${x.batchIndex}:${x.verdict}`).join(' ')}`);
  void disagree;
}

async function eventsNamed(ctx: ScenarioContext, name: string) {
  return (await ctx.view.events()).filter((e) => e.name === name);
}

/** The sequencer's log lines (the devnet's output holds them, formatted). */
function devnetLog(ctx: ScenarioContext): string {
  try {
    return readFileSync(ctx.devnet.logFile, 'utf8');
  } catch {
    return '';
  }
}

/** Common tail of the scenarios where the challenger must win: deletion, rollback, corrected output. */
async function afterChallengerWin(ctx: ScenarioContext, batchIndex: bigint, game: GameState, gameId: bigint, how: 'step' | 'timeout'): Promise<void> {
  check(ctx, `game ${gameId} on output #${batchIndex}: ChallengerWins`, game.status === 2, GAME_STATUS_NAMES[game.status]);
  const evs = await ctx.view.events();
  const won = evs.find((e) => (how === 'step' ? e.name === 'StepVerified' : e.name === 'GameResolved') && e.args.gameId === gameId);
  if (how === 'step') check(ctx, 'won by a verified step proof', won !== undefined);
  else {
    const tx = won === undefined ? undefined : await ctx.view.client.getTransaction({ hash: won.txHash });
    const fn = tx === undefined ? undefined : decodeFunctionData({ abi: disputeGameManagerAbi(), data: tx.input }).functionName;
    const step = evs.some((e) => e.name === 'StepVerified' && e.args.gameId === gameId);
    check(ctx, 'won on time (timeout, no step)', fn === 'timeout' && !step, won?.txHash);
  }
  const deleted = evs.find((e) => e.name === 'OutputsDeleted' && e.args.fromBatchIndex === batchIndex);
  check(ctx, `outputs from #${batchIndex} deleted`, deleted !== undefined, deleted ? `#${deleted.args.fromBatchIndex}..#${deleted.args.toBatchIndex}` : undefined);
  const slash = evs.find((e) => e.name === 'ProposerSlashed');
  check(ctx, 'proposer bond slashed', slash !== undefined && (slash.args.amount as bigint) > 0n, slash ? `${slash.args.amount} wei` : undefined);
  const line = await waitFor('the sequencer rollback', async () => devnetLog(ctx).split('\n').find((l) => l.includes('rollback done')), WAIT);
  const fields = line.slice(line.indexOf('rollback done') + 'rollback done'.length).trim().replace(/kind=rollback /, '');
  check(ctx, 'sequencer rolled back and re-executed', true, fields);
  // corrected output: re-proposed, agreed by the challenger, finalized
  await waitBatched(ctx, batchIndex + 1n);
  await waitFor(`output #${batchIndex} re-proposed`, async () => (await ctx.view.nextBatchIndex()) > batchIndex, WAIT);
  await waitProposedAndJudged(ctx);
  const out = await ctx.view.getOutput(batchIndex);
  const st = await challengerStatus(ctx.devnet.urls.challenger);
  const v = st.verdicts.find((x) => BigInt(x.batchIndex) === batchIndex);
  check(ctx, `re-proposed output #${batchIndex} = challenger's root`, v?.computedOutputRoot === out.outputRoot && v?.verdict === 'agree', `${out.outputRoot}`);
  const deposits = evs.filter((e) => e.name === 'BondDeposited').length;
  await waitFor('the proposer re-deposits its bond', async () => (await eventsNamed(ctx, 'BondDeposited')).length > deposits || (await ctx.view.oracle<bigint>('proposerBondBalance')) >= (await ctx.view.oracle<bigint>('proposerBond')), WAIT);
  check(ctx, 'proposer bond re-deposited', (await ctx.view.oracle<bigint>('proposerBondBalance')) >= (await ctx.view.oracle<bigint>('proposerBond')));
  await finalizeAll(ctx);
  const fin = await ctx.view.getOutput(batchIndex);
  check(ctx, `corrected output #${batchIndex} finalized`, fin.status === 3 && fin.outputRoot === out.outputRoot);
  const challenger = privateKeyToAccount(devPrivateKeys(4)[3]!).address;
  await waitFor('the challenger withdraws its credits', async () => (await ctx.view.oracle<bigint>('credits', [challenger])) === 0n, 30_000).catch(() => undefined);
  const w = (await eventsNamed(ctx, 'Withdrawn')).filter((e) => String(e.args.account).toLowerCase() === challenger.toLowerCase());
  check(ctx, 'challenger withdrew bond refund + reward', w.length > 0, w.map((e) => `${e.args.amount} wei`).join(', '));
}

const badRoot: Scenario = {
  name: 'bad-root',
  expected: 'challenger disputes output #1, wins by step proof, proposer bond slashed, outputs deleted, sequencer rolls back, corrected output finalizes',
  env: { FAULT_BAD_ROOT_BATCH: '1' },
  async run(ctx) {
    await runLoad(ctx);
    await waitBatched(ctx, 2n);
    const { id } = await waitGame(ctx, 1n);
    const g = await waitResolved(ctx, id);
    await afterChallengerWin(ctx, 1n, g, id, 'step');
    await checkRootsAgree(ctx);
  },
};

const BAD_BLOCK = 4n;
const badExecution: Scenario = {
  name: 'bad-execution',
  expected: `block ${BAD_BLOCK} sealed with a wrong root; challenger disputes the batch holding it, bisects to block ${BAD_BLOCK}, wins by step proof; slash, deletion, rollback, corrected output finalizes`,
  env: { FAULT_BAD_EXECUTION_BLOCK: String(BAD_BLOCK) },
  async run(ctx) {
    await runLoad(ctx);
    const count = await waitBatched(ctx, 2n);
    let k = -1n;
    for (let i = 0n; i < count && k < 0n; i++) if ((await ctx.view.getBatch(i)).lastBlock >= BAD_BLOCK) k = i;
    check(ctx, `batch #${k} holds L2 block ${BAD_BLOCK}`, k >= 0n);
    const { id } = await waitGame(ctx, k);
    const g = await waitResolved(ctx, id);
    check(ctx, `bisection ended at the tampered block ${BAD_BLOCK}`, g.hi === BAD_BLOCK && g.lo === BAD_BLOCK - 1n, `lo ${g.lo} hi ${g.hi}`);
    await afterChallengerWin(ctx, k, g, id, 'step');
    await checkRootsAgree(ctx);
  },
};

const falseChallenge: Scenario = {
  name: 'false-challenge',
  expected: 'challenger disputes honest output #1 and disagrees with every reveal; proposer steps with the prover attestation and wins; challenger bond goes to the proposer; output finalizes',
  env: { FAULT_FALSE_CHALLENGE_BATCH: '1' },
  async run(ctx) {
    await runLoad(ctx);
    await waitBatched(ctx, 2n);
    const { id } = await waitGame(ctx, 1n);
    const g = await waitResolved(ctx, id);
    check(ctx, `game ${id} on output #1: DefenderWins`, g.status === 3, GAME_STATUS_NAMES[g.status]);
    const evs = await ctx.view.events();
    const step = evs.find((e) => e.name === 'StepVerified' && e.args.gameId === id);
    const proposer = privateKeyToAccount(devPrivateKeys(4)[2]!).address;
    const stepTx = step === undefined ? undefined : await ctx.view.client.getTransaction({ hash: step.txHash });
    check(ctx, 'proposer won by its own step (prover attestation)', stepTx?.from.toLowerCase() === proposer.toLowerCase(), step?.txHash);
    check(ctx, 'ChallengeRejected(1)', evs.some((e) => e.name === 'ChallengeRejected' && e.args.batchIndex === 1n));
    check(ctx, 'no output deleted', !evs.some((e) => e.name === 'OutputsDeleted'));
    const bond = await ctx.view.oracle<bigint>('challengerBond');
    await waitFor('the proposer withdraws the challenger bond', async () => (await eventsNamed(ctx, 'Withdrawn')).some((e) => String(e.args.account).toLowerCase() === proposer.toLowerCase()), WAIT);
    const w = (await eventsNamed(ctx, 'Withdrawn')).filter((e) => String(e.args.account).toLowerCase() === proposer.toLowerCase());
    check(ctx, 'proposer withdrew the challenger bond', w.some((e) => (e.args.amount as bigint) >= bond), w.map((e) => `${e.args.amount} wei`).join(', '));
    const before = await ctx.view.getOutput(1n);
    await finalizeAll(ctx);
    const after = await ctx.view.getOutput(1n);
    check(ctx, 'output #1 finalized with its original root', after.status === 3 && after.outputRoot === before.outputRoot);
    await checkRootsAgree(ctx);
  },
};

const lateChallenge: Scenario = {
  name: 'late-challenge',
  expected: 'a challenge after the window is rejected by the contract (ChallengeWindowClosed); the output finalizes',
  env: { FINALIZE_OUTPUTS: '0' },
  async run(ctx) {
    await runLoad(ctx, 3);
    await waitBatched(ctx, 1n);
    await waitProposedAndJudged(ctx);
    const window = await ctx.view.oracle<bigint>('challengeWindow');
    await jump(ctx, window + 1n, 'past the challenge window of output #0');
    const bond = await ctx.view.oracle<bigint>('challengerBond');
    const account = privateKeyToAccount(DRILL_KEY);
    const args = { address: ctx.view.a.outputOracle, abi: outputOracleAbi(), functionName: 'challenge', args: [0n], value: bond, account } as const;
    let name: string | undefined;
    try {
      await ctx.view.client.simulateContract(args);
    } catch (err) {
      name = revertName(err);
    }
    check(ctx, 'challenge(0) simulation reverts with ChallengeWindowClosed', name === 'ChallengeWindowClosed', name ?? 'no revert');
    // Send it for real (signed with a fixed gas limit, no estimation) so the rejection is on L1 too.
    // Hardhat's automine answers eth_sendRawTransaction with the revert but still mines the tx.
    const fees = await ctx.view.client.estimateFeesPerGas();
    const raw = await account.signTransaction({
      type: 'eip1559',
      chainId: ctx.view.a.l1ChainId,
      nonce: await ctx.view.client.getTransactionCount({ address: account.address, blockTag: 'pending' }),
      to: ctx.view.a.outputOracle,
      data: encodeFunctionData({ abi: outputOracleAbi(), functionName: 'challenge', args: [0n] }),
      value: bond,
      gas: 300_000n,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const hash = keccak256(raw);
    let sendError = '';
    await rpc(ctx.view.url, 'eth_sendRawTransaction', [raw]).catch((err: Error) => (sendError = err.message));
    const r = await ctx.view.client.waitForTransactionReceipt({ hash, timeout: 15_000 }).catch(() => undefined);
    ctx.notes.set(hash, '(ChallengeWindowClosed)');
    check(
      ctx,
      'challenge(0) tx rejected on L1',
      r?.status === 'reverted' || (r === undefined && sendError.includes('ChallengeWindowClosed')),
      r === undefined ? `not mined: ${sendError.split('\n')[0]}` : `${hash} reverted, gas ${r.gasUsed}`,
    );
    const evs = await ctx.view.events();
    check(ctx, 'no game, no OutputChallenged', !evs.some((e) => e.name === 'GameCreated' || e.name === 'OutputChallenged'));
    check(ctx, 'output #0 still Proposed', (await ctx.view.getOutput(0n)).status === 1);
    await finalizeAll(ctx, true);
    await checkRootsAgree(ctx);
  },
};

const lazyDefender: Scenario = {
  name: 'lazy-defender',
  expected: 'output #1 is wrong and the proposer never answers the game; after its clock runs out the challenger wins by timeout; slash, deletion, rollback, corrected output finalizes',
  // Longer batches: the game must start with the defender's move (batch #1 spans > 1 block).
  env: { FAULT_LAZY_DEFENDER: '1', FAULT_BAD_ROOT_BATCH: '1', BATCH_INTERVAL_MS: '3000' },
  async run(ctx) {
    await runLoad(ctx);
    await waitBatched(ctx, 2n);
    const { id, game } = await waitGame(ctx, 1n);
    check(ctx, `game ${id} needs the defender's move (batch #1 spans ${game.hi - game.lo} blocks)`, game.hi - game.lo > 1n && game.turn === 0);
    await new Promise((r) => setTimeout(r, 3000)); // several proposer ticks
    const g1 = await ctx.view.getGame(id);
    check(ctx, 'defender did not reveal', !g1.midRevealed && g1.status === 1 && g1.turn === 0);
    const clock = await ctx.view.manager<bigint>('clockSeconds');
    await jump(ctx, clock + 1n, "past the defender's clock");
    const g = await waitResolved(ctx, id);
    const evs = await ctx.view.events();
    check(ctx, 'no MidpointRevealed in the game', !evs.some((e) => e.name === 'MidpointRevealed' && e.args.gameId === id));
    await afterChallengerWin(ctx, 1n, g, id, 'timeout');
    await checkRootsAgree(ctx);
  },
};

const garbageBatch: Scenario = {
  name: 'garbage-batch',
  expected: "batch #1 carries random bytes; sequencer and challenger apply D1 (empty blocks) identically and agree on every output; the range's txs are included again; nothing crashes",
  env: { FAULT_GARBAGE_BATCH: '1' },
  async run(ctx) {
    const load = await runLoad(ctx);
    await waitBatched(ctx, 2n);
    const b1 = await ctx.view.getBatch(1n);
    const appended = (await ctx.view.events()).find((e) => e.name === 'BatchAppended' && e.args.batchIndex === 1n)!;
    const tx = await ctx.view.client.getTransaction({ hash: appended.txHash });
    ctx.log(`batch #1 = L2 ${b1.firstBlock}..${b1.lastBlock}, posted in L1 tx ${tx.hash}`);
    await waitProposedAndJudged(ctx);
    // D1 on the sequencer side: the range is empty blocks, timestamps parent + 1
    const l2 = l2Client(ctx.devnet.urls.l2);
    let d1 = true;
    let parent = await l2.getBlock({ blockNumber: b1.firstBlock - 1n });
    for (let n = b1.firstBlock; n <= b1.lastBlock; n++) {
      const blk = await l2.getBlock({ blockNumber: n });
      if (blk.transactions.length !== 0 || blk.timestamp !== parent.timestamp + 1n) d1 = false;
      parent = blk;
    }
    check(ctx, `sequencer replaced L2 ${b1.firstBlock}..${b1.lastBlock} by empty blocks (D1)`, d1);
    const st = await challengerStatus(ctx.devnet.urls.challenger);
    const v1 = st.verdicts.find((v) => v.batchIndex === 1);
    check(ctx, 'challenger found batch #1 invalid and applied D1', v1 !== undefined && v1.valid === false, v1?.invalidReason);
    await waitFor('the returned txs to be included again', async () => (await missingReceipts(ctx.devnet.urls.l2, load.txs)).length === 0, WAIT);
    check(ctx, 'every load tx has a successful receipt (D1 range txs re-included)', (await missingReceipts(ctx.devnet.urls.l2, load.txs)).length === 0);
    await finalizeAll(ctx);
    const st2 = await challengerStatus(ctx.devnet.urls.challenger);
    check(ctx, 'challenger agrees with every output', st2.verdicts.length > 0 && st2.verdicts.every((v) => v.verdict === 'agree'), st2.verdicts.map((v) => `#${v.batchIndex}:${v.verdict}`).join(' '));
    check(ctx, 'no dispute game', (await ctx.view.gameCount()) === 0n);
    await checkRootsAgree(ctx);
  },
};

export const SCENARIO_DEFS: Record<ScenarioName, Scenario> = {
  'bad-root': badRoot,
  'bad-execution': badExecution,
  'false-challenge': falseChallenge,
  'late-challenge': lateChallenge,
  'lazy-defender': lazyDefender,
  'garbage-batch': garbageBatch,
};
