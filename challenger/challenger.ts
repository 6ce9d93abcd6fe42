/**
 * The challenger loop: derive every inbox batch from L1 (rules D1/D2, `derivation/`), wait for
 * the proposer's output for that batch in `OutputOracle`, compare output roots, challenge a wrong
 * one (once per proposal, posting `challengerBond()`), which opens a dispute game, and play that
 * game to the end (`game.ts`).
 *
 * Verdicts per batch: `pending` (not yet proposed, or not yet derived), `agree` (the posted
 * output root equals the derived one for the batch's last block), `disagree` (it differs). An
 * invalid batch derives to empty blocks (D1), so its output can be right. Verdicts, challenge txs,
 * games and moves are persisted in the challenger's SQLite file. When outputs are deleted on L1
 * (a game was lost by the proposer), the verdicts of the deleted batches go back to `pending`.
 *
 * Drill `falseChallengeBatch` (`FAULT_FALSE_CHALLENGE_BATCH`): that batch is challenged although
 * its verdict is `agree` (recorded as such, with a note), and its game is played dishonestly.
 */
import type { AbiEvent, Address, Hex, PublicClient, TransactionReceipt, WalletClient } from 'viem';
import { OUTPUT_STATUS, outputOracleAbi, type RollupAddresses } from '../sequencer/l1/contracts.ts';
import { ParallaxError } from '../sequencer/errors.ts';
import type { BatchRecord, ChallengerDb } from './db.ts';
import type { DerivedBatch, DerivedChain } from './derivation/chain.ts';
import type { L1Follower } from './derivation/follower.ts';
import { TickLoop } from './derivation/loop.ts';
import { GamePlayer, revertName, type GameStatusJson } from './game.ts';
import { consoleLogger, type Logger } from './log.ts';

/** Options of {@link Challenger}. */
export interface ChallengerOptions {
  publicClient: PublicClient;
  /** L1 wallet with `account` = the challenger (dev account #3 by default); pays the bond. */
  walletClient: WalletClient;
  addresses: RollupAddresses;
  /** The derived chain (its own state database) and what feeds it from L1. */
  chain: DerivedChain;
  follower: L1Follower;
  db: ChallengerDb;
  /** The prover-stub's JSON-RPC URL for step attestations (default http://127.0.0.1:9547). */
  proverUrl?: string;
  /** Drill: challenge this batch although it agrees, and play its game dishonestly. */
  falseChallengeBatch?: bigint;
  /** Called (once, with the loop stopped) when a tick detects `L1_RESET`. */
  onL1Reset?: () => void;
  /** Wait between ticks of the loop, ms (default 1,000). */
  pollMs?: number;
  logger?: Logger;
}

/** One verdict as `parallax_challengerStatus` reports it (block numbers as decimal strings). */
export interface VerdictStatus {
  batchIndex: number;
  firstBlock: string;
  lastBlock: string;
  verdict: 'agree' | 'disagree' | 'pending';
  postedOutputRoot: Hex | null;
  computedOutputRoot: Hex | null;
  challengeTx?: Hex;
  /** False when the derivation rule or execution rejected the batch. */
  valid: boolean;
  invalidReason?: string;
  note?: string;
}

/** Result of `parallax_challengerStatus`. */
export interface ChallengerStatus {
  /** Derived L2 head number, decimal string. */
  l2Head: string;
  verdicts: VerdictStatus[];
  /** Dispute games this challenger opened, with every move it made. */
  games: GameStatusJson[];
}

/** The oracle's `Output` struct as viem decodes it. */
interface OracleOutput {
  stateRoot: Hex;
  outputRoot: Hex;
  l2BlockNumber: bigint;
  timestamp: bigint;
  status: number;
  challenger: Address;
}

const dec = (n: bigint) => n.toString(10);

export class Challenger {
  readonly publicClient: PublicClient;
  readonly walletClient: WalletClient;
  readonly addresses: RollupAddresses;
  readonly chain: DerivedChain;
  readonly follower: L1Follower;
  readonly db: ChallengerDb;
  readonly games: GamePlayer;
  readonly falseChallengeBatch: bigint | undefined;
  readonly pollMs: number;
  readonly logger: Logger;
  private readonly loop: TickLoop;

  /** @throws ParallaxError `BAD_CONFIG` for a wallet without account. */
  constructor(opts: ChallengerOptions) {
    this.publicClient = opts.publicClient;
    this.walletClient = opts.walletClient;
    this.addresses = opts.addresses;
    this.chain = opts.chain;
    this.follower = opts.follower;
    this.db = opts.db;
    this.falseChallengeBatch = opts.falseChallengeBatch;
    this.pollMs = opts.pollMs ?? 1_000;
    this.logger = opts.logger ?? consoleLogger();
    if (this.walletClient.account === undefined) throw new ParallaxError('BAD_CONFIG', 'challenger: walletClient has no account');
    this.games = new GamePlayer({
      publicClient: this.publicClient,
      walletClient: this.walletClient,
      addresses: this.addresses,
      chain: this.chain,
      db: this.db,
      proverUrl: opts.proverUrl,
      logger: this.logger,
    });
    this.loop = new TickLoop({ tick: () => this.tick(), pollMs: this.pollMs, logger: this.logger, onL1Reset: opts.onL1Reset });
  }

  /** One round: {@link sync} new batches, {@link judge} proposed outputs, play games. */
  async tick(): Promise<void> {
    await this.sync();
    await this.judge();
    await this.games.tick();
  }

  /**
   * Derives the batches appended since the last scan (see `L1Follower.sync`), writing each
   * batch's verdict row (`pending`) in the same transaction as its blocks.
   * @returns the rows of the batches processed now.
   * @throws as `L1Follower.sync` (`L1_RESET`, `BATCH_GAP`, RPC errors).
   */
  async sync(): Promise<BatchRecord[]> {
    const done: BatchRecord[] = [];
    await this.follower.sync((b: DerivedBatch) => {
      const rec: BatchRecord = {
        batchIndex: b.batchIndex,
        firstBlock: b.firstBlock,
        lastBlock: b.lastBlock,
        l1Block: b.l1Block,
        l1TxHash: b.l1TxHash,
        valid: b.valid,
        invalidReason: b.invalidReason,
        computedStateRoot: b.stateRoot,
        computedOutputRoot: b.outputRoot,
        verdict: 'pending',
        postedStateRoot: null,
        postedOutputRoot: null,
        challengeTx: null,
        note: null,
      };
      this.db.putBatch(rec);
      done.push(rec);
    });
    return done;
  }

  /**
   * Compares each derived, not yet judged batch with its proposed output (in batch order, up to
   * the oracle's `nextBatchIndex()`), records `agree`/`disagree`, and challenges disagreeing
   * outputs that are still challengeable (and the drill's batch). A challenge is sent at most once
   * per proposal: outputs already challenged (by anyone) are only recorded. Verdicts of batches
   * at or above `nextBatchIndex()` (outputs deleted on L1) go back to `pending`.
   * @throws viem errors for RPC failures (the loop retries; recorded verdicts stay).
   */
  async judge(): Promise<void> {
    const abi = outputOracleAbi();
    const oracle = this.addresses.outputOracle;
    const next = (await this.publicClient.readContract({ address: oracle, abi, functionName: 'nextBatchIndex' })) as bigint;
    const reopened = this.db.reopenFrom(next);
    if (reopened > 0) this.logger.warn('outputs were deleted on L1; their verdicts are pending again', { fromBatchIndex: next, rows: reopened });
    const open = this.db.openBatches(this.falseChallengeBatch);
    for (const rec of open) {
      if (rec.batchIndex >= next) break;
      const out = (await this.publicClient.readContract({ address: oracle, abi, functionName: 'getOutput', args: [rec.batchIndex] })) as OracleOutput;
      if (rec.verdict === 'pending') {
        rec.postedStateRoot = out.stateRoot;
        rec.postedOutputRoot = out.outputRoot;
        const agree = rec.computedOutputRoot === out.outputRoot && out.l2BlockNumber === rec.lastBlock;
        rec.verdict = agree ? 'agree' : 'disagree';
        this.db.putBatch(rec);
        const fields = {
          batchIndex: rec.batchIndex,
          l2Block: rec.lastBlock,
          postedOutputRoot: out.outputRoot,
          computedOutputRoot: rec.computedOutputRoot,
          ...(rec.valid ? {} : { invalidReason: rec.invalidReason }),
        };
        if (agree) this.logger.info('agree', fields);
        else this.logger.warn('disagree', fields);
      }
      if (rec.verdict === 'disagree') await this.challengeOnce(rec, out, false);
      else if (rec.batchIndex === this.falseChallengeBatch && !this.db.games().some((g) => g.falseChallenge)) {
        // One-shot drill: never again once its game exists (e.g. after outputs were re-proposed).
        await this.challengeOnce(rec, out, true);
      }
    }
  }

  private me(): Address {
    return this.walletClient.account!.address;
  }

  private async challengeOnce(rec: BatchRecord, out: OracleOutput, falseChallenge: boolean): Promise<void> {
    const oracle = this.addresses.outputOracle;
    const abi = outputOracleAbi();
    if (out.status === OUTPUT_STATUS.Challenged) {
      const mine = out.challenger.toLowerCase() === this.me().toLowerCase();
      rec.challengeTx = await this.findChallengeTx(rec.batchIndex);
      if (!mine) rec.note = `already challenged by ${out.challenger}`;
      this.db.putBatch(rec);
      this.logger.info('output already challenged', { batchIndex: rec.batchIndex, challenger: out.challenger, challengeTx: rec.challengeTx });
      // Ours (a crash between the challenge and recording it): pick the game up again.
      if (mine) await this.games.track(await this.games.gameIdOf(rec.batchIndex), rec.batchIndex, { falseChallenge });
      return;
    }
    if (out.status === OUTPUT_STATUS.Finalized) {
      rec.note = falseChallenge ? 'false-challenge drill: output finalized before it could be challenged' : 'output finalized before it could be challenged';
      this.db.putBatch(rec);
      if (falseChallenge) this.logger.warn(rec.note, { batchIndex: rec.batchIndex });
      else this.logger.error('wrong output is FINALIZED; too late to challenge', { batchIndex: rec.batchIndex });
      return;
    }
    let bond = 0n;
    let receipt: TransactionReceipt;
    try {
      bond = (await this.publicClient.readContract({ address: oracle, abi, functionName: 'challengerBond' })) as bigint;
      const hash = await this.walletClient.writeContract({
        address: oracle,
        abi,
        functionName: 'challenge',
        args: [rec.batchIndex],
        value: bond,
        account: this.walletClient.account!,
        chain: this.walletClient.chain ?? null,
      });
      receipt = await this.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') {
        this.logger.error('challenge tx reverted; will re-check', { batchIndex: rec.batchIndex, l1TxHash: hash });
        return;
      }
    } catch (err) {
      const name = revertName(err);
      if (name === 'ChallengeWindowClosed' || name === 'OutputNotChallengeable') {
        rec.note = `cannot challenge: ${name}`;
        this.db.putBatch(rec);
        this.logger.error('cannot challenge output', { batchIndex: rec.batchIndex, reason: name, falseChallenge });
        return;
      }
      throw err;
    }
    rec.challengeTx = receipt.transactionHash;
    if (falseChallenge) rec.note = 'FAULT_FALSE_CHALLENGE_BATCH drill: challenged although the output agrees';
    this.db.putBatch(rec);
    this.logger.warn(falseChallenge ? 'FALSE CHALLENGE (drill) of an agreeing output' : 'CHALLENGED output', {
      batchIndex: rec.batchIndex,
      bondWei: bond,
      l1TxHash: receipt.transactionHash,
      l1Block: receipt.blockNumber,
      gasUsed: receipt.gasUsed,
    });
    const gameId = await this.games.gameIdOf(rec.batchIndex, receipt);
    await this.games.track(gameId, rec.batchIndex, { falseChallenge, challengeReceipt: receipt, bondWei: bond });
  }

  /** Hash of the latest L1 tx that emitted `OutputChallenged(batchIndex, ...)`, or null. */
  private async findChallengeTx(batchIndex: bigint): Promise<Hex | null> {
    const event = outputOracleAbi().find((e) => e.type === 'event' && e.name === 'OutputChallenged') as AbiEvent;
    const logs = await this.publicClient.getLogs({
      address: this.addresses.outputOracle,
      event,
      args: { batchIndex },
      fromBlock: this.addresses.deployedAtBlock,
      toBlock: 'latest',
    } as Parameters<PublicClient['getLogs']>[0]);
    return logs.at(-1)?.transactionHash ?? null;
  }

  /** Everything recorded, for `parallax_challengerStatus`. */
  status(): ChallengerStatus {
    return {
      l2Head: dec(this.chain.head.number),
      verdicts: this.db.batches().map((r) => ({
        batchIndex: Number(r.batchIndex),
        firstBlock: dec(r.firstBlock),
        lastBlock: dec(r.lastBlock),
        verdict: r.verdict,
        postedOutputRoot: r.postedOutputRoot,
        computedOutputRoot: r.computedOutputRoot,
        ...(r.challengeTx === null ? {} : { challengeTx: r.challengeTx }),
        valid: r.valid,
        ...(r.invalidReason === null ? {} : { invalidReason: r.invalidReason }),
        ...(r.note === null ? {} : { note: r.note }),
      })),
      games: this.games.status(),
    };
  }

  /**
   * Runs {@link tick} every `pollMs`; errors are logged and retried with backoff (max 30 s),
   * except `L1_RESET` when `onL1Reset` is set (the loop stops and calls it).
   */
  start(): void {
    this.loop.start();
  }

  /** Stops the loop, waiting for a tick in progress. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
