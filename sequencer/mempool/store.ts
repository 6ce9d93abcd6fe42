/**
 * SQLite persistence of the mempool (better-sqlite3), so that admitted txs survive a restart.
 *
 * Table `mempool(hash TEXT PRIMARY KEY, raw BLOB, arrival INTEGER)`; the caller opens the
 * database and sets WAL mode / busy_timeout. All calls are synchronous.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Hex } from 'viem';
import type { MempoolStore, StoredMempoolTx } from './types.ts';

/** {@link MempoolStore} over a better-sqlite3 database (creates its table if missing). */
export class SqliteMempoolStore implements MempoolStore {
  readonly #put: Statement<[string, Buffer, number]>;
  readonly #del: Statement<[string]>;
  readonly #all: Statement<[], { hash: string; raw: Buffer; arrival: number }>;
  readonly #deleteMany: (hashes: Hex[]) => void;

  constructor(db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS mempool (
      hash TEXT PRIMARY KEY NOT NULL,
      raw BLOB NOT NULL,
      arrival INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.#put = db.prepare('INSERT OR REPLACE INTO mempool (hash, raw, arrival) VALUES (?, ?, ?)');
    this.#del = db.prepare('DELETE FROM mempool WHERE hash = ?');
    this.#all = db.prepare('SELECT hash, raw, arrival FROM mempool ORDER BY arrival, hash');
    this.#deleteMany = db.transaction((hashes: Hex[]) => {
      for (const h of hashes) this.#del.run(h.toLowerCase());
    });
  }

  /** Inserts (or overwrites) one tx. `arrival`: the mempool's arrival key (ms). */
  put(hash: Hex, raw: Hex, arrival: number): void {
    this.#put.run(hash.toLowerCase(), Buffer.from(raw.slice(2), 'hex'), arrival);
  }

  /** Deletes txs by hash in one transaction; unknown hashes are ignored. */
  delete(hashes: Hex[]): void {
    if (hashes.length > 0) this.#deleteMany(hashes);
  }

  /** All stored txs, oldest arrival first. */
  all(): StoredMempoolTx[] {
    return this.#all.all().map((r) => ({ hash: r.hash as Hex, raw: `0x${r.raw.toString('hex')}` as Hex, arrival: Number(r.arrival) }));
  }
}

/** In-memory {@link MempoolStore} (tests, or a node run without durability). */
export class MemoryMempoolStore implements MempoolStore {
  readonly rows = new Map<Hex, StoredMempoolTx>();
  /** Inserts (or overwrites) one tx. */
  put(hash: Hex, raw: Hex, arrival: number): void {
    this.rows.set(hash.toLowerCase() as Hex, { hash: hash.toLowerCase() as Hex, raw, arrival });
  }
  /** Deletes txs by hash. */
  delete(hashes: Hex[]): void {
    for (const h of hashes) this.rows.delete(h.toLowerCase() as Hex);
  }
  /** All txs, oldest arrival first. */
  all(): StoredMempoolTx[] {
    return [...this.rows.values()].sort((a, b) => a.arrival - b.arrival);
  }
}
