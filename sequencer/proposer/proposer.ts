/**
 * The proposer: for every batch in `BatchInbox`, in order, posts the output root of the batch's
 * last L2 block to `OutputOracle.proposeOutput` (OP Stack: op-proposer, one output per batch
 * instead of per fixed block interval). Output roots follow the OP v0 construction
 * (`../codec/output-root.ts`).
 *
 * Stateless like the batcher: it reads `nextBatchIndex()` and `batchCount()` from L1 each tick.
 *
 * Fault drill: with `faultBadRootBatch` set, the output for that batch index carries a wrong
 * state root and output root (keccak256 of the right ones), so a challenger must dispute it.
 * One-shot: after a lost game the batch is re-proposed with the right root.
 *
 * Dispute game (docs/dispute-game.md): with a {@link Defender} each tick first reads
 * `nextBatchIndex()`, then lets the defender roll the sequencer back for any `OutputsDeleted`
 * (so nothing is proposed from a chain L1 rejected), play its games and withdraw credits; the bond
 * is topped up every tick (re-deposit after a slash). With a {@link BatchChecker}, a batch is
 * proposed only after the sequencer checked its L1 data (rule D1 applied when it does not derive).
 * With `finalize`, outputs whose challenge window has passed are finalized, in order.
 */
import { keccak256, type Abi, type Address, type Hex, type PublicClient, type WalletClient } from 'viem';
import type { L2ChainReader } from '../chain/reader.ts';
import type { BatchChecker } from '../batcher/check.ts';
import { consoleLogger, type Logger } from '../batcher/log.ts';
import { PollLoop } from '../batcher/loop.ts';
import { computeOutputRoot } from '../codec/output-root.ts';
import { ParallaxError } from '../errors.ts';
import { batchInboxAbi, OUTPUT_STATUS, outputOracleAbi } from '../l1/contracts.ts';
import type { Defender } from './defender.ts';
import { sendCall } from './send.ts';

/** Options of {@link Proposer}. */
export interface ProposerOptions {
  chain: L2ChainReader;
  publicClient: PublicClient;
  /** L1 wallet with `account` = the oracle's proposer (dev account #2). */
  walletClient: WalletClient;
  /** `OutputOracle` address. */
  oracle: Address;
  /** `BatchInbox` address. */
  inbox: Address;
  /** Fault drill: post a wrong output for this batch index. */
  faultBadRootBatch?: bigint;
  /** Wait between ticks of the {@link Proposer.start} loop, ms (default 1,000). */
  intervalMs?: number;
  /** Plays the dispute games and rolls back on `OutputsDeleted` (module doc). */
  defender?: Defender;
  /** Gate: propose batch `i` only after `checker.ensureChecked(i)` (rule D1). */
  checker?: BatchChecker;
  /** Finalize outputs past their challenge window (`finalizeOutput`, in order). Default false. */
  finalize?: boolean;
  logger?: Logger;
}

/** One output the proposer landed on L1. */
export interface PostedOutput {
  batchIndex: bigint;
  /** The batch's last L2 block. */
  l2BlockNumber: bigint;
  /** What was posted (wrong on purpose when `faulty`). */
  stateRoot: Hex;
  outputRoot: Hex;
  faulty: boolean;
  l1TxHash: Hex;
  /** L1 gas used by `proposeOutput`. */
  gasUsed: bigint;
}

export class Proposer {
  readonly chain: L2ChainReader;
  readonly publicClient: PublicClient;
  readonly walletClient: WalletClient;
  readonly oracle: Address;
  readonly inbox: Address;
  faultBadRootBatch: bigint | undefined;
  readonly logger: Logger;
  readonly defender: Defender | undefined;
  readonly checker: BatchChecker | undefined;
  readonly finalize: boolean;
  private readonly loop: PollLoop;

  /** @throws ParallaxError `BAD_CONFIG` for a wallet without account. */
  constructor(opts: ProposerOptions) {
    this.chain = opts.chain;
    this.publicClient = opts.publicClient;
    this.walletClient = opts.walletClient;
    this.oracle = opts.oracle;
    this.inbox = opts.inbox;
    this.faultBadRootBatch = opts.faultBadRootBatch;
    this.logger = opts.logger ?? consoleLogger('proposer');
    this.defender = opts.defender;
    this.checker = opts.checker;
    this.finalize = opts.finalize ?? false;
    if (this.walletClient.account === undefined) throw new ParallaxError('BAD_CONFIG', 'proposer: walletClient has no account');
    this.loop = new PollLoop(
      'proposer',
      async () => {
        await this.tick();
        if (this.finalize) await this.finalizeReady();
        return false;
      },
      opts.intervalMs ?? 1_000,
      this.logger,
    );
  }

  private async send(functionName: string, args: readonly unknown[], value?: bigint): Promise<{ hash: Hex; gasUsed: bigint; l1Block: bigint }> {
    try {
      return await sendCall(this.publicClient, this.walletClient, this.oracle, outputOracleAbi(), functionName, args, value);
    } catch (err) {
      if (err instanceof ParallaxError && err.code === 'L1_TX_REVERTED') throw new ParallaxError('PROPOSAL_REVERTED', `proposer: ${err.message}`);
      throw err;
    }
  }

  private read<T>(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<T> {
    return this.publicClient.readContract({ address, abi, functionName, args }) as Promise<T>;
  }

  /**
   * Tops the proposer's bond up to `proposerBond()` when `proposerBondBalance()` is below it.
   * @returns wei deposited (0n when the balance already sufficed).
   * @throws ParallaxError `PROPOSAL_REVERTED`; viem errors for RPC failures.
   */
  async ensureBond(): Promise<bigint> {
    const oabi = outputOracleAbi();
    const [balance, required] = await Promise.all([
      this.read<bigint>(this.oracle, oabi, 'proposerBondBalance'),
      this.read<bigint>(this.oracle, oabi, 'proposerBond'),
    ]);
    if (balance >= required) return 0n;
    const amount = required - balance;
    const tx = await this.send('depositBond', [], amount);
    this.logger.info('bond deposited', { amountWei: amount, l1TxHash: tx.hash, gasUsed: tx.gasUsed, l1Block: tx.l1Block });
    return amount;
  }

  /**
   * Proposes outputs for every batch in the inbox that has none yet, in order. Stops early
   * (returning what it posted) when the L2 chain lacks a batch's last block.
   *
   * With a defender, it first handles deletions, games and credits; then it tops the bond up
   * ({@link ensureBond}).
   *
   * @returns the outputs posted by this call.
   * @throws ParallaxError `PROPOSAL_REVERTED`; viem errors for RPC failures and failed gas
   *   estimation.
   */
  async tick(): Promise<PostedOutput[]> {
    const oabi = outputOracleAbi();
    const iabi = batchInboxAbi();
    const posted: PostedOutput[] = [];
    // Read the index before scanning for deletions: a deletion that lowered it is then seen.
    let index = await this.read<bigint>(this.oracle, oabi, 'nextBatchIndex');
    if (this.defender !== undefined) await this.defender.tick();
    await this.ensureBond();
    const count = await this.read<bigint>(this.inbox, iabi, 'batchCount');
    for (; index < count; index++) {
      if (this.checker !== undefined) await this.checker.ensureChecked(index);
      const batch = await this.read<{ lastBlock: bigint }>(this.inbox, iabi, 'getBatch', [index]);
      const header = this.chain.header(batch.lastBlock);
      if (header === undefined) {
        this.logger.warn('L2 block of batch not in the chain yet; waiting', { batchIndex: index, l2Block: batch.lastBlock });
        break;
      }
      let stateRoot = header.stateRoot;
      let outputRoot = computeOutputRoot(header.stateRoot, header.hash);
      const faulty = this.faultBadRootBatch === index;
      if (faulty) {
        stateRoot = keccak256(stateRoot);
        outputRoot = keccak256(outputRoot);
        this.logger.error('FAULT DRILL: proposing a WRONG output root on purpose', {
          batchIndex: index,
          l2Block: batch.lastBlock,
          rightOutputRoot: computeOutputRoot(header.stateRoot, header.hash),
          postedOutputRoot: outputRoot,
        });
      }
      const tx = await this.send('proposeOutput', [index, stateRoot, outputRoot]);
      if (faulty) this.faultBadRootBatch = undefined; // one-shot: the re-proposal after a lost game is right
      const out: PostedOutput = { batchIndex: index, l2BlockNumber: batch.lastBlock, stateRoot, outputRoot, faulty, l1TxHash: tx.hash, gasUsed: tx.gasUsed };
      this.logger.info('output proposed', { ...out, l1Block: tx.l1Block });
      posted.push(out);
    }
    return posted;
  }

  /**
   * Finalizes, in order from `finalizedCount()`, the outputs that are Proposed and whose
   * challenge window has passed at the latest L1 block's timestamp (at most 16 per call).
   * @returns the batch indexes finalized.
   * @throws viem errors for RPC failures; ParallaxError `PROPOSAL_REVERTED`.
   */
  async finalizeReady(): Promise<bigint[]> {
    const oabi = outputOracleAbi();
    const [first, next, window] = await Promise.all([
      this.read<bigint>(this.oracle, oabi, 'finalizedCount'),
      this.read<bigint>(this.oracle, oabi, 'nextBatchIndex'),
      this.read<bigint>(this.oracle, oabi, 'challengeWindow'),
    ]);
    if (first >= next) return [];
    const now = (await this.publicClient.getBlock({ blockTag: 'latest' })).timestamp;
    const done: bigint[] = [];
    for (let i = first; i < next && done.length < 16; i++) {
      const out = await this.read<{ status: number; timestamp: bigint }>(this.oracle, oabi, 'getOutput', [i]);
      if (out.status !== OUTPUT_STATUS.Proposed || now < out.timestamp + window) break;
      const tx = await this.send('finalizeOutput', [i]);
      this.logger.info('output finalized', { batchIndex: i, l1TxHash: tx.hash, gasUsed: tx.gasUsed, l1Block: tx.l1Block });
      done.push(i);
    }
    return done;
  }

  /**
   * Starts the loop: {@link tick} (bond top-up included) and, with `finalize`,
   * {@link finalizeReady}, every `intervalMs`; errors are logged and retried with backoff, never
   * thrown.
   */
  start(): void {
    this.loop.start();
  }

  /** Stops the loop, waiting for a tick in progress. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
