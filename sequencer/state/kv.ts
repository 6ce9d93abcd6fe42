/**
 * A key-value store for Merkle-Patricia trie nodes and contract code, in one SQLite table,
 * implementing the ethereumjs `DB` interface that `@ethereumjs/mpt` writes through.
 *
 * Writes are buffered in memory and written in one transaction by {@link SqliteKv.flush}, so a
 * block's trie nodes land together. Nodes are content-addressed (key = keccak256 of the node) and
 * never deleted (no pruning): every historical state root stays readable, and extra nodes left by
 * a crash between flush and block commit are harmless.
 *
 * Read-only instances (workers, RPC readers) keep a bounded cache of nodes; the cache can never be
 * stale because a key's value never changes.
 */
import Database from 'better-sqlite3';
import type { BatchDBOp, DB, EncodingOpts } from '@ethereumjs/util';

type Value = Uint8Array | string;

/** Opens (creating if needed) a SQLite database in WAL mode with the pragmas parallax uses. */
export function openSqlite(path: string, opts: { readonly?: boolean } = {}): Database.Database {
  const db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a committed transaction survives a process crash (kill -9); only an OS crash
    // or power loss can lose the last transactions. See README "Durability".
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('busy_timeout = 5000');
  return db;
}

export class SqliteKv implements DB<string, Value> {
  readonly db: Database.Database;
  readonly readonly: boolean;
  private readonly buffer = new Map<string, Value | null>();
  private readonly cache = new Map<string, Value>();
  private readonly cacheLimit: number;
  private readonly getStmt: Database.Statement<[string], { v: Buffer | string }>;
  private readonly putStmt?: Database.Statement<[string, Buffer | string]>;
  private readonly delStmt?: Database.Statement<[string]>;

  /**
   * @param db an open database (see {@link openSqlite}); the table `kv` is created when writable.
   * @param opts.cacheEntries read cache size in entries (default 200,000).
   */
  constructor(db: Database.Database, opts: { cacheEntries?: number } = {}) {
    this.db = db;
    this.readonly = db.readonly;
    this.cacheLimit = opts.cacheEntries ?? 200_000;
    if (!this.readonly) db.exec('CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID');
    this.getStmt = db.prepare('SELECT v FROM kv WHERE k = ?');
    if (!this.readonly) {
      this.putStmt = db.prepare('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)');
      this.delStmt = db.prepare('DELETE FROM kv WHERE k = ?');
    }
  }

  async get(key: string, _opts?: EncodingOpts): Promise<Value | undefined> {
    return this.getSync(key);
  }

  /** Synchronous read (buffer, cache, then SQLite). */
  getSync(key: string): Value | undefined {
    const buffered = this.buffer.get(key);
    if (buffered !== undefined) return buffered ?? undefined;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const row = this.getStmt.get(key);
    if (row === undefined) return undefined;
    const v = typeof row.v === 'string' ? row.v : new Uint8Array(row.v.buffer, row.v.byteOffset, row.v.byteLength);
    if (this.cache.size >= this.cacheLimit) this.cache.clear();
    this.cache.set(key, v);
    return v;
  }

  async put(key: string, val: Value, _opts?: EncodingOpts): Promise<void> {
    this.buffer.set(key, val);
  }

  async del(key: string, _opts?: EncodingOpts): Promise<void> {
    this.buffer.set(key, null);
    this.cache.delete(key);
  }

  async batch(ops: BatchDBOp<string, Value>[]): Promise<void> {
    for (const op of ops) {
      if (op.type === 'put') this.buffer.set(op.key, op.value);
      else {
        this.buffer.set(op.key, null);
        this.cache.delete(op.key);
      }
    }
  }

  shallowCopy(): DB<string, Value> {
    return this;
  }

  async open(): Promise<void> {}

  /** Number of buffered, unflushed writes. */
  get pending(): number {
    return this.buffer.size;
  }

  /**
   * Writes buffered writes to SQLite in one transaction (nested in the caller's transaction if one
   * is open) and moves them to the read cache.
   * @throws Error on a read-only instance with pending writes.
   */
  flush(): void {
    if (this.buffer.size === 0) return;
    if (this.putStmt === undefined || this.delStmt === undefined) throw new Error('SqliteKv: read-only');
    const put = this.putStmt;
    const del = this.delStmt;
    this.db.transaction(() => {
      for (const [k, v] of this.buffer) {
        if (v === null) del.run(k);
        else put.run(k, typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));
      }
    })();
    for (const [k, v] of this.buffer) if (v !== null) this.cache.set(k, v);
    this.buffer.clear();
  }

  /** Drops unflushed writes (after a failed block). */
  discard(): void {
    this.buffer.clear();
  }
}
