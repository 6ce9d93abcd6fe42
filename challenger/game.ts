/**
 * The challenger's side of the dispute game (docs/dispute-game.md, "Off-chain players"): after
 * `OutputOracle.challenge` opened a game on `DisputeGameManager`, it polls the game and moves on
 * its turn:
 *
 * - a midpoint was revealed: `respond(gameId, agree)`, agree iff the revealed `midRoot` equals its
 *   own derived output root of L2 block `mid`;
 * - the interval is one block (`hi - lo == 1`): asks the prover-stub (`prover_attestStep(hi,
 *   loRoot)`) for an attestation of block `hi` and calls `step(gameId, postRoot, proof)`; it only
 *   steps when the attested post root differs from the defender's `hiRoot` (otherwise stepping
 *   would hand the defender the win);
 * - the defender's clock has run out (`now - lastMoveAt > defenderClock`, `now` = the latest L1
 *   block's timestamp): `timeout(gameId)`;
 * - the game is resolved: records the result (re-opens the verdicts of deleted outputs when it
 *   won) and `withdraw()`s its credits from the oracle.
 *
 * Drill `FAULT_FALSE_CHALLENGE_BATCH`: a game opened by the false challenge answers `disagree` to
 * every reveal and never steps (it would need an attestation of a wrong root).
 *
 * Every L1 tx is logged with its hash and gas used, and recorded (`challenger_moves`).
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  parseEventLogs,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from 'viem';
import { disputeGameManagerAbi, outputOracleAbi, type RollupAddresses } from '../sequencer/l1/contracts.ts';
import { readGame, type OnChainGame } from '../sequencer/l1/game.ts';
import { DEFAULT_PROVER_URL, requestStepAttestation, type StepAttestationJson } from '../prover-stub/client.ts';
import { ParallaxError } from '../sequencer/errors.ts';
import { GAME_STATUS, TURN, type ChallengerDb, type GameRecord, type MoveKind, type MoveRecord } from './db.ts';
import type { DerivedChain } from './derivation/chain.ts';
import { errMessage, type Logger } from './log.ts';

/** Default URL of the prover-stub's JSON-RPC server. */

/** A game as `parallax_challengerStatus` reports it (block numbers as decimal strings). */
export interface GameStatusJson {
  gameId: number;
  batchIndex: number;
  status: GameRecord['status'];
  lo: string;
  hi: string;
  loRoot: Hex;
  hiRoot: Hex;
  turn: GameRecord['turn'];
  falseChallenge: boolean;
  settled: boolean;
  note?: string;
  moves: Array<{ move: MoveKind; l1TxHash: Hex; l1Block: string; gasUsed: string; at: string } & Record<string, string | boolean>>;
}


/** Name of the custom error a contract call reverted with, if viem decoded one. */
export function revertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const r = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return r instanceof ContractFunctionRevertedError ? r.data?.errorName : undefined;
}

/** Reverts that mean "someone moved first / not now": logged, retried on the next poll. */
const BENIGN_REVERTS = new Set(['ClockNotExpired', 'ClockExpired', 'GameNotInProgress', 'NotRevealed', 'BisectionOver', 'NotAtStep', 'NothingToWithdraw']);

/** Options of {@link GamePlayer}. */
export interface GamePlayerOptions {
  publicClient: PublicClient;
  walletClient: WalletClient;
  addresses: RollupAddresses;
  chain: DerivedChain;
  db: ChallengerDb;
  /** The prover-stub's JSON-RPC URL (default {@link DEFAULT_PROVER_URL}). */
  proverUrl?: string;
  logger: Logger;
}

const dec = (n: bigint) => n.toString(10);

/** Plays the challenger's games (module doc). */
export class GamePlayer {
  readonly publicClient: PublicClient;
  readonly walletClient: WalletClient;
  readonly addresses: RollupAddresses;
  readonly chain: DerivedChain;
  readonly db: ChallengerDb;
  readonly proverUrl: string;
  readonly logger: Logger;
  /** Last note logged per game, so a waiting game does not log every poll. */
  private readonly lastNote = new Map<bigint, string>();

  constructor(opts: GamePlayerOptions) {
    this.publicClient = opts.publicClient;
    this.walletClient = opts.walletClient;
    this.addresses = opts.addresses;
    this.chain = opts.chain;
    this.db = opts.db;
    this.proverUrl = opts.proverUrl ?? DEFAULT_PROVER_URL;
    this.logger = opts.logger;
  }

  private get manager(): Address {
    return this.addresses.disputeGameManager;
  }

  private me(): Address {
    return this.walletClient.account!.address;
  }

  /**
   * The game id opened by a `challenge` tx: from its `OutputChallenged` event, else
   * `gameOf(batchIndex) - 1`.
   * @throws ParallaxError `NO_GAME` when the oracle reports no game for the batch.
   */
  async gameIdOf(batchIndex: bigint, receipt?: TransactionReceipt): Promise<bigint> {
    if (receipt !== undefined) {
      const evs = parseEventLogs({ abi: outputOracleAbi(), logs: receipt.logs, eventName: 'OutputChallenged' }) as unknown as Array<{ args: { batchIndex: bigint; gameId?: bigint } }>;
      const ev = evs.find((e) => e.args.batchIndex === batchIndex && e.args.gameId !== undefined);
      if (ev !== undefined) return ev.args.gameId!;
    }
    const plus1 = (await this.publicClient.readContract({ address: this.manager, abi: disputeGameManagerAbi(), functionName: 'gameOf', args: [batchIndex] })) as bigint;
    if (plus1 === 0n) throw new ParallaxError('NO_GAME', `no dispute game for batch ${batchIndex}`);
    return plus1 - 1n;
  }

  /**
   * Starts tracking game `gameId` (no-op when tracked), recording the `challenge` tx as its first
   * move when given.
   */
  async track(gameId: bigint, batchIndex: bigint, opts: { falseChallenge: boolean; challengeReceipt?: TransactionReceipt; bondWei?: bigint }): Promise<GameRecord> {
    const known = this.db.game(gameId);
    if (known !== undefined) return known;
    const g = await this.readGame(gameId);
    const rec: GameRecord = {
      gameId,
      batchIndex,
      status: GAME_STATUS[g.status] ?? 'None',
      lo: g.lo,
      hi: g.hi,
      loRoot: g.loRoot,
      hiRoot: g.hiRoot,
      turn: TURN[g.turn] ?? 'Defender',
      falseChallenge: opts.falseChallenge,
      settled: false,
      note: null,
    };
    this.db.sqlite.transaction(() => {
      this.db.putGame(rec);
      if (opts.challengeReceipt !== undefined) {
        this.recordMove(gameId, 'challenge', opts.challengeReceipt, { batchIndex: dec(batchIndex), ...(opts.bondWei === undefined ? {} : { bondWei: dec(opts.bondWei) }) });
      }
    })();
    this.logger.warn('dispute game opened', { gameId, batchIndex, lo: g.lo, hi: g.hi, loRoot: g.loRoot, hiRoot: g.hiRoot, falseChallenge: opts.falseChallenge });
    return rec;
  }

  /** One poll of every unsettled game; a failing game is logged and retried next time. */
  async tick(): Promise<void> {
    for (const g of this.db.openGames()) {
      try {
        await this.play(g);
      } catch (err) {
        if (err instanceof ParallaxError && err.code === 'L1_RESET') throw err;
        this.logger.error('game move failed; retrying on the next poll', { gameId: g.gameId, err: errMessage(err) });
      }
    }
  }

  private async readGame(gameId: bigint): Promise<OnChainGame> {
    return readGame(this.publicClient, this.manager, gameId);
  }

  private note(g: GameRecord, note: string, fields: Record<string, unknown> = {}): void {
    if (this.lastNote.get(g.gameId) === note) return;
    this.lastNote.set(g.gameId, note);
    g.note = note;
    this.db.putGame(g);
    this.logger.warn(note, { gameId: g.gameId, ...fields });
  }

  private async play(rec: GameRecord): Promise<void> {
    const g = await this.readGame(rec.gameId);
    const before = rec.status;
    rec.status = GAME_STATUS[g.status] ?? 'None';
    rec.lo = g.lo;
    rec.hi = g.hi;
    rec.loRoot = g.loRoot;
    rec.hiRoot = g.hiRoot;
    rec.turn = TURN[g.turn] ?? 'Defender';
    const won = before !== 'ChallengerWins' && rec.status === 'ChallengerWins';
    let reopened = 0;
    this.db.sqlite.transaction(() => {
      this.db.putGame(rec);
      // The oracle deleted outputs batchIndex.. : judge them again once they are re-proposed.
      if (won) reopened = this.db.reopenFrom(rec.batchIndex);
    })();

    if (rec.status !== 'InProgress') {
      if (before !== rec.status) {
        const fields = { gameId: rec.gameId, batchIndex: rec.batchIndex, status: rec.status, lo: rec.lo, hi: rec.hi };
        if (won) this.logger.warn('GAME WON: the disputed outputs are deleted; their verdicts wait for the re-proposal', { ...fields, ...(reopened > 0 ? { reopened } : {}) });
        else this.logger.warn('game resolved', fields);
      }
      await this.settle(rec);
      return;
    }

    const now = (await this.publicClient.getBlock({ blockTag: 'latest' })).timestamp;
    const elapsed = now - g.lastMoveAt;
    if (rec.turn === 'Defender') {
      if (elapsed > g.defenderClock) {
        await this.send(rec, 'timeout', 'timeout', [rec.gameId], { defenderClockSeconds: dec(g.defenderClock), elapsedSeconds: dec(elapsed) });
      }
      return;
    }
    // Our turn.
    if (elapsed > g.challengerClock) {
      this.note(rec, 'our clock has run out; the defender can claim the game by timeout', { challengerClock: g.challengerClock, elapsed });
      return;
    }
    if (g.hi - g.lo === 1n) {
      if (rec.falseChallenge) {
        this.note(rec, 'false-challenge drill: at the step, which it cannot win; not stepping', { l2Block: g.hi });
        return;
      }
      await this.step(rec, g);
      return;
    }
    if (!g.midRevealed) return;
    const mid = g.lo + (g.hi - g.lo) / 2n;
    const own = this.chain.outputRoot(mid);
    if (own === undefined) {
      this.note(rec, 'midpoint block not derived yet; waiting', { mid });
      return;
    }
    const agree = rec.falseChallenge ? false : own === g.midRoot;
    await this.send(rec, 'respond', 'respond', [rec.gameId, agree], {
      agree,
      mid: dec(mid),
      midRoot: g.midRoot,
      ownRoot: own,
      ...(rec.falseChallenge ? { falseChallenge: true } : {}),
    });
  }

  private async step(rec: GameRecord, g: OnChainGame): Promise<void> {
    let att: StepAttestationJson;
    try {
      att = await requestStepAttestation(this.proverUrl, g.hi, g.loRoot);
    } catch (err) {
      this.note(rec, 'no step attestation from the prover yet', { l2Block: g.hi, err: errMessage(err) });
      return;
    }
    const own = this.chain.outputRoot(g.hi);
    if (own !== undefined && own !== att.postOutputRoot) {
      this.logger.error('prover attests another post root than this challenger derived', { gameId: rec.gameId, l2Block: g.hi, attested: att.postOutputRoot, own });
    }
    if (att.postOutputRoot === g.hiRoot) {
      this.note(rec, 'the prover attests the defender\'s root at the step; not stepping (would lose)', { l2Block: g.hi, hiRoot: g.hiRoot });
      return;
    }
    if (att.batchDataHash !== g.batchDataHash) {
      this.logger.error('attestation is for another batch data hash than the game', { gameId: rec.gameId, attested: att.batchDataHash, game: g.batchDataHash });
    }
    await this.send(rec, 'step', 'step', [rec.gameId, att.postOutputRoot, att.proof], {
      l2Block: dec(g.hi),
      preRoot: g.loRoot,
      postRoot: att.postOutputRoot,
      hiRoot: g.hiRoot,
      prover: att.signer,
    });
  }

  /** After resolution: withdraws whatever the oracle credits this challenger, then settles. */
  private async settle(rec: GameRecord): Promise<void> {
    const oracle = this.addresses.outputOracle;
    const credits = (await this.publicClient.readContract({ address: oracle, abi: outputOracleAbi(), functionName: 'credits', args: [this.me()] })) as bigint;
    if (credits > 0n) {
      const ok = await this.send(rec, 'withdraw', 'withdraw', [], { amountWei: dec(credits) }, { address: oracle, abi: outputOracleAbi() });
      if (!ok) return;
    }
    rec.settled = true;
    this.db.putGame(rec);
    this.lastNote.delete(rec.gameId);
  }

  private recordMove(gameId: bigint, move: MoveKind, receipt: TransactionReceipt, details: MoveRecord['details']): MoveRecord {
    return this.db.addMove({ gameId, move, l1TxHash: receipt.transactionHash, l1Block: receipt.blockNumber, gasUsed: receipt.gasUsed, at: new Date().toISOString(), details });
  }

  /**
   * Sends one game tx, waits for it, records and logs the move.
   * @returns true when it landed; false when it reverted with a benign error (logged).
   */
  private async send(
    rec: GameRecord,
    move: MoveKind,
    functionName: string,
    args: readonly unknown[],
    details: MoveRecord['details'],
    target: { address: Address; abi: Abi } = { address: this.manager, abi: disputeGameManagerAbi() },
  ): Promise<boolean> {
    let hash: Hex;
    try {
      hash = await this.walletClient.writeContract({
        address: target.address,
        abi: target.abi,
        functionName,
        args,
        account: this.walletClient.account!,
        chain: this.walletClient.chain ?? null,
      });
    } catch (err) {
      const name = revertName(err);
      if (name !== undefined && BENIGN_REVERTS.has(name)) {
        this.logger.info(`${move} not possible now`, { gameId: rec.gameId, reason: name });
        return false;
      }
      throw err;
    }
    const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') {
      this.logger.error(`${move} tx reverted; will re-check`, { gameId: rec.gameId, l1TxHash: hash, gasUsed: receipt.gasUsed });
      return false;
    }
    this.recordMove(rec.gameId, move, receipt, details);
    this.lastNote.delete(rec.gameId);
    this.logger.warn(`game move: ${move}`, { gameId: rec.gameId, batchIndex: rec.batchIndex, l1TxHash: hash, gasUsed: receipt.gasUsed, l1Block: receipt.blockNumber, ...details });
    return true;
  }

  /** Games and their moves, for `parallax_challengerStatus`. */
  status(): GameStatusJson[] {
    return this.db.games().map((g) => ({
      gameId: Number(g.gameId),
      batchIndex: Number(g.batchIndex),
      status: g.status,
      lo: dec(g.lo),
      hi: dec(g.hi),
      loRoot: g.loRoot,
      hiRoot: g.hiRoot,
      turn: g.turn,
      falseChallenge: g.falseChallenge,
      settled: g.settled,
      ...(g.note === null ? {} : { note: g.note }),
      moves: this.db.moves(g.gameId).map((m) => ({ ...m.details, move: m.move, l1TxHash: m.l1TxHash, l1Block: dec(m.l1Block), gasUsed: dec(m.gasUsed), at: m.at })),
    }));
  }
}
