/**
 * Following L1: opening a derived chain for one L1 deployment (wiping it when it belongs to
 * another) and feeding it the inbox's new batches, in order.
 */
import { rmSync } from 'node:fs';
import type { Hex, PublicClient } from 'viem';
import type { RollupConfig } from '../../sequencer/chain/config.ts';
import { ParallaxError } from '../../sequencer/errors.ts';
import { batchInboxAbi, type RollupAddresses } from '../../sequencer/l1/contracts.ts';
import type { StateDb } from '../../sequencer/state/state-db.ts';
import type { Logger } from '../log.ts';
import { DerivedChain, DerivedChainDb, type DerivedBatch } from './chain.ts';
import { L1BatchReader } from './l1.ts';

/** Bumped when the tables change: an older file is wiped and re-derived. */
export const DERIVATION_SCHEMA = 2;

/** Options of {@link openDerivedChain}. */
export interface OpenDerivedChainOptions {
  publicClient: PublicClient;
  addresses: RollupAddresses;
  /** The SQLite file (state trie + derivation tables + the caller's tables). */
  path: string;
  config: RollupConfig;
  logger: Logger;
}

/** An opened derived chain. */
export interface OpenedDerivedChain {
  stateDb: StateDb;
  chain: DerivedChain;
  /** True when the file belonged to another deployment, L1 history or genesis and was deleted. */
  wiped: boolean;
  /** Hash of L1 block `addresses.deployedAtBlock` now (pass it to {@link L1Follower}). */
  deployBlockHash: Hex;
}

/**
 * Opens the derived chain at `path` for this deployment.
 *
 * The file records which deployment it was derived from (schema version, inbox and oracle
 * addresses, `deployedAtBlock` and that L1 block's hash, L1 chain id, L2 genesis hash). When any
 * differs, or its last batch is no longer in the inbox at the same L1 block (the in-memory Hardhat
 * L1 restarted and the contracts were redeployed, possibly at the same addresses), the file is
 * deleted and everything is re-derived from L1.
 * @throws viem errors (L1 unreachable); database errors.
 */
export async function openDerivedChain(opts: OpenDerivedChainOptions): Promise<OpenedDerivedChain> {
  const { publicClient, addresses: a, path, config, logger } = opts;
  const open = async () => {
    const stateDb = DerivedChain.openStateDb(path, config);
    try {
      const db = new DerivedChainDb(stateDb.sqlite);
      const genesis = await DerivedChain.computeGenesis(stateDb, config);
      return { stateDb, db, genesis };
    } catch (err) {
      stateDb.close();
      throw err;
    }
  };
  let { stateDb, db, genesis } = await open();
  let deployBlockHash: Hex;
  try {
    deployBlockHash = (await publicClient.getBlock({ blockNumber: a.deployedAtBlock })).hash;
  } catch (err) {
    stateDb.close();
    throw err;
  }
  const identity = JSON.stringify({
    schema: DERIVATION_SCHEMA,
    batchInbox: a.batchInbox.toLowerCase(),
    outputOracle: a.outputOracle.toLowerCase(),
    deployedAtBlock: a.deployedAtBlock.toString(),
    deployBlockHash,
    l1ChainId: a.l1ChainId,
    l2Genesis: genesis.hash,
  });
  const stored = db.getMeta('identity');
  const hasBlocks = db.block(0n) !== undefined;
  let wiped = false;
  const stale = (stored === undefined && hasBlocks) || (stored !== undefined && (stored !== identity || !(await lastBatchStillOnL1(publicClient, a, db))));
  if (stale) {
    logger.warn('database belongs to another L1 deployment, L1 history or genesis; wiping and re-deriving from L1', { path, stored, now: identity });
    stateDb.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    ({ stateDb, db, genesis } = await open());
    wiped = true;
  }
  db.setMeta('identity', identity);
  try {
    const chain = await DerivedChain.open(stateDb, config, db);
    return { stateDb, chain, wiped, deployBlockHash };
  } catch (err) {
    stateDb.close();
    throw err;
  }
}

/** Whether the last batch recorded in `db` is still in the inbox, appended in the same L1 block. */
async function lastBatchStillOnL1(publicClient: PublicClient, a: RollupAddresses, db: DerivedChainDb): Promise<boolean> {
  const last = db.lastBatch();
  if (last === undefined) return true;
  const abi = batchInboxAbi();
  const count = (await publicClient.readContract({ address: a.batchInbox, abi, functionName: 'batchCount' })) as bigint;
  if (count <= last.batchIndex) return false;
  const b = (await publicClient.readContract({ address: a.batchInbox, abi, functionName: 'getBatch', args: [last.batchIndex] })) as {
    firstBlock: bigint;
    lastBlock: bigint;
    l1Block: bigint;
  };
  return b.l1Block === last.l1Block && b.firstBlock === last.firstBlock && b.lastBlock === last.lastBlock;
}

/** Options of {@link L1Follower}. */
export interface L1FollowerOptions {
  publicClient: PublicClient;
  addresses: RollupAddresses;
  chain: DerivedChain;
  /**
   * Hash of L1 block `deployedAtBlock` when the chain was opened; {@link L1Follower.sync} fails
   * with `L1_RESET` when the L1 no longer has it.
   */
  deployBlockHash?: Hex;
  logger: Logger;
}

/** Feeds a {@link DerivedChain} the inbox's batches, from an L1 cursor stored with the chain. */
export class L1Follower {
  readonly publicClient: PublicClient;
  readonly addresses: RollupAddresses;
  readonly chain: DerivedChain;
  readonly deployBlockHash: Hex | undefined;
  readonly logger: Logger;
  private readonly reader: L1BatchReader;

  constructor(opts: L1FollowerOptions) {
    this.publicClient = opts.publicClient;
    this.addresses = opts.addresses;
    this.chain = opts.chain;
    this.deployBlockHash = opts.deployBlockHash;
    this.logger = opts.logger;
    this.reader = new L1BatchReader({ publicClient: this.publicClient, inbox: this.addresses.batchInbox });
  }

  /**
   * Reads batches appended since the last scan and derives + executes each, in order
   * ({@link DerivedChain.apply}; `inTx` runs inside each batch's commit).
   * @returns the batches derived now.
   * @throws viem errors for RPC failures (retry); ParallaxError `BATCH_GAP` if L1 skipped a batch
   *   index, `L1_RESET` when the L1 block of the deployment changed (reopen with
   *   {@link openDerivedChain}: it wipes and re-derives).
   */
  async sync(inTx?: (b: DerivedBatch) => void): Promise<DerivedBatch[]> {
    const meta = this.chain.db;
    const cursor = BigInt(meta.getMeta('l1Cursor') ?? this.addresses.deployedAtBlock.toString());
    const latest = await this.publicClient.getBlockNumber();
    if (this.deployBlockHash !== undefined) {
      const now = latest < this.addresses.deployedAtBlock ? null : (await this.publicClient.getBlock({ blockNumber: this.addresses.deployedAtBlock })).hash;
      if (now !== this.deployBlockHash) {
        throw new ParallaxError('L1_RESET', `L1 block ${this.addresses.deployedAtBlock} is no longer the deployment block (L1 restarted?); restart to re-derive`);
      }
    }
    if (cursor > latest) return [];
    const batches = await this.reader.read(cursor, latest);
    let last = this.chain.lastBatch()?.batchIndex ?? -1n;
    const done: DerivedBatch[] = [];
    for (const b of batches) {
      if (b.batchIndex <= last) continue;
      if (b.batchIndex !== last + 1n) throw new ParallaxError('BATCH_GAP', `batch ${b.batchIndex} after ${last}`);
      const rec = await this.chain.apply(b, inTx);
      last = b.batchIndex;
      done.push(rec);
      const fields = { batchIndex: rec.batchIndex, firstBlock: rec.firstBlock, lastBlock: rec.lastBlock, outputRoot: rec.outputRoot };
      if (!rec.valid) this.logger.warn('batch INVALID: derived as empty blocks (rule D1)', { ...fields, reason: rec.invalidReason });
      else if (rec.droppedTxs > 0) this.logger.warn('batch derived; txs dropped (rule D2)', { ...fields, droppedTxs: rec.droppedTxs });
      else this.logger.info('batch derived', fields);
    }
    meta.setMeta('l1Cursor', (latest + 1n).toString());
    return done;
  }
}
