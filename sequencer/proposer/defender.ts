/**
 * The proposer's side of the dispute game (docs/dispute-game.md, "Off-chain players"): it defends
 * its outputs in `DisputeGameManager` games, collects its credits from `OutputOracle`, and rolls
 * the sequencer back when L1 deleted outputs.
 *
 * Per {@link Defender.tick}:
 * 1. **deletions** ({@link Defender.syncDeletions}): for every new `OutputsDeleted(from, to)`
 *    event, the node rolls back to the last remaining output's L2 block (`getBatch(from - 1)
 *    .lastBlock`, or genesis) and re-executes from there (`SequencerNode.rollbackTo`), so the
 *    proposer re-proposes from the corrected chain.
 * 2. **games** where it is the defender (found by polling `gameCount()`/`getGame`, i.e. every
 *    `GameCreated`):
 *    - its turn with `hi - lo > 1`: `reveal(gameId, midRoot)` with its own output root at
 *      `mid = lo + (hi - lo) / 2`, `computeOutputRoot(header.stateRoot, header.hash)` from the
 *      sequencer's chain;
 *    - step stage (`hi - lo == 1`): asks the prover (`prover_attestStep(hi, loRoot)`); when the
 *      attested `postOutputRoot` equals its `hiRoot` it calls `step` and wins early, otherwise it
 *      waits (the challenger holds the proof);
 *    - the challenger's clock is out (`challengerClock < now - lastMoveAt`, `now` = the latest L1
 *      block's timestamp): `timeout(gameId)`.
 * 3. **credits**: `withdraw()` whenever `credits(proposer) > 0`.
 * Re-depositing the bond after a slash is the proposer's `ensureBond`, run every tick.
 *
 * Drill switch `lazy` (`FAULT_LAZY_DEFENDER=1`): it never moves in a game (deletions and
 * withdrawals still happen). Every move is logged with its L1 tx hash and gas used.
 */
import { type AbiEvent, type Address, type Hex, type PublicClient, type WalletClient } from 'viem';
import type { L2ChainReader } from '../chain/reader.ts';
import { consoleLogger, errMessage, type Logger } from '../batcher/log.ts';
import { computeOutputRoot } from '../codec/output-root.ts';
import { ParallaxError } from '../errors.ts';
import { batchInboxAbi, disputeGameManagerAbi, outputOracleAbi } from '../l1/contracts.ts';
import { readGame, type OnChainGame as Game } from '../l1/game.ts';
import { DEFAULT_PROVER_URL, requestStepAttestation as requestAttestation, type StepAttestationJson as StepAttestation } from '../../prover-stub/client.ts';
import { revertName, sendCall, type SentTx } from './send.ts';

/** `DisputeGameManager.GameStatus`. */
export const GAME_STATUS = { None: 0, InProgress: 1, ChallengerWins: 2, DefenderWins: 3, Cancelled: 4 } as const;
/** `DisputeGameManager.Turn`. */
export const TURN = { Defender: 0, Challenger: 1 } as const;
const STATUS_NAMES = ['None', 'InProgress', 'ChallengerWins', 'DefenderWins', 'Cancelled'];


/** One defender move that landed on L1. */
export interface DefenderMove {
  action: 'reveal' | 'step' | 'timeout' | 'withdraw';
  gameId?: bigint;
  l1TxHash: Hex;
  /** Gas used by the L1 tx. */
  gasUsed: bigint;
  l1Block: bigint;
}

/** A key-value cell persisting the `OutputsDeleted` scan cursor (the chain store's meta table). */
export interface CursorStore {
  get(): string | undefined;
  set(value: string): void;
}

/** Options of {@link Defender}. */
export interface DefenderOptions {
  publicClient: PublicClient;
  /** L1 wallet with `account` = the proposer (the games' defender). */
  walletClient: WalletClient;
  oracle: Address;
  inbox: Address;
  /** `DisputeGameManager` address. */
  manager: Address;
  /** The sequencer's chain (mid output roots). */
  chain: L2ChainReader;
  /** Rolls the sequencer back to an L2 block and re-executes from there. */
  rollbackTo: (l2Block: bigint) => Promise<unknown>;
  /** Prover-stub JSON-RPC URL (default {@link DEFAULT_PROVER_URL}). */
  proverRpcUrl?: string;
  /** Drill `FAULT_LAZY_DEFENDER`: never move in games. */
  lazy?: boolean;
  /** L1 block to scan `OutputsDeleted` from (the deployment block; default 0). */
  fromBlock?: bigint;
  /** Persists the scan cursor across restarts (optional). */
  cursor?: CursorStore;
  /** Least ms between two prover requests for the same game stage (default 2,000). */
  proverRetryMs?: number;
  logger?: Logger;
}

/** Reverts that mean "someone moved first / not now": logged, retried on the next tick. */
const BENIGN = new Set(['ClockNotExpired', 'GameNotInProgress', 'AlreadyRevealed', 'NotRevealed', 'BisectionOver', 'NotAtStep', 'NothingToWithdraw', 'ClockExpired']);


export class Defender {
  readonly o: DefenderOptions;
  readonly logger: Logger;
  readonly me: Address;
  private readonly proverUrl: string;
  /** Games not yet known to be resolved or someone else's; ids below `scanned` were looked at. */
  private readonly active = new Set<bigint>();
  private scanned = 0n;
  /** Per game stage (`id:lo:hi`): the attestation, or when to ask again. */
  private readonly attestations = new Map<string, { att?: StepAttestation; retryAt: number; told?: boolean }>();
  private readonly lazyTold = new Set<bigint>();

  /** @throws ParallaxError `BAD_CONFIG` for a wallet without account. */
  constructor(opts: DefenderOptions) {
    this.o = opts;
    this.logger = opts.logger ?? consoleLogger('defender');
    if (opts.walletClient.account === undefined) throw new ParallaxError('BAD_CONFIG', 'defender: walletClient has no account');
    this.me = opts.walletClient.account.address;
    this.proverUrl = opts.proverRpcUrl ?? DEFAULT_PROVER_URL;
  }

  /** One round: deletions, games, credits (module doc). Returns the moves that landed. */
  async tick(): Promise<DefenderMove[]> {
    await this.syncDeletions();
    const moves = await this.playGames();
    const w = await this.withdrawCredits();
    if (w !== undefined) moves.push(w);
    return moves;
  }

  private async send(address: Address, abi: ReturnType<typeof outputOracleAbi>, fn: string, args: readonly unknown[]): Promise<SentTx> {
    return sendCall(this.o.publicClient, this.o.walletClient, address, abi, fn, args);
  }

  private record(action: DefenderMove['action'], tx: SentTx, gameId: bigint | undefined, fields: Record<string, unknown> = {}): DefenderMove {
    const move: DefenderMove = { action, ...(gameId === undefined ? {} : { gameId }), l1TxHash: tx.hash, gasUsed: tx.gasUsed, l1Block: tx.l1Block };
    this.logger.info(`defender move: ${action}`, { ...move, ...fields });
    return move;
  }

  /**
   * Rolls the sequencer back for every `OutputsDeleted` event since the last scan (module doc).
   * @returns the L2 blocks rolled back to, in event order.
   * @throws viem errors for RPC failures; the node's rollback errors.
   */
  async syncDeletions(): Promise<bigint[]> {
    const pc = this.o.publicClient;
    // Fresh (uncached) head: the proposer reads nextBatchIndex() before this call and relies on
    // every deletion up to that read being scanned here.
    const latest = await pc.getBlockNumber({ cacheTime: 0 });
    const start = this.o.fromBlock ?? 0n;
    const stored = this.o.cursor?.get();
    let from = stored === undefined ? start : BigInt(stored);
    if (from > latest + 1n || from < start) from = start; // a fresh L1 under a kept data folder
    if (from > latest) return [];
    const event = outputOracleAbi().find((e) => e.type === 'event' && e.name === 'OutputsDeleted') as AbiEvent;
    const logs = await pc.getLogs({ address: this.o.oracle, event, fromBlock: from, toBlock: latest });
    const out: bigint[] = [];
    for (const log of logs) {
      const { fromBatchIndex, toBatchIndex } = (log as unknown as { args: { fromBatchIndex: bigint; toBatchIndex: bigint } }).args;
      const l2Block =
        fromBatchIndex === 0n
          ? 0n
          : ((await pc.readContract({ address: this.o.inbox, abi: batchInboxAbi(), functionName: 'getBatch', args: [fromBatchIndex - 1n] })) as { lastBlock: bigint }).lastBlock;
      const head = this.o.chain.headNumber();
      this.logger.warn('outputs deleted on L1: rolling the sequencer back before proposing again', {
        fromBatchIndex,
        toBatchIndex,
        rollbackTo: l2Block,
        l2Head: head,
        l1Block: log.blockNumber,
        l1TxHash: log.transactionHash,
      });
      if (l2Block < head) await this.o.rollbackTo(l2Block);
      out.push(l2Block);
    }
    this.o.cursor?.set((latest + 1n).toString());
    return out;
  }

  private async game(id: bigint): Promise<Game> {
    return readGame(this.o.publicClient, this.o.manager, id);
  }

  /**
   * Moves in every game in progress where it is the defender (module doc). A failing move is
   * logged and retried on the next tick; it does not stop the other games.
   */
  async playGames(): Promise<DefenderMove[]> {
    const pc = this.o.publicClient;
    const count = (await pc.readContract({ address: this.o.manager, abi: disputeGameManagerAbi(), functionName: 'gameCount' })) as bigint;
    for (; this.scanned < count; this.scanned++) this.active.add(this.scanned);
    if (this.active.size === 0) return [];
    const now = (await pc.getBlock({ blockTag: 'latest' })).timestamp;
    const moves: DefenderMove[] = [];
    for (const id of [...this.active].sort((a, b) => (a < b ? -1 : 1))) {
      const g = await this.game(id);
      if (g.defender.toLowerCase() !== this.me.toLowerCase()) {
        this.active.delete(id);
        continue;
      }
      if (g.status !== GAME_STATUS.InProgress) {
        this.active.delete(id);
        this.logger.info('game resolved', { gameId: id, batchIndex: g.batchIndex, status: STATUS_NAMES[g.status] ?? g.status });
        continue;
      }
      if (this.o.lazy === true) {
        if (!this.lazyTold.has(id)) {
          this.lazyTold.add(id);
          this.logger.error('FAULT DRILL: lazy defender, never moving in this game', { gameId: id, batchIndex: g.batchIndex, lo: g.lo, hi: g.hi });
        }
        continue;
      }
      try {
        const m = await this.move(id, g, now);
        if (m !== undefined) moves.push(m);
      } catch (err) {
        const name = revertName(err);
        if (name !== undefined && BENIGN.has(name)) this.logger.info('defender move not possible now; will re-check', { gameId: id, reason: name });
        else this.logger.error('defender move failed; will retry', { gameId: id, err: name ?? errMessage(err) });
      }
    }
    return moves;
  }

  private async move(id: bigint, g: Game, now: bigint): Promise<DefenderMove | undefined> {
    const abi = disputeGameManagerAbi();
    const elapsed = now - g.lastMoveAt;
    const challengerOut = g.turn === TURN.Challenger && g.challengerClock < elapsed;
    if (challengerOut) {
      const tx = await this.send(this.o.manager, abi, 'timeout', [id]);
      return this.record('timeout', tx, id, { batchIndex: g.batchIndex, elapsed, challengerClock: g.challengerClock });
    }
    if (g.hi - g.lo > 1n) {
      if (g.turn !== TURN.Defender || g.midRevealed) return undefined;
      const mid = g.lo + (g.hi - g.lo) / 2n;
      const h = this.o.chain.header(mid);
      if (h === undefined) {
        this.logger.warn('cannot reveal: L2 block not in the sequencer chain', { gameId: id, mid });
        return undefined;
      }
      const midRoot = computeOutputRoot(h.stateRoot, h.hash);
      const tx = await this.send(this.o.manager, abi, 'reveal', [id, midRoot]);
      return this.record('reveal', tx, id, { batchIndex: g.batchIndex, lo: g.lo, hi: g.hi, mid, midRoot, clockLeft: g.defenderClock - elapsed });
    }
    // step stage: win early when the prover confirms our hiRoot
    const key = `${id}:${g.lo}:${g.hi}`;
    let entry = this.attestations.get(key);
    if (entry?.att === undefined && (entry === undefined || Date.now() >= entry.retryAt)) {
      try {
        entry = { att: await requestAttestation(this.proverUrl, g.hi, g.loRoot), retryAt: 0 };
      } catch (err) {
        entry = { retryAt: Date.now() + (this.o.proverRetryMs ?? 2_000) };
        this.logger.warn('prover gave no attestation; waiting', { gameId: id, l2Block: g.hi, err: errMessage(err) });
      }
      this.attestations.set(key, entry);
    }
    const att = entry?.att;
    if (att === undefined) return undefined;
    if (att.postOutputRoot.toLowerCase() !== g.hiRoot.toLowerCase()) {
      if (entry!.told !== true) {
        entry!.told = true;
        this.logger.warn('prover attests another root than our claim; not stepping (the challenger holds the proof)', {
          gameId: id,
          l2Block: g.hi,
          ourRoot: g.hiRoot,
          attestedRoot: att.postOutputRoot,
        });
      }
      return undefined;
    }
    const tx = await this.send(this.o.manager, abi, 'step', [id, att.postOutputRoot, att.proof]);
    return this.record('step', tx, id, { batchIndex: g.batchIndex, l2Block: g.hi, postRoot: att.postOutputRoot });
  }

  /**
   * `withdraw()` of the proposer's credits in the oracle when there are any.
   * @returns the move, or undefined when there was nothing to withdraw.
   */
  async withdrawCredits(): Promise<DefenderMove | undefined> {
    const abi = outputOracleAbi();
    const credit = (await this.o.publicClient.readContract({ address: this.o.oracle, abi, functionName: 'credits', args: [this.me] })) as bigint;
    if (credit === 0n) return undefined;
    const tx = await this.send(this.o.oracle, abi, 'withdraw', []);
    return this.record('withdraw', tx, undefined, { amountWei: credit });
  }
}
