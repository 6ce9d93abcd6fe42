/**
 * The L2 chain derived from L1 alone, re-executed on an own state database, independent of the
 * sequencer. Used by the challenger (`DATA_DIR/challenger.sqlite`) and the prover-stub
 * (`DATA_DIR/prover.sqlite`); both must compute bit-identical block hashes and output roots.
 *
 * Per inbox batch, in order (docs/dispute-game.md, "Derivation rules"):
 * - D1: the batch's decoded blocks, or, when its data is invalid or unavailable, one empty block
 *   per L2 block number of the event's range, each one second after its parent
 *   (`deriveFromHead` -> `sequencer/codec/derive.ts` `deriveBlocks`);
 * - D2: every block runs on the reference `SequentialExecutor` through `executeDroppingInvalid`:
 *   a tx the executor rejects is dropped and the block re-run without it;
 * - blocks are sealed with `childEnv`/`sealChild` exactly as the sequencer seals them
 *   (BLOCKHASH ancestors: the 256 most recent derived headers, genesis included).
 *
 * Stored (tables `derived_meta`, `derived_blocks`, `derived_batches`, in the state trie's SQLite
 * file): every derived header with its OP v0 output root and the txs the batch carried for it
 * (genesis is block 0, batch -1), and one row per batch. A batch's blocks and row are committed in
 * one transaction (plus whatever the caller adds, see {@link DerivedChain.apply}), so a restart
 * resumes at a batch boundary. State tries are never pruned, so any block can be re-executed
 * ({@link DerivedChain.reexecute}).
 */
import type Database from 'better-sqlite3';
import { bytesToHex, hexToBytes, type Hex } from 'viem';
import { makeCommon } from '../../sequencer/chain/common.ts';
import type { RollupConfig } from '../../sequencer/chain/config.ts';
import { childEnv, genesisHeader, sealChild, type L2Header } from '../../sequencer/chain/header.ts';
import { computeOutputRoot } from '../../sequencer/codec/output-root.ts';
import { ParallaxError } from '../../sequencer/errors.ts';
import { executeDroppingInvalid } from '../../sequencer/executor/drop-invalid.ts';
import { SequentialExecutor } from '../../sequencer/executor/sequential.ts';
import { StateDb } from '../../sequencer/state/state-db.ts';
import { deriveFromHead, type L1Batch } from './l1.ts';

/** BLOCKHASH reaches back this many blocks. */
const ANCESTORS = 256;

/** One inbox batch as derived here. */
export interface DerivedBatch {
  batchIndex: bigint;
  /** Inclusive L2 block range (from the `BatchAppended` event). */
  firstBlock: bigint;
  lastBlock: bigint;
  /** L1 block and tx of the `appendBatch` call. */
  l1Block: bigint;
  l1TxHash: Hex;
  /** keccak256 of the batch data, from the event (what the dispute game's step commits to). */
  dataHash: Hex;
  /** False when D1 applied (data undecodable, inconsistent with the event, or unavailable). */
  valid: boolean;
  /** Why the data was rejected (`DECODE: ...`, `RANGE: ...`, `TIMESTAMP: ...`), or null. */
  invalidReason: string | null;
  /** Txs dropped by D2 over the whole batch. */
  droppedTxs: number;
  /** State root and OP v0 output root after `lastBlock`. */
  stateRoot: Hex;
  outputRoot: Hex;
}

/** One derived L2 block. */
export interface DerivedBlock {
  header: L2Header;
  /** OP v0 output root of the block. */
  outputRoot: Hex;
  /** The batch it came from (-1n for genesis). */
  batchIndex: bigint;
  /** The txs the batch carried for this block (before D2), EIP-2718 hex. */
  txs: Hex[];
  /** Txs D2 dropped, with the executor's reason. */
  dropped: Array<{ tx: Hex; reason: string }>;
}

/** Result of {@link DerivedChain.reexecute}. */
export interface StepExecution {
  l2BlockNumber: bigint;
  /** Block n-1 (the pre-state) and its output root. */
  pre: { header: L2Header; outputRoot: Hex };
  /** Block n as re-executed now, and its output root. */
  post: { header: L2Header; outputRoot: Hex };
  /** The batch that carries block n. */
  batch: DerivedBatch;
}

function headerToJson(h: L2Header): string {
  const o: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) o[k] = typeof v === 'bigint' ? `n${v.toString()}` : (v as string);
  return JSON.stringify(o);
}

function headerFromJson(s: string): L2Header {
  const o = JSON.parse(s) as Record<string, string>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = v.startsWith('n') ? BigInt(v.slice(1)) : v;
  return out as unknown as L2Header;
}

interface BlockRow {
  number: number;
  batch_index: number;
  header: string;
  output_root: string;
  txs: string;
  dropped: string;
}

interface BatchRow {
  batch_index: number;
  first_block: string;
  last_block: string;
  l1_block: string;
  l1_tx: string;
  data_hash: string;
  valid: number;
  invalid_reason: string | null;
  dropped_txs: number;
  state_root: string;
  output_root: string;
}

function blockFromRow(r: BlockRow): DerivedBlock {
  return {
    header: headerFromJson(r.header),
    outputRoot: r.output_root as Hex,
    batchIndex: BigInt(r.batch_index),
    txs: JSON.parse(r.txs) as Hex[],
    dropped: JSON.parse(r.dropped) as DerivedBlock['dropped'],
  };
}

function batchFromRow(r: BatchRow): DerivedBatch {
  return {
    batchIndex: BigInt(r.batch_index),
    firstBlock: BigInt(r.first_block),
    lastBlock: BigInt(r.last_block),
    l1Block: BigInt(r.l1_block),
    l1TxHash: r.l1_tx as Hex,
    dataHash: r.data_hash as Hex,
    valid: r.valid === 1,
    invalidReason: r.invalid_reason,
    droppedTxs: r.dropped_txs,
    stateRoot: r.state_root as Hex,
    outputRoot: r.output_root as Hex,
  };
}

/** The derivation tables (see module doc) on an open SQLite handle. */
export class DerivedChainDb {
  readonly sqlite: Database.Database;

  /** Creates the tables when missing. */
  constructor(sqlite: Database.Database) {
    this.sqlite = sqlite;
    sqlite.exec(`
      CREATE TABLE IF NOT EXISTS derived_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS derived_blocks (
        number INTEGER PRIMARY KEY,
        batch_index INTEGER NOT NULL,
        header TEXT NOT NULL,
        output_root TEXT NOT NULL,
        txs TEXT NOT NULL,
        dropped TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS derived_batches (
        batch_index INTEGER PRIMARY KEY,
        first_block TEXT NOT NULL,
        last_block TEXT NOT NULL,
        l1_block TEXT NOT NULL,
        l1_tx TEXT NOT NULL,
        data_hash TEXT NOT NULL,
        valid INTEGER NOT NULL,
        invalid_reason TEXT,
        dropped_txs INTEGER NOT NULL,
        state_root TEXT NOT NULL,
        output_root TEXT NOT NULL
      );`);
  }

  getMeta(k: string): string | undefined {
    return (this.sqlite.prepare('SELECT v FROM derived_meta WHERE k = ?').get(k) as { v: string } | undefined)?.v;
  }

  setMeta(k: string, v: string): void {
    this.sqlite.prepare('INSERT OR REPLACE INTO derived_meta (k, v) VALUES (?, ?)').run(k, v);
  }

  putBlock(b: DerivedBlock): void {
    this.sqlite
      .prepare('INSERT OR REPLACE INTO derived_blocks (number, batch_index, header, output_root, txs, dropped) VALUES (?, ?, ?, ?, ?, ?)')
      .run(Number(b.header.number), Number(b.batchIndex), headerToJson(b.header), b.outputRoot, JSON.stringify(b.txs), JSON.stringify(b.dropped));
  }

  putBatch(b: DerivedBatch): void {
    this.sqlite
      .prepare(
        `INSERT OR REPLACE INTO derived_batches (batch_index, first_block, last_block, l1_block, l1_tx, data_hash, valid, invalid_reason,
          dropped_txs, state_root, output_root) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        Number(b.batchIndex),
        b.firstBlock.toString(),
        b.lastBlock.toString(),
        b.l1Block.toString(),
        b.l1TxHash,
        b.dataHash,
        b.valid ? 1 : 0,
        b.invalidReason,
        b.droppedTxs,
        b.stateRoot,
        b.outputRoot,
      );
  }

  block(n: bigint): DerivedBlock | undefined {
    if (n < 0n) return undefined;
    const r = this.sqlite.prepare('SELECT * FROM derived_blocks WHERE number = ?').get(Number(n)) as BlockRow | undefined;
    return r === undefined ? undefined : blockFromRow(r);
  }

  /** Headers `from..to` (inclusive), ascending. */
  headers(from: bigint, to: bigint): L2Header[] {
    const rows = this.sqlite.prepare('SELECT header FROM derived_blocks WHERE number BETWEEN ? AND ? ORDER BY number').all(Number(from), Number(to)) as Array<{ header: string }>;
    return rows.map((r) => headerFromJson(r.header));
  }

  /** The `n` most recent headers, oldest first. */
  recentHeaders(n: number): L2Header[] {
    const rows = this.sqlite.prepare('SELECT header FROM derived_blocks ORDER BY number DESC LIMIT ?').all(n) as Array<{ header: string }>;
    return rows.reverse().map((r) => headerFromJson(r.header));
  }

  batch(i: bigint): DerivedBatch | undefined {
    const r = this.sqlite.prepare('SELECT * FROM derived_batches WHERE batch_index = ?').get(Number(i)) as BatchRow | undefined;
    return r === undefined ? undefined : batchFromRow(r);
  }

  /** All batch rows, by index. */
  batches(): DerivedBatch[] {
    return (this.sqlite.prepare('SELECT * FROM derived_batches ORDER BY batch_index').all() as BatchRow[]).map(batchFromRow);
  }

  lastBatch(): DerivedBatch | undefined {
    const r = this.sqlite.prepare('SELECT * FROM derived_batches ORDER BY batch_index DESC LIMIT 1').get() as BatchRow | undefined;
    return r === undefined ? undefined : batchFromRow(r);
  }

  /** Runs `fn` in one SQLite transaction. */
  transaction(fn: () => void): void {
    this.sqlite.transaction(fn)();
  }
}

/** The derived chain: derivation, execution and lookups (see module doc). */
export class DerivedChain {
  readonly stateDb: StateDb;
  readonly config: RollupConfig;
  readonly db: DerivedChainDb;
  readonly genesis: L2Header;
  private readonly executor: SequentialExecutor;
  /** The most recent derived headers, oldest first, the head last (at most 257). */
  private recent: L2Header[];
  /** Serialises executions (they share the state db's write buffer). */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(stateDb: StateDb, config: RollupConfig, db: DerivedChainDb, genesis: L2Header, recent: L2Header[]) {
    this.stateDb = stateDb;
    this.config = config;
    this.db = db;
    this.genesis = genesis;
    this.executor = new SequentialExecutor(stateDb);
    this.recent = recent;
  }

  /** Opens a state database for `config` at `path` (SQLite file, created if missing). */
  static openStateDb(path: string, config: RollupConfig): StateDb {
    return StateDb.open(path, makeCommon(config.chainId));
  }

  /**
   * Writes the genesis state of `config` into `stateDb` (idempotent) and returns its header.
   */
  static async computeGenesis(stateDb: StateDb, config: RollupConfig): Promise<L2Header> {
    return genesisHeader(config, await stateDb.applyGenesis(config.genesisAlloc));
  }

  /**
   * Opens the derived chain on `stateDb`'s file: resumes from the stored head, or stores the
   * genesis block on first use.
   * @throws ParallaxError `GENESIS_MISMATCH` when the stored genesis is not `config`'s.
   */
  static async open(stateDb: StateDb, config: RollupConfig, db = new DerivedChainDb(stateDb.sqlite)): Promise<DerivedChain> {
    const genesis = await DerivedChain.computeGenesis(stateDb, config);
    const stored = db.block(0n);
    if (stored === undefined) {
      db.putBlock({ header: genesis, outputRoot: computeOutputRoot(genesis.stateRoot, genesis.hash), batchIndex: -1n, txs: [], dropped: [] });
    } else if (stored.header.hash !== genesis.hash) {
      throw new ParallaxError('GENESIS_MISMATCH', `derived chain: stored genesis ${stored.header.hash} is not the config's ${genesis.hash}`);
    }
    return new DerivedChain(stateDb, config, db, genesis, db.recentHeaders(ANCESTORS + 1));
  }

  /** The derived L2 head. */
  get head(): L2Header {
    return this.recent[this.recent.length - 1]!;
  }

  /** Output root of L2 block 0 (the deployment's `genesisOutputRoot`). */
  get genesisOutputRoot(): Hex {
    return computeOutputRoot(this.genesis.stateRoot, this.genesis.hash);
  }

  /** Derived block `n` (0 = genesis), or undefined when not derived (yet). */
  block(n: bigint): DerivedBlock | undefined {
    return this.db.block(n);
  }

  /** Header of derived block `n`, or undefined. */
  header(n: bigint): L2Header | undefined {
    return this.db.block(n)?.header;
  }

  /** OP v0 output root of derived block `n`, or undefined when not derived (yet). */
  outputRoot(n: bigint): Hex | undefined {
    return this.db.block(n)?.outputRoot;
  }

  /** Derived batch `i`, or undefined. */
  batch(i: bigint): DerivedBatch | undefined {
    return this.db.batch(i);
  }

  /** All derived batches, by index. */
  batches(): DerivedBatch[] {
    return this.db.batches();
  }

  /** The last derived batch, or undefined. */
  lastBatch(): DerivedBatch | undefined {
    return this.db.lastBatch();
  }

  /** The batch that carries block `n` (n >= 1), or undefined when not derived. */
  batchOfBlock(n: bigint): DerivedBatch | undefined {
    const b = this.db.block(n);
    return b === undefined || b.batchIndex < 0n ? undefined : this.db.batch(b.batchIndex);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Derives (D1) and executes (D2) one L1 batch on top of the head and stores its blocks and row
   * in one transaction, together with whatever `inTx` writes (the challenger's verdict row).
   * @throws ParallaxError `DERIVATION_GAP` when the batch does not continue the derived chain;
   *   errors other than rejected txs (database failures, ...): nothing is stored then, the batch
   *   can be retried.
   */
  apply(batch: L1Batch, inTx?: (b: DerivedBatch) => void): Promise<DerivedBatch> {
    return this.exclusive(async () => {
      const derived = deriveFromHead(batch, this.head);
      const fresh: DerivedBlock[] = [];
      let chain = this.recent;
      let droppedTxs = 0;
      for (const b of derived.blocks) {
        const parent = chain[chain.length - 1]!;
        const ancestors = chain.slice(-ANCESTORS).map((h): [bigint, Hex] => [h.number, h.hash]);
        const env = childEnv(this.config, parent, b.timestamp, ancestors);
        const exec = await executeDroppingInvalid(this.executor, parent.stateRoot, env, b.txs.map((t) => hexToBytes(t)));
        const header = await sealChild(this.config, env, exec.txs, exec.result);
        droppedTxs += exec.dropped.length;
        fresh.push({
          header,
          outputRoot: computeOutputRoot(header.stateRoot, header.hash),
          batchIndex: batch.batchIndex,
          txs: b.txs,
          dropped: exec.dropped.map((d) => ({ tx: bytesToHex(d.raw), reason: d.reason })),
        });
        chain = [...chain, header].slice(-(ANCESTORS + 1));
      }
      const last = fresh[fresh.length - 1]!;
      const rec: DerivedBatch = {
        batchIndex: batch.batchIndex,
        firstBlock: batch.firstBlock,
        lastBlock: batch.lastBlock,
        l1Block: batch.l1Block,
        l1TxHash: batch.l1TxHash,
        dataHash: batch.dataHash,
        valid: derived.invalid === null,
        invalidReason: derived.invalid === null ? null : `${derived.invalid.reason}: ${derived.invalid.message}`,
        droppedTxs,
        stateRoot: last.header.stateRoot,
        outputRoot: last.outputRoot,
      };
      this.db.transaction(() => {
        for (const b of fresh) this.db.putBlock(b);
        this.db.putBatch(rec);
        inTx?.(rec);
      });
      this.recent = chain;
      return rec;
    });
  }

  /**
   * Re-executes derived block `n` (n >= 1) on the stored state of block n-1, from the txs its
   * batch carried (D2 applied again), and checks the result against the stored header.
   * @throws ParallaxError `BLOCK_NOT_DERIVED` when `n` is 0 or not derived yet;
   *   `REEXECUTION_MISMATCH` when re-execution gives another block hash than derivation did.
   */
  reexecute(n: bigint): Promise<StepExecution> {
    return this.exclusive(async () => {
      const block = n >= 1n ? this.db.block(n) : undefined;
      const pre = n >= 1n ? this.db.block(n - 1n) : undefined;
      const batch = block === undefined ? undefined : this.db.batch(block.batchIndex);
      if (block === undefined || pre === undefined || batch === undefined) {
        throw new ParallaxError('BLOCK_NOT_DERIVED', `L2 block ${n} is not derived yet (derived head ${this.head.number})`);
      }
      const ancestors = this.db.headers(n - BigInt(ANCESTORS) < 0n ? 0n : n - BigInt(ANCESTORS), n - 1n).map((h): [bigint, Hex] => [h.number, h.hash]);
      const env = childEnv(this.config, pre.header, block.header.timestamp, ancestors);
      const exec = await executeDroppingInvalid(this.executor, pre.header.stateRoot, env, block.txs.map((t) => hexToBytes(t)));
      const header = await sealChild(this.config, env, exec.txs, exec.result);
      if (header.hash !== block.header.hash) {
        throw new ParallaxError('REEXECUTION_MISMATCH', `L2 block ${n}: re-execution gives block hash ${header.hash}, derivation gave ${block.header.hash}`);
      }
      return {
        l2BlockNumber: n,
        pre: { header: pre.header, outputRoot: pre.outputRoot },
        post: { header, outputRoot: computeOutputRoot(header.stateRoot, header.hash) },
        batch,
      };
    });
  }

  /** Releases the executor (the state db stays open; its owner closes it). */
  async close(): Promise<void> {
    await this.queue;
    await this.executor.close();
  }
}
