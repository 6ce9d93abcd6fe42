/**
 * The world state of one parallax node (sequencer, challenger, vectors run): Ethereum's
 * Merkle-Patricia state trie (Yellow Paper, appendix D) with secure (keccak-hashed) keys, its
 * storage tries and contract code, persisted in one SQLite file through {@link SqliteKv}.
 *
 * A state is named by its root; every root ever flushed stays readable, so historical queries
 * (eth_getBalance at block N) and re-execution from any block are possible.
 */
import type Database from 'better-sqlite3';
import type { Common } from '@ethereumjs/common';
import { createMPT } from '@ethereumjs/mpt';
import { Caches, type MerkleStateManager } from '@ethereumjs/statemanager';
import { Account, Address, setLengthLeft, ValueEncoding, unpadBytes } from '@ethereumjs/util';
import { bytesToHex, hexToBytes, type Hex } from 'viem';
import { openSqlite, SqliteKv } from './kv.ts';
import { ParallaxStateManager } from './state-manager.ts';

/** Root of the empty trie, keccak256(rlp('')). */
export const EMPTY_ROOT: Hex = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421';

/** Genesis allocation: address -> account. Balance in wei. */
export type GenesisAlloc = Record<
  Hex,
  { balance?: bigint; nonce?: bigint; code?: Hex; storage?: Record<Hex, Hex> }
>;

/** A subclass hook: executors pass a recording state manager class; default is plain. */
export type StateManagerCtor = new (opts: ConstructorParameters<typeof MerkleStateManager>[0]) => MerkleStateManager;

export class StateDb {
  readonly path: string;
  readonly sqlite: Database.Database;
  readonly kv: SqliteKv;
  readonly common: Common;

  private constructor(path: string, sqlite: Database.Database, kv: SqliteKv, common: Common) {
    this.path = path;
    this.sqlite = sqlite;
    this.kv = kv;
    this.common = common;
  }

  /**
   * Opens the state database at `path` (a SQLite file, created if missing).
   * @param opts.readonly open for reading only (workers); the file must exist.
   * @param opts.sqlite reuse an already open handle (the sequencer keeps chain tables in the same file).
   */
  static open(path: string, common: Common, opts: { readonly?: boolean; sqlite?: Database.Database } = {}): StateDb {
    const sqlite = opts.sqlite ?? openSqlite(path, { readonly: opts.readonly });
    return new StateDb(path, sqlite, new SqliteKv(sqlite), common);
  }

  /**
   * A state manager positioned at `root` (default: the empty root), reading through this db.
   * Writes go to the kv buffer until {@link flush}.
   */
  async stateManager(root: Hex = EMPTY_ROOT, Ctor: StateManagerCtor = ParallaxStateManager): Promise<MerkleStateManager> {
    const trie = await createMPT({ db: this.kv, useKeyHashing: true, valueEncoding: ValueEncoding.Bytes, common: this.common });
    const sm = new Ctor({ trie, common: this.common, caches: new Caches() });
    await sm.setStateRoot(hexToBytes(root));
    return sm;
  }

  /** True when the trie node for `root` is present. */
  hasRoot(root: Hex): boolean {
    return root === EMPTY_ROOT || this.kv.getSync(root.slice(2)) !== undefined;
  }

  /**
   * Writes a genesis allocation on top of the empty state, flushes it, and returns its root.
   */
  async applyGenesis(alloc: GenesisAlloc): Promise<Hex> {
    const sm = await this.stateManager();
    for (const [addrHex, acct] of Object.entries(alloc) as Array<[Hex, GenesisAlloc[Hex]]>) {
      const address = new Address(hexToBytes(addrHex));
      await sm.putAccount(address, new Account(acct.nonce ?? 0n, acct.balance ?? 0n));
      if (acct.code !== undefined && acct.code !== '0x') await sm.putCode(address, hexToBytes(acct.code));
      for (const [slot, value] of Object.entries(acct.storage ?? {}) as Array<[Hex, Hex]>) {
        const v = unpadBytes(hexToBytes(value));
        if (v.length > 0) await sm.putStorage(address, setLengthLeft(hexToBytes(slot), 32), v);
      }
    }
    const root = bytesToHex(await sm.getStateRoot());
    this.kv.flush();
    return root;
  }

  /** Persists buffered trie writes. */
  flush(): void {
    this.kv.flush();
  }

  close(): void {
    this.sqlite.close();
  }
}
