/**
 * Re-execution of the L2 chain from derived batches, independent of the sequencer: the
 * challenger's own state database (`DATA_DIR/challenger.sqlite`) starts from the rollup config's
 * genesis, and every derived block is executed with the reference {@link SequentialExecutor} and
 * sealed with `childEnv`/`sealChild` exactly as the sequencer seals it, so block hashes, state
 * roots and output roots must match the sequencer's bit for bit when both are honest.
 *
 * BLOCKHASH ancestors: the env of block N carries the hashes of blocks max(0, N-256)..N-1
 * (genesis included), from the table of recent derived headers.
 *
 * A batch whose blocks fail to execute (`InvalidTransactionError`: undecodable tx, bad nonce,
 * insufficient funds, block gas exceeded) is invalid as a whole, like a batch the derivation rule
 * rejects: none of its blocks is kept and the derived head stays where it was.
 */
import { hexToBytes, type Hex } from 'viem';
import { makeCommon } from '../sequencer/chain/common.ts';
import type { RollupConfig } from '../sequencer/chain/config.ts';
import { childEnv, genesisHeader, sealChild, type L2Header } from '../sequencer/chain/header.ts';
import { computeOutputRoot } from '../sequencer/codec/output-root.ts';
import { InvalidTransactionError } from '../sequencer/errors.ts';
import { SequentialExecutor } from '../sequencer/executor/sequential.ts';
import { StateDb } from '../sequencer/state/state-db.ts';
import { type BatchRecord, ChallengerDb, KEEP_HEADERS } from './db.ts';
import { deriveFromHead, type L1Batch } from './derive.ts';

/**
 * Writes the genesis state of `config` into `stateDb` (idempotent) and returns its header.
 */
export async function computeGenesis(stateDb: StateDb, config: RollupConfig): Promise<L2Header> {
  return genesisHeader(config, await stateDb.applyGenesis(config.genesisAlloc));
}

export class Verifier {
  readonly stateDb: StateDb;
  readonly config: RollupConfig;
  readonly db: ChallengerDb;
  private readonly executor: SequentialExecutor;
  /** Recent derived headers, oldest first, the head last (at most {@link KEEP_HEADERS}). */
  private recent: L2Header[];

  private constructor(stateDb: StateDb, config: RollupConfig, db: ChallengerDb, recent: L2Header[]) {
    this.stateDb = stateDb;
    this.config = config;
    this.db = db;
    this.executor = new SequentialExecutor(stateDb);
    this.recent = recent;
  }

  /**
   * Opens the verifier on the challenger's database: resumes from the stored head, or writes the
   * genesis state and header on first use.
   */
  static async open(stateDb: StateDb, config: RollupConfig, db: ChallengerDb): Promise<Verifier> {
    let recent = db.recentHeaders();
    if (recent.length === 0) {
      const g = await computeGenesis(stateDb, config);
      db.putGenesis(g);
      recent = [g];
    }
    return new Verifier(stateDb, config, db, recent);
  }

  /** Opens a state database for `config` at `path`. */
  static openStateDb(path: string, config: RollupConfig): StateDb {
    return StateDb.open(path, makeCommon(config.chainId));
  }

  /** The derived L2 head. */
  get head(): L2Header {
    return this.recent[this.recent.length - 1]!;
  }

  /**
   * Derives and re-executes one L1 batch on top of the head, stores the new headers and the
   * batch's row (verdict `pending`) in one transaction, and returns the row.
   * @throws errors other than invalid data/transactions (e.g. database failures); nothing is
   *   stored then, so the batch can be retried.
   */
  async verify(batch: L1Batch): Promise<BatchRecord> {
    const rec: BatchRecord = {
      batchIndex: batch.batchIndex,
      firstBlock: batch.firstBlock,
      lastBlock: batch.lastBlock,
      l1Block: batch.l1Block,
      l1TxHash: batch.l1TxHash,
      valid: false,
      invalidReason: null,
      computedStateRoot: null,
      computedOutputRoot: null,
      verdict: 'pending',
      postedStateRoot: null,
      postedOutputRoot: null,
      challengeTx: null,
      note: null,
    };
    const derived = deriveFromHead(batch, this.head);
    const fresh: L2Header[] = [];
    if (!derived.valid) {
      rec.invalidReason = `${derived.reason}: ${derived.message}`;
    } else {
      try {
        for (const b of derived.blocks) {
          const chain = [...this.recent, ...fresh];
          const parent = chain[chain.length - 1]!;
          const ancestors = chain.slice(-256).map((h): [bigint, Hex] => [h.number, h.hash]);
          const env = childEnv(this.config, parent, b.timestamp, ancestors);
          const txs = b.txs.map((t) => hexToBytes(t));
          const res = await this.executor.executeBlock(parent.stateRoot, env, txs);
          fresh.push(await sealChild(this.config, env, txs, res));
        }
        const last = fresh[fresh.length - 1]!;
        rec.valid = true;
        rec.computedStateRoot = last.stateRoot;
        rec.computedOutputRoot = computeOutputRoot(last.stateRoot, last.hash);
      } catch (err) {
        if (!(err instanceof InvalidTransactionError)) throw err;
        rec.invalidReason = `EXECUTION: L2 block ${batch.firstBlock + BigInt(fresh.length)}: ${err.message}`;
        fresh.length = 0;
      }
    }
    this.db.commitBatch(fresh, rec);
    if (fresh.length > 0) this.recent = [...this.recent, ...fresh].slice(-KEEP_HEADERS);
    return rec;
  }

  async close(): Promise<void> {
    await this.executor.close();
  }
}
