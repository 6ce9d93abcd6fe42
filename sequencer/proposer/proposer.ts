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
 */
import { keccak256, type Abi, type Address, type Hex, type PublicClient, type WalletClient } from 'viem';
import type { L2ChainReader } from '../chain/reader.ts';
import { consoleLogger, type Logger } from '../batcher/log.ts';
import { PollLoop } from '../batcher/loop.ts';
import { computeOutputRoot } from '../codec/output-root.ts';
import { ParallaxError } from '../errors.ts';
import { batchInboxAbi, outputOracleAbi } from '../l1/contracts.ts';

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
}

export class Proposer {
  readonly chain: L2ChainReader;
  readonly publicClient: PublicClient;
  readonly walletClient: WalletClient;
  readonly oracle: Address;
  readonly inbox: Address;
  readonly faultBadRootBatch: bigint | undefined;
  readonly logger: Logger;
  private readonly loop: PollLoop;
  private bondChecked = false;

  /** @throws ParallaxError `BAD_CONFIG` for a wallet without account. */
  constructor(opts: ProposerOptions) {
    this.chain = opts.chain;
    this.publicClient = opts.publicClient;
    this.walletClient = opts.walletClient;
    this.oracle = opts.oracle;
    this.inbox = opts.inbox;
    this.faultBadRootBatch = opts.faultBadRootBatch;
    this.logger = opts.logger ?? consoleLogger('proposer');
    if (this.walletClient.account === undefined) throw new ParallaxError('BAD_CONFIG', 'proposer: walletClient has no account');
    this.loop = new PollLoop(
      'proposer',
      async () => {
        if (!this.bondChecked) {
          await this.ensureBond();
          this.bondChecked = true;
        }
        await this.tick();
        return false;
      },
      opts.intervalMs ?? 1_000,
      this.logger,
    );
  }

  private async send(functionName: string, args: readonly unknown[], value?: bigint): Promise<Hex> {
    const hash = await this.walletClient.writeContract({
      address: this.oracle,
      abi: outputOracleAbi(),
      functionName,
      args,
      value,
      account: this.walletClient.account!,
      chain: this.walletClient.chain ?? null,
    });
    const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new ParallaxError('PROPOSAL_REVERTED', `proposer: ${functionName} reverted (L1 tx ${hash})`);
    return hash;
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
    const hash = await this.send('depositBond', [], amount);
    this.logger.info('bond deposited', { amountWei: amount, l1TxHash: hash });
    return amount;
  }

  /**
   * Proposes outputs for every batch in the inbox that has none yet, in order. Stops early
   * (returning what it posted) when the L2 chain lacks a batch's last block.
   *
   * @returns the outputs posted by this call.
   * @throws ParallaxError `PROPOSAL_REVERTED`; viem errors for RPC failures and failed gas
   *   estimation (`InsufficientBond` when no bond was deposited: call {@link ensureBond}).
   */
  async tick(): Promise<PostedOutput[]> {
    const oabi = outputOracleAbi();
    const iabi = batchInboxAbi();
    const posted: PostedOutput[] = [];
    let index = await this.read<bigint>(this.oracle, oabi, 'nextBatchIndex');
    const count = await this.read<bigint>(this.inbox, iabi, 'batchCount');
    for (; index < count; index++) {
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
      const hash = await this.send('proposeOutput', [index, stateRoot, outputRoot]);
      const out: PostedOutput = { batchIndex: index, l2BlockNumber: batch.lastBlock, stateRoot, outputRoot, faulty, l1TxHash: hash };
      this.logger.info('output proposed', { ...out });
      posted.push(out);
    }
    return posted;
  }

  /**
   * Starts the loop: first {@link ensureBond}, then {@link tick} every `intervalMs`; errors are
   * logged and retried with backoff, never thrown.
   */
  start(): void {
    this.loop.start();
  }

  /** Stops the loop, waiting for a tick in progress. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
