/**
 * The challenger loop: derive every inbox batch from L1, re-execute it (verify.ts), wait for the
 * proposer's output for that batch in `OutputOracle`, compare output roots, and challenge a wrong
 * one (once, posting `challengerBond()`).
 *
 * Verdicts per batch: `pending` (not yet proposed, or not yet derived), `agree` (the posted
 * output root equals the re-computed one for the batch's last block), `disagree` (it differs, or
 * the batch is invalid so the claimed block does not exist in the derived chain). Verdicts and
 * challenge txs are persisted in the challenger's SQLite file.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  type AbiEvent,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from 'viem';
import { OUTPUT_STATUS, outputOracleAbi, type RollupAddresses } from '../sequencer/l1/contracts.ts';
import { ParallaxError } from '../sequencer/errors.ts';
import type { BatchRecord, ChallengerDb } from './db.ts';
import { L1BatchReader } from './derive.ts';
import { consoleLogger, errMessage, type Logger } from './log.ts';
import type { Verifier } from './verify.ts';

/** Options of {@link Challenger}. */
export interface ChallengerOptions {
  publicClient: PublicClient;
  /** L1 wallet with `account` = the challenger (dev account #3 by default); pays the bond. */
  walletClient: WalletClient;
  addresses: RollupAddresses;
  verifier: Verifier;
  db: ChallengerDb;
  /**
   * Hash of L1 block `deployedAtBlock` when the database was opened; {@link Challenger.sync}
   * fails with `L1_RESET` when the L1 no longer has it (L1 restarted or reorged the deployment).
   */
  deployBlockHash?: Hex;
  /** Called (once, with the loop stopped) when {@link Challenger.sync} detects `L1_RESET`. */
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
  readonly verifier: Verifier;
  readonly db: ChallengerDb;
  readonly deployBlockHash: Hex | undefined;
  readonly onL1Reset: (() => void) | undefined;
  readonly pollMs: number;
  readonly logger: Logger;
  private readonly reader: L1BatchReader;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private running = false;
  private failures = 0;

  /** @throws ParallaxError `BAD_CONFIG` for a wallet without account. */
  constructor(opts: ChallengerOptions) {
    this.publicClient = opts.publicClient;
    this.walletClient = opts.walletClient;
    this.addresses = opts.addresses;
    this.verifier = opts.verifier;
    this.db = opts.db;
    this.deployBlockHash = opts.deployBlockHash;
    this.onL1Reset = opts.onL1Reset;
    this.pollMs = opts.pollMs ?? 1_000;
    this.logger = opts.logger ?? consoleLogger();
    if (this.walletClient.account === undefined) throw new ParallaxError('BAD_CONFIG', 'challenger: walletClient has no account');
    this.reader = new L1BatchReader({ publicClient: this.publicClient, inbox: this.addresses.batchInbox });
  }

  /** One round: {@link sync} new batches, then {@link judge} proposed outputs. */
  async tick(): Promise<void> {
    await this.sync();
    await this.judge();
  }

  /**
   * Reads batches appended since the last scan and derives + re-executes each, in order.
   * @returns the rows of the batches processed now.
   * @throws viem errors for RPC failures; ParallaxError `BATCH_GAP` if L1 skipped a batch index,
   *   `L1_RESET` when the L1 block of the deployment changed (restart the challenger: it then
   *   wipes its database and re-derives).
   */
  async sync(): Promise<BatchRecord[]> {
    const cursor = BigInt(this.db.getMeta('l1Cursor') ?? this.addresses.deployedAtBlock.toString());
    const latest = await this.publicClient.getBlockNumber();
    if (this.deployBlockHash !== undefined) {
      const now = latest < this.addresses.deployedAtBlock ? null : (await this.publicClient.getBlock({ blockNumber: this.addresses.deployedAtBlock })).hash;
      if (now !== this.deployBlockHash) {
        throw new ParallaxError('L1_RESET', `challenger: L1 block ${this.addresses.deployedAtBlock} is no longer the deployment block (L1 restarted?); restart the challenger to re-derive`);
      }
    }
    if (cursor > latest) return [];
    const batches = await this.reader.read(cursor, latest);
    let last = this.db.lastBatchIndex();
    const done: BatchRecord[] = [];
    for (const b of batches) {
      if (b.batchIndex <= last) continue;
      if (b.batchIndex !== last + 1n) throw new ParallaxError('BATCH_GAP', `challenger: batch ${b.batchIndex} after ${last}`);
      const rec = await this.verifier.verify(b);
      last = b.batchIndex;
      done.push(rec);
      if (rec.valid) {
        this.logger.info('batch derived', { batchIndex: rec.batchIndex, firstBlock: rec.firstBlock, lastBlock: rec.lastBlock, computedOutputRoot: rec.computedOutputRoot });
      } else {
        this.logger.warn('batch INVALID: skipped by the derivation rule', { batchIndex: rec.batchIndex, firstBlock: rec.firstBlock, lastBlock: rec.lastBlock, reason: rec.invalidReason });
      }
    }
    this.db.setMeta('l1Cursor', (latest + 1n).toString());
    return done;
  }

  /**
   * Compares each derived, not yet judged batch with its proposed output (in batch order, up to
   * the oracle's `nextBatchIndex()`), records `agree`/`disagree`, and challenges disagreeing
   * outputs that are still challengeable. A challenge is sent at most once per batch: outputs
   * already challenged (by anyone) are only recorded.
   * @throws viem errors for RPC failures (the loop retries; recorded verdicts stay).
   */
  async judge(): Promise<void> {
    const open = this.db.openBatches();
    if (open.length === 0) return;
    const abi = outputOracleAbi();
    const oracle = this.addresses.outputOracle;
    const next = (await this.publicClient.readContract({ address: oracle, abi, functionName: 'nextBatchIndex' })) as bigint;
    for (const rec of open) {
      if (rec.batchIndex >= next) break;
      const out = (await this.publicClient.readContract({ address: oracle, abi, functionName: 'getOutput', args: [rec.batchIndex] })) as OracleOutput;
      if (rec.verdict === 'pending') {
        rec.postedStateRoot = out.stateRoot;
        rec.postedOutputRoot = out.outputRoot;
        const agree = rec.valid && rec.computedOutputRoot === out.outputRoot && out.l2BlockNumber === rec.lastBlock;
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
      if (rec.verdict === 'disagree') await this.challengeOnce(rec, out);
    }
  }

  private me(): Address {
    return this.walletClient.account!.address;
  }

  private async challengeOnce(rec: BatchRecord, out: OracleOutput): Promise<void> {
    const oracle = this.addresses.outputOracle;
    const abi = outputOracleAbi();
    if (out.status === OUTPUT_STATUS.Challenged) {
      rec.challengeTx = await this.findChallengeTx(rec.batchIndex);
      if (out.challenger.toLowerCase() !== this.me().toLowerCase()) rec.note = `already challenged by ${out.challenger}`;
      this.db.putBatch(rec);
      this.logger.info('output already challenged', { batchIndex: rec.batchIndex, challenger: out.challenger, challengeTx: rec.challengeTx });
      return;
    }
    if (out.status === OUTPUT_STATUS.Finalized) {
      rec.note = 'output finalized before it could be challenged';
      this.db.putBatch(rec);
      this.logger.error('wrong output is FINALIZED; too late to challenge', { batchIndex: rec.batchIndex });
      return;
    }
    try {
      const bond = (await this.publicClient.readContract({ address: oracle, abi, functionName: 'challengerBond' })) as bigint;
      const hash = await this.walletClient.writeContract({
        address: oracle,
        abi,
        functionName: 'challenge',
        args: [rec.batchIndex],
        value: bond,
        account: this.walletClient.account!,
        chain: this.walletClient.chain ?? null,
      });
      const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') {
        this.logger.error('challenge tx reverted; will re-check', { batchIndex: rec.batchIndex, l1TxHash: hash });
        return;
      }
      rec.challengeTx = hash;
      this.db.putBatch(rec);
      this.logger.warn('CHALLENGED output', { batchIndex: rec.batchIndex, bondWei: bond, l1TxHash: hash, l1Block: receipt.blockNumber });
    } catch (err) {
      const name = revertName(err);
      if (name === 'ChallengeWindowClosed' || name === 'OutputNotChallengeable') {
        rec.note = `cannot challenge: ${name}`;
        this.db.putBatch(rec);
        this.logger.error('cannot challenge wrong output', { batchIndex: rec.batchIndex, reason: name });
        return;
      }
      throw err;
    }
  }

  /** Hash of the L1 tx that emitted `OutputChallenged(batchIndex, ...)`, or null. */
  private async findChallengeTx(batchIndex: bigint): Promise<Hex | null> {
    const event = outputOracleAbi().find((e) => e.type === 'event' && e.name === 'OutputChallenged') as AbiEvent;
    const logs = await this.publicClient.getLogs({
      address: this.addresses.outputOracle,
      event,
      args: { batchIndex },
      fromBlock: this.addresses.deployedAtBlock,
      toBlock: 'latest',
    } as Parameters<PublicClient['getLogs']>[0]);
    return logs[0]?.transactionHash ?? null;
  }

  /** Everything recorded, for `parallax_challengerStatus`. */
  status(): ChallengerStatus {
    return {
      l2Head: dec(this.verifier.head.number),
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
    };
  }

  /**
   * Runs {@link tick} every `pollMs`; errors are logged and retried with backoff (max 30 s),
   * except `L1_RESET` when `onL1Reset` is set (the loop stops and calls it).
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops the loop, waiting for a tick in progress. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.current = this.tick().then(
        () => {
          this.failures = 0;
          this.schedule(this.pollMs);
        },
        (err: unknown) => {
          if (err instanceof ParallaxError && err.code === 'L1_RESET' && this.onL1Reset !== undefined) {
            this.logger.error('L1 was reset under the challenger; stopping the loop', { err: err.message });
            this.running = false;
            this.onL1Reset();
            return;
          }
          this.failures++;
          const delay = Math.min(30_000, this.pollMs * 2 ** Math.min(this.failures, 10));
          this.logger.error('challenger tick failed; retrying', { err: errMessage(err), failures: this.failures, retryInMs: delay });
          this.schedule(delay);
        },
      );
    }, ms);
  }
}

/** Name of the custom error a contract call reverted with, if viem decoded one. */
function revertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const r = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return r instanceof ContractFunctionRevertedError ? r.data?.errorName : undefined;
}
