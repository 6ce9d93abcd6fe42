/**
 * The challenger's own tables, in the same SQLite file as its state trie
 * (`DATA_DIR/challenger.sqlite`, opened through `StateDb`):
 *
 * - `challenger_meta(k, v)`: which L1 deployment and L2 genesis the file belongs to, and the
 *   L1 scan cursor;
 * - `challenger_headers(number, header)`: derived L2 headers (JSON), pruned to the last
 *   {@link KEEP_HEADERS} (BLOCKHASH ancestors + the head to resume from);
 * - `challenger_batches(...)`: one row per inbox batch: derivation result, computed output,
 *   the proposer's posted output, the verdict and the challenge tx.
 *
 * A batch's headers and its row are written in one transaction, so a restart resumes at a batch
 * boundary.
 */
import type Database from 'better-sqlite3';
import type { Hex } from 'viem';
import type { L2Header } from '../sequencer/chain/header.ts';

/** Headers kept: 256 BLOCKHASH ancestors plus the head. */
export const KEEP_HEADERS = 257;

/** The challenger's judgement of one batch's output. */
export type Verdict = 'pending' | 'agree' | 'disagree';

/** One inbox batch as the challenger saw it. */
export interface BatchRecord {
  batchIndex: bigint;
  firstBlock: bigint;
  lastBlock: bigint;
  /** L1 block and tx of the `appendBatch` call. */
  l1Block: bigint;
  l1TxHash: Hex;
  /** Whether the derivation rule accepted the batch and its blocks executed. */
  valid: boolean;
  /** Why not, when invalid (derivation reason or execution error). */
  invalidReason: string | null;
  /** State root and v0 output root after `lastBlock` as re-executed here; null if invalid. */
  computedStateRoot: Hex | null;
  computedOutputRoot: Hex | null;
  verdict: Verdict;
  /** What the proposer posted to `OutputOracle` (null until proposed). */
  postedStateRoot: Hex | null;
  postedOutputRoot: Hex | null;
  /** L1 tx of the `challenge` call that froze this output, when there is one. */
  challengeTx: Hex | null;
  /** Free-form remark (e.g. "challenged by 0x..", "window closed"). */
  note: string | null;
}

type HeaderJson = Record<keyof L2Header, string>;

function headerToJson(h: L2Header): string {
  const o: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) o[k] = typeof v === 'bigint' ? `n${v.toString()}` : (v as string);
  return JSON.stringify(o);
}

function headerFromJson(s: string): L2Header {
  const o = JSON.parse(s) as HeaderJson;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = v.startsWith('n') ? BigInt(v.slice(1)) : v;
  return out as unknown as L2Header;
}

interface BatchRow {
  batch_index: number;
  first_block: string;
  last_block: string;
  l1_block: string;
  l1_tx: string;
  valid: number;
  invalid_reason: string | null;
  computed_state_root: string | null;
  computed_output_root: string | null;
  verdict: string;
  posted_state_root: string | null;
  posted_output_root: string | null;
  challenge_tx: string | null;
  note: string | null;
}

function fromRow(r: BatchRow): BatchRecord {
  return {
    batchIndex: BigInt(r.batch_index),
    firstBlock: BigInt(r.first_block),
    lastBlock: BigInt(r.last_block),
    l1Block: BigInt(r.l1_block),
    l1TxHash: r.l1_tx as Hex,
    valid: r.valid === 1,
    invalidReason: r.invalid_reason,
    computedStateRoot: r.computed_state_root as Hex | null,
    computedOutputRoot: r.computed_output_root as Hex | null,
    verdict: r.verdict as Verdict,
    postedStateRoot: r.posted_state_root as Hex | null,
    postedOutputRoot: r.posted_output_root as Hex | null,
    challengeTx: r.challenge_tx as Hex | null,
    note: r.note,
  };
}

export class ChallengerDb {
  readonly sqlite: Database.Database;

  /** Creates the tables when missing. */
  constructor(sqlite: Database.Database) {
    this.sqlite = sqlite;
    sqlite.exec(`
      CREATE TABLE IF NOT EXISTS challenger_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS challenger_headers (number INTEGER PRIMARY KEY, header TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS challenger_batches (
        batch_index INTEGER PRIMARY KEY,
        first_block TEXT NOT NULL,
        last_block TEXT NOT NULL,
        l1_block TEXT NOT NULL,
        l1_tx TEXT NOT NULL,
        valid INTEGER NOT NULL,
        invalid_reason TEXT,
        computed_state_root TEXT,
        computed_output_root TEXT,
        verdict TEXT NOT NULL,
        posted_state_root TEXT,
        posted_output_root TEXT,
        challenge_tx TEXT,
        note TEXT
      );`);
  }

  getMeta(k: string): string | undefined {
    return (this.sqlite.prepare('SELECT v FROM challenger_meta WHERE k = ?').get(k) as { v: string } | undefined)?.v;
  }

  setMeta(k: string, v: string): void {
    this.sqlite.prepare('INSERT OR REPLACE INTO challenger_meta (k, v) VALUES (?, ?)').run(k, v);
  }

  /** The `n` most recent headers, oldest first. */
  recentHeaders(n = KEEP_HEADERS): L2Header[] {
    const rows = this.sqlite.prepare('SELECT header FROM challenger_headers ORDER BY number DESC LIMIT ?').all(n) as Array<{ header: string }>;
    return rows.reverse().map((r) => headerFromJson(r.header));
  }

  /**
   * Atomically stores a batch's new headers (may be empty for an invalid batch) and its row,
   * pruning headers older than {@link KEEP_HEADERS} below the new head.
   */
  commitBatch(headers: L2Header[], rec: BatchRecord): void {
    const putHeader = this.sqlite.prepare('INSERT OR REPLACE INTO challenger_headers (number, header) VALUES (?, ?)');
    this.sqlite.transaction(() => {
      for (const h of headers) putHeader.run(Number(h.number), headerToJson(h));
      if (headers.length > 0) {
        const head = Number(headers[headers.length - 1]!.number);
        this.sqlite.prepare('DELETE FROM challenger_headers WHERE number < ?').run(head - KEEP_HEADERS + 1);
      }
      this.putBatch(rec);
    })();
  }

  /** Stores the genesis header (first start). */
  putGenesis(h: L2Header): void {
    this.sqlite.prepare('INSERT OR REPLACE INTO challenger_headers (number, header) VALUES (?, ?)').run(Number(h.number), headerToJson(h));
  }

  /** Inserts or replaces a batch row. */
  putBatch(r: BatchRecord): void {
    this.sqlite
      .prepare(
        `INSERT OR REPLACE INTO challenger_batches (batch_index, first_block, last_block, l1_block, l1_tx, valid, invalid_reason,
          computed_state_root, computed_output_root, verdict, posted_state_root, posted_output_root, challenge_tx, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        Number(r.batchIndex),
        r.firstBlock.toString(),
        r.lastBlock.toString(),
        r.l1Block.toString(),
        r.l1TxHash,
        r.valid ? 1 : 0,
        r.invalidReason,
        r.computedStateRoot,
        r.computedOutputRoot,
        r.verdict,
        r.postedStateRoot,
        r.postedOutputRoot,
        r.challengeTx,
        r.note,
      );
  }

  /** All batch rows, by index. */
  batches(): BatchRecord[] {
    return (this.sqlite.prepare('SELECT * FROM challenger_batches ORDER BY batch_index').all() as BatchRow[]).map(fromRow);
  }

  /** Rows still to judge or to challenge: pending, or disagree without a landed challenge or a final note. */
  openBatches(): BatchRecord[] {
    return (
      this.sqlite
        .prepare("SELECT * FROM challenger_batches WHERE verdict = 'pending' OR (verdict = 'disagree' AND challenge_tx IS NULL AND note IS NULL) ORDER BY batch_index")
        .all() as BatchRow[]
    ).map(fromRow);
  }

  /** Index of the last batch recorded, or -1n. */
  lastBatchIndex(): bigint {
    const r = this.sqlite.prepare('SELECT MAX(batch_index) AS m FROM challenger_batches').get() as { m: number | null };
    return r.m === null ? -1n : BigInt(r.m);
  }
}
