/**
 * The job handlers the queue workers run. Each one is idempotent against L1: it re-reads where
 * L1 stands (inbox `nextBlock()`, oracle `nextBatchIndex()`) before acting, so a retried or
 * duplicated job never posts twice (on top of the BullMQ job-id dedup and the contracts' own
 * contiguity checks). A handler that cannot act yet (an earlier batch/output not landed, the
 * challenger not caught up) throws, and BullMQ retries it with exponential backoff.
 */
import type { Job } from 'bullmq';
import type { Address, Hex, PublicClient, WalletClient } from 'viem';
import { Batcher, type PostedBatch } from '../batcher/batcher.ts';
import { silentLogger, type Logger } from '../batcher/log.ts';
import { ParallaxError } from '../errors.ts';
import { batchInboxAbi, outputOracleAbi } from '../l1/contracts.ts';
import { Proposer, type PostedOutput } from '../proposer/proposer.ts';
import { loadSnapshot, type L2BlockSource } from './l2-source.ts';

/** Payload of a `parallax:batches` job (decimal strings). */
export interface BatchJobData {
  /** = the inbox's `nextBlock()` when enqueued. */
  firstBlock: string;
  /** Last sealed block to include at most (the batcher may post fewer: size limits). */
  lastBlock: string;
  /** `BatchInbox` the job is for (a worker configured for another deployment refuses it). */
  inbox: Address;
}

/** Payload of a `parallax:outputs` job. */
export interface OutputJobData {
  batchIndex: string;
  /** The batch's last L2 block (its output is proposed). */
  lastBlock: string;
  /** `OutputOracle` the job is for (checked like {@link BatchJobData.inbox}). */
  oracle: Address;
}

/** Payload of a `parallax:verify` job. */
export interface VerifyJobData {
  batchIndex: string;
  /** Output root as proposed on L1 when enqueued. */
  outputRoot: Hex;
  l2Block: string;
}

/** JSON-safe copy (bigints to decimal strings), for job return values. */
/** @throws ParallaxError `WRONG_DEPLOYMENT` when a job names other contracts than the worker's. */
function sameDeployment(kind: string, jobAddress: Address | undefined, mine: Address): void {
  if (jobAddress === undefined || jobAddress.toLowerCase() !== mine.toLowerCase()) {
    throw new ParallaxError('WRONG_DEPLOYMENT', `${kind} job is for ${jobAddress}, this worker posts to ${mine} (stale addresses? restart the worker)`);
  }
}

export function jsonSafe(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString(10) : x)));
}

/** What a batch handler needs. */
export interface BatchHandlerDeps {
  source: L2BlockSource;
  publicClient: PublicClient;
  /** Account = the inbox's sequencer. */
  walletClient: WalletClient;
  inbox: Address;
  maxBlocksPerBatch?: number;
  maxBatchBytes?: number;
  logger?: Logger;
}

/**
 * `parallax:batches` handler: fetches blocks `firstBlock..lastBlock` from the L2 RPC and runs one
 * `Batcher.tick()` over them (posts from the inbox's `nextBlock()` on).
 * @returns the posted batch, or `{ alreadyPosted: true }` when L1 is past `firstBlock`.
 * @throws ParallaxError `MISSING_BLOCK` (retried) when L1 is still before `firstBlock`;
 *   `BATCH_NOT_POSTED` when nothing was posted although L1 expects `firstBlock`;
 *   `WRONG_DEPLOYMENT`; as `Batcher.tick`.
 */
export function batchHandler(deps: BatchHandlerDeps): (job: Job<BatchJobData>) => Promise<unknown> {
  return async (job) => {
    sameDeployment('batch', job.data.inbox, deps.inbox);
    const first = BigInt(job.data.firstBlock);
    const last = BigInt(job.data.lastBlock);
    const chain = await loadSnapshot(deps.source, first, last);
    const batcher = new Batcher({
      chain,
      publicClient: deps.publicClient,
      walletClient: deps.walletClient,
      inbox: deps.inbox,
      maxBlocksPerBatch: deps.maxBlocksPerBatch,
      maxBatchBytes: deps.maxBatchBytes,
      logger: deps.logger ?? silentLogger,
    });
    const posted: PostedBatch | null = await batcher.tick();
    if (posted !== null) return jsonSafe(posted);
    const next = (await deps.publicClient.readContract({ address: deps.inbox, abi: batchInboxAbi(), functionName: 'nextBlock' })) as bigint;
    if (next <= first) throw new ParallaxError('BATCH_NOT_POSTED', `batch from L2 block ${first}: nothing posted and the inbox still expects block ${next}`);
    return { alreadyPosted: true, nextBlock: next.toString() };
  };
}

/** What an output handler needs. */
export interface OutputHandlerDeps {
  source: L2BlockSource;
  publicClient: PublicClient;
  /** Account = the oracle's proposer. */
  walletClient: WalletClient;
  oracle: Address;
  inbox: Address;
  /** Finalize outputs past their challenge window after each job (default true). */
  finalize?: boolean;
  /** Drill `FAULT_BAD_ROOT_BATCH` (one-shot per worker process). */
  faultBadRootBatch?: bigint;
  logger?: Logger;
}

/**
 * `parallax:outputs` handler: fetches the batch's last block header from the L2 RPC and runs one
 * `Proposer.tick()` (bond top-up, then the outputs L1 lacks, which it can post only for this batch).
 * @returns the posted output, or `{ alreadyProposed: true }`.
 * @throws ParallaxError `OUTPUT_NOT_READY` (retried) while earlier outputs are missing on L1.
 */
export function outputHandler(deps: OutputHandlerDeps): (job: Job<OutputJobData>) => Promise<unknown> {
  const logger = deps.logger ?? silentLogger;
  // The proposer warns for batches past this job's (their blocks are not in the snapshot): expected.
  const quiet: Logger = { ...logger, warn: (m, f) => (m.startsWith('L2 block of batch not in the chain') ? undefined : logger.warn(m, f)) };
  const state = { faultBadRootBatch: deps.faultBadRootBatch };
  return async (job) => {
    sameDeployment('output', job.data.oracle, deps.oracle);
    const index = BigInt(job.data.batchIndex);
    const last = BigInt(job.data.lastBlock);
    const chain = await loadSnapshot(deps.source, last, last);
    const proposer = new Proposer({
      chain,
      publicClient: deps.publicClient,
      walletClient: deps.walletClient,
      oracle: deps.oracle,
      inbox: deps.inbox,
      faultBadRootBatch: state.faultBadRootBatch,
      logger: quiet,
    });
    const posted: PostedOutput[] = await proposer.tick();
    state.faultBadRootBatch = proposer.faultBadRootBatch;
    if (deps.finalize ?? true) {
      await proposer.finalizeReady().catch((err) => logger.warn('finalize failed (next job retries)', { err: String(err) }));
    }
    const mine = posted.find((o) => o.batchIndex === index);
    if (mine !== undefined) return jsonSafe(mine);
    const next = (await deps.publicClient.readContract({ address: deps.oracle, abi: outputOracleAbi(), functionName: 'nextBatchIndex' })) as bigint;
    if (next <= index) throw new ParallaxError('OUTPUT_NOT_READY', `output ${index}: L1 expects output ${next} first`);
    return { alreadyProposed: true };
  };
}

/** A challenger's verdict on one batch (the shape of `parallax_challengerStatus` verdicts). */
export interface VerdictView {
  verdict: 'agree' | 'disagree' | 'pending';
  postedOutputRoot: Hex | null;
  computedOutputRoot: Hex | null;
  challengeTx?: Hex;
  note?: string;
}

/** What a verify handler needs. */
export interface VerifyHandlerDeps {
  /** The local challenger's verdict on batch `i` (undefined when not derived yet). */
  verdictOf: (batchIndex: bigint) => VerdictView | undefined;
  /** Who answers (e.g. host + challenger account), stored in the job result. */
  verifier: string;
  /** How long one attempt waits for the challenger to catch up, ms (default 10,000). */
  waitMs?: number;
  pollMs?: number;
}

/**
 * `parallax:verify` handler: waits (up to `waitMs`) until the local challenger, which derives the
 * chain from L1 alone and challenges wrong outputs itself, has judged the output as proposed
 * (`postedOutputRoot` = the job's root), and returns its verdict.
 * @throws ParallaxError `VERDICT_NOT_READY` (retried with backoff) when it has not.
 */
export function verifyHandler(deps: VerifyHandlerDeps): (job: Job<VerifyJobData>) => Promise<unknown> {
  const waitMs = deps.waitMs ?? 10_000;
  const pollMs = deps.pollMs ?? 200;
  return async (job) => {
    const index = BigInt(job.data.batchIndex);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const v = deps.verdictOf(index);
      if (v !== undefined && v.verdict !== 'pending' && v.postedOutputRoot?.toLowerCase() === job.data.outputRoot.toLowerCase()) {
        return jsonSafe({ ...v, batchIndex: job.data.batchIndex, verifier: deps.verifier });
      }
      if (Date.now() >= deadline) {
        throw new ParallaxError('VERDICT_NOT_READY', `verify ${index}: challenger has no verdict on output ${job.data.outputRoot} yet (${v?.verdict ?? 'not derived'})`);
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  };
}
