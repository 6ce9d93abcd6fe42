/**
 * The sealed L2 chain in SQLite: headers, transactions, receipts, logs and per-block execution
 * stats. One `commitBlock` call writes a whole block (and the state trie nodes flushed with it,
 * and the removal of its txs from the persisted mempool) in one transaction, so after a crash
 * the node sees either the whole block or none of it.
 *
 * Tables live in the sequencer's SQLite file next to the state `kv` table and the `mempool`
 * table.
 */
import type Database from 'better-sqlite3';
import { bytesToHex, type Hex } from 'viem';
import type { L2Header } from '../chain/header.ts';
import type { L2ChainReader } from '../chain/reader.ts';
import type { ExecutionStats, TxReceipt } from '../executor/types.ts';
import type { LogFilter, StoredLog, StoredReceipt, StoredTx } from '../rpc/backend.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, header TEXT NOT NULL, size INTEGER NOT NULL, stats TEXT);
CREATE TABLE IF NOT EXISTS txs (hash TEXT PRIMARY KEY, block_number INTEGER NOT NULL, idx INTEGER NOT NULL, raw BLOB NOT NULL, sender TEXT NOT NULL, receipt TEXT NOT NULL, first_log INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS txs_block ON txs (block_number, idx);
CREATE TABLE IF NOT EXISTS logs (block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, tx_hash TEXT NOT NULL, tx_index INTEGER NOT NULL, address TEXT NOT NULL, topic0 TEXT, topic1 TEXT, topic2 TEXT, topic3 TEXT, topics TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (block_number, log_index));
CREATE INDEX IF NOT EXISTS logs_address ON logs (address, block_number);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
const unjson = <T>(s: string): T =>
  JSON.parse(s, (_k, x) => (typeof x === 'string' && /^-?\d+n$/.test(x) ? BigInt(x.slice(0, -1)) : x)) as T;

/** A stored block as re-execution input (see {@link ChainStore.blocksAfter}). */
export interface ReplayBlock {
  number: bigint;
  /** Unix seconds. */
  timestamp: bigint;
  txs: Array<{ raw: Hex; sender: Hex }>;
}

/** A block as the builder hands it to the store. */
export interface SealedBlock {
  header: L2Header;
  /** RLP size of the whole block, bytes. */
  size: number;
  txs: Array<{ raw: Uint8Array; sender: Hex }>;
  receipts: TxReceipt[];
  stats: ExecutionStats;
}

export class ChainStore implements L2ChainReader {
  readonly db: Database.Database;
  private head: bigint;
  private readonly headerCache = new Map<bigint, L2Header>();
  private readonly stmt;

  constructor(db: Database.Database) {
    this.db = db;
    db.exec(SCHEMA);
    this.stmt = {
      head: db.prepare<[], { n: number | null }>('SELECT MAX(number) AS n FROM blocks'),
      header: db.prepare<[number], { header: string; size: number; stats: string | null }>('SELECT header, size, stats FROM blocks WHERE number = ?'),
      byHash: db.prepare<[string], { number: number }>('SELECT number FROM blocks WHERE hash = ?'),
      insBlock: db.prepare('INSERT INTO blocks (number, hash, header, size, stats) VALUES (?, ?, ?, ?, ?)'),
      insTx: db.prepare('INSERT INTO txs (hash, block_number, idx, raw, sender, receipt, first_log) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      insLog: db.prepare(
        'INSERT INTO logs (block_number, log_index, tx_hash, tx_index, address, topic0, topic1, topic2, topic3, topics, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      txsOf: db.prepare<[number], { hash: string; raw: Buffer }>('SELECT hash, raw FROM txs WHERE block_number = ? ORDER BY idx'),
      txsWithSender: db.prepare<[number], { raw: Buffer; sender: string }>('SELECT raw, sender FROM txs WHERE block_number = ? ORDER BY idx'),
      delBlocks: db.prepare<[number]>('DELETE FROM blocks WHERE number > ?'),
      delTxs: db.prepare<[number]>('DELETE FROM txs WHERE block_number > ?'),
      delLogs: db.prepare<[number]>('DELETE FROM logs WHERE block_number > ?'),
      delMeta: db.prepare<[string]>('DELETE FROM meta WHERE key = ?'),
      tx: db.prepare<[string], { hash: string; block_number: number; idx: number; raw: Buffer; sender: string; receipt: string; first_log: number }>(
        'SELECT * FROM txs WHERE hash = ?',
      ),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    };
    const n = this.stmt.head.get()?.n;
    this.head = n === null || n === undefined ? -1n : BigInt(n);
  }

  /** Latest sealed block number; -1 before genesis is written. */
  headNumber(): bigint {
    return this.head;
  }

  header(n: bigint): L2Header | undefined {
    const cached = this.headerCache.get(n);
    if (cached !== undefined) return cached;
    if (n < 0n || n > this.head) return undefined;
    const row = this.stmt.header.get(Number(n));
    if (row === undefined) return undefined;
    const h = unjson<L2Header>(row.header);
    if (this.headerCache.size > 4096) this.headerCache.clear();
    this.headerCache.set(n, h);
    return h;
  }

  /** Block number of a block hash. */
  numberOf(hash: Hex): bigint | undefined {
    const row = this.stmt.byHash.get(hash.toLowerCase());
    return row === undefined ? undefined : BigInt(row.number);
  }

  /** Size in bytes and execution stats of block `n`. */
  blockInfo(n: bigint): { size: number; stats?: ExecutionStats } | undefined {
    const row = this.stmt.header.get(Number(n));
    if (row === undefined) return undefined;
    return { size: row.size, stats: row.stats === null ? undefined : unjson<ExecutionStats>(row.stats) };
  }

  txs(n: bigint): Hex[] {
    return this.stmt.txsOf.all(Number(n)).map((r) => bytesToHex(r.raw));
  }

  txHashes(n: bigint): Hex[] {
    return this.stmt.txsOf.all(Number(n)).map((r) => r.hash as Hex);
  }

  /** Ancestor hashes for BLOCKHASH: the last `count` blocks up to and including `n`. */
  ancestors(n: bigint, count = 256): Array<[bigint, Hex]> {
    const out: Array<[bigint, Hex]> = [];
    for (let i = n; i >= 0n && i > n - BigInt(count); i--) out.push([i, this.header(i)!.hash]);
    return out;
  }

  getTx(hash: Hex): StoredTx | undefined {
    const r = this.stmt.tx.get(hash.toLowerCase());
    if (r === undefined) return undefined;
    return {
      hash: r.hash as Hex,
      raw: bytesToHex(r.raw),
      from: r.sender as Hex,
      blockNumber: BigInt(r.block_number),
      blockHash: this.header(BigInt(r.block_number))!.hash,
      transactionIndex: r.idx,
    };
  }

  getReceipt(hash: Hex): StoredReceipt | undefined {
    const r = this.stmt.tx.get(hash.toLowerCase());
    if (r === undefined) return undefined;
    return {
      ...unjson<TxReceipt>(r.receipt),
      blockNumber: BigInt(r.block_number),
      blockHash: this.header(BigInt(r.block_number))!.hash,
      transactionIndex: r.idx,
      firstLogIndex: r.first_log,
    };
  }

  /** eth_getLogs over stored logs (SQL on address/topic columns). */
  getLogs(f: LogFilter): StoredLog[] {
    const where = ['block_number >= ?', 'block_number <= ?'];
    const args: unknown[] = [Number(f.fromBlock), Number(f.toBlock)];
    if (f.addresses !== undefined && f.addresses.length > 0) {
      where.push(`address IN (${f.addresses.map(() => '?').join(',')})`);
      args.push(...f.addresses.map((a) => a.toLowerCase()));
    }
    (f.topics ?? []).slice(0, 4).forEach((t, i) => {
      if (t === null) return;
      const list = (Array.isArray(t) ? t : [t]).map((x) => x.toLowerCase());
      if (list.length === 0) return;
      where.push(`topic${i} IN (${list.map(() => '?').join(',')})`);
      args.push(...list);
    });
    const rows = this.db
      .prepare(`SELECT * FROM logs WHERE ${where.join(' AND ')} ORDER BY block_number, log_index`)
      .all(...args) as Array<{ block_number: number; log_index: number; tx_hash: string; tx_index: number; address: string; topics: string; data: string }>;
    return rows.map((r) => ({
      address: r.address as Hex,
      topics: JSON.parse(r.topics) as Hex[],
      data: r.data as Hex,
      blockNumber: BigInt(r.block_number),
      blockHash: this.header(BigInt(r.block_number))!.hash,
      transactionHash: r.tx_hash as Hex,
      transactionIndex: r.tx_index,
      logIndex: r.log_index,
    }));
  }

  /**
   * Writes a sealed block in one transaction; `alsoInTx` runs inside the same transaction (state
   * trie flush, mempool removal).
   * @throws Error if `block.header.number` is not head + 1.
   */
  commitBlock(block: SealedBlock, alsoInTx: () => void = () => {}): void {
    const h = block.header;
    if (h.number !== this.head + 1n) throw new Error(`commitBlock: expected block ${this.head + 1n}, got ${h.number}`);
    this.db.transaction(() => {
      alsoInTx();
      this.stmt.insBlock.run(Number(h.number), h.hash.toLowerCase(), json(h), block.size, json(block.stats));
      let logIndex = 0;
      block.txs.forEach((t, i) => {
        const r = block.receipts[i]!;
        this.stmt.insTx.run(r.hash.toLowerCase(), Number(h.number), i, Buffer.from(t.raw), t.sender.toLowerCase(), json(r), logIndex);
        for (const log of r.logs) {
          const tp = log.topics.map((x) => x.toLowerCase());
          this.stmt.insLog.run(Number(h.number), logIndex++, r.hash.toLowerCase(), i, log.address.toLowerCase(), tp[0] ?? null, tp[1] ?? null, tp[2] ?? null, tp[3] ?? null, JSON.stringify(tp), log.data);
        }
      });
    })();
    this.head = h.number;
    this.headerCache.set(h.number, h);
  }

  /**
   * The blocks after `n` (`n+1 .. head`) as re-execution input: each block's number, timestamp
   * (unix seconds) and its txs (raw EIP-2718 bytes and sender) in block order.
   */
  blocksAfter(n: bigint): ReplayBlock[] {
    const out: ReplayBlock[] = [];
    for (let i = n + 1n; i <= this.head; i++) {
      const h = this.header(i)!;
      const txs = this.stmt.txsWithSender.all(Number(i)).map((r) => ({ raw: bytesToHex(r.raw), sender: r.sender as Hex }));
      out.push({ number: i, timestamp: h.timestamp, txs });
    }
    return out;
  }

  /**
   * Deletes every block after `n` with its txs, receipts and logs, in one SQLite transaction;
   * `alsoInTx` runs inside the same transaction (e.g. record the replay plan). State trie nodes
   * are content-addressed and stay.
   * @throws Error if `n` is negative or above the head.
   */
  truncateAfter(n: bigint, alsoInTx: () => void = () => {}): void {
    if (n < 0n || n > this.head) throw new Error(`truncateAfter: block ${n} is not in the chain (head ${this.head})`);
    this.db.transaction(() => {
      alsoInTx();
      this.stmt.delLogs.run(Number(n));
      this.stmt.delTxs.run(Number(n));
      this.stmt.delBlocks.run(Number(n));
    })();
    for (const k of [...this.headerCache.keys()]) if (k > n) this.headerCache.delete(k);
    this.head = n;
  }

  deleteMeta(key: string): void {
    this.stmt.delMeta.run(key);
  }

  getMeta(key: string): string | undefined {
    return this.stmt.getMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt.setMeta.run(key, value);
  }
}

