/**
 * The sequencer's transaction pool.
 */
import type { Common } from '@ethereumjs/common';
import { type Hex, isHex, keccak256 } from 'viem';
import { createChainCommon } from './common.ts';
import { decodeRawTx } from './decode.ts';
import { accountLimit, alreadyKnown, poolFull, poolUnderpriced, replaceUnderpriced, storeFailed } from './errors.ts';
import { selectTransactions } from './select.ts';
import type { AccountState, MempoolOptions, MempoolStore, PendingTx, SelectOptions, StoredMempoolTx } from './types.ts';
import { effectiveTip, isValidReplacement, type StatelessRules, type ValidTx, validateStateless, validateWithState } from './validate.ts';

/** Defaults, as geth's legacypool where it has one. */
export const MEMPOOL_DEFAULTS = {
  /** 4 * 32 KiB (geth txMaxSize). */
  maxTxBytes: 131_072,
  maxPerSender: 64,
  maxTotal: 10_000,
  priceBumpPercent: 10,
} as const;

const costOf = (tx: PendingTx) => tx.gasLimit * tx.maxFeePerGas + tx.value;

/**
 * Pool of signed transactions waiting for a block.
 *
 * Admission (`add`) validates like geth's pool (see `validate.ts` for the rules and messages),
 * keeps at most one tx per (sender, nonce) — a second one must bump both fees by
 * `priceBumpPercent` — and writes the tx to the `store` before resolving, so an acknowledged tx
 * survives a crash. Txs with nonce gaps are kept (queued) within a window of `maxPerSender`
 * nonces above the sender's state nonce; only gap-free runs are handed to the block builder by
 * `selectForBlock`. When the pool holds `maxTotal` txs, a new tx evicts the cheapest
 * highest-nonce tx of another sender if it pays a higher effective tip at `nextBaseFee()`.
 *
 * Concurrency: admissions of one sender are serialized (state read, checks and insertion happen
 * without interleaving); different senders proceed concurrently.
 *
 * Addresses are handled lower-case; quantities are bigint (gas, wei per gas, wei).
 */
export class Mempool {
  readonly #maxTxBytes: number;
  readonly #maxPerSender: number;
  readonly #maxTotal: number;
  readonly #bump: number;
  readonly #rules: StatelessRules;
  readonly #getAccount: (address: Hex) => Promise<AccountState>;
  readonly #nextBaseFee: () => bigint;
  readonly #store: MempoolStore | undefined;
  readonly #now: () => number;
  readonly #byHash = new Map<Hex, PendingTx>();
  readonly #bySender = new Map<Hex, Map<bigint, PendingTx>>();
  readonly #locks = new Map<Hex, Promise<void>>();
  #lastArrival = 0;

  /**
   * @param opts See {@link MempoolOptions}: chainId, blockGasLimit (gas), maxTxBytes (bytes,
   *   default 128 KiB), maxPerSender (64), maxTotal (10,000), priceBumpPercent (10), minTip (wei
   *   per gas, 0), getAccount (latest sealed state), nextBaseFee (wei per gas), store.
   */
  constructor(opts: MempoolOptions) {
    this.#maxTxBytes = opts.maxTxBytes ?? MEMPOOL_DEFAULTS.maxTxBytes;
    this.#maxPerSender = opts.maxPerSender ?? MEMPOOL_DEFAULTS.maxPerSender;
    this.#maxTotal = opts.maxTotal ?? MEMPOOL_DEFAULTS.maxTotal;
    this.#bump = opts.priceBumpPercent ?? MEMPOOL_DEFAULTS.priceBumpPercent;
    const common: Common = opts.common ?? createChainCommon({ chainId: opts.chainId, hardfork: opts.hardfork });
    this.#rules = { chainId: opts.chainId, blockGasLimit: opts.blockGasLimit, minFeeCap: 1n, minTip: opts.minTip ?? 0n, common };
    this.#getAccount = opts.getAccount;
    this.#nextBaseFee = opts.nextBaseFee;
    this.#store = opts.store;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * Validates a signed tx and admits it; durable (written to the store) when the promise resolves.
   *
   * @param raw 0x-hex EIP-2718 encoding (what eth_sendRawTransaction carries).
   * @returns The tx hash and the recovered sender (lower-case).
   * @throws ParallaxError with geth's message and rpcCode -32000; codes: TX_DECODE,
   *   TX_TYPE_NOT_SUPPORTED, TX_OVERSIZED, TX_UNPROTECTED, MAX_INITCODE_SIZE_EXCEEDED,
   *   EXCEEDS_BLOCK_GAS_LIMIT, TIP_ABOVE_FEE_CAP, INVALID_CHAIN_ID, INVALID_SENDER, NONCE_MAX,
   *   INTRINSIC_GAS_TOO_LOW, TX_UNDERPRICED, ALREADY_KNOWN, NONCE_TOO_LOW, NONCE_TOO_HIGH,
   *   INSUFFICIENT_FUNDS, ACCOUNT_LIMIT_EXCEEDED, REPLACEMENT_UNDERPRICED, TXPOOL_FULL;
   *   MEMPOOL_STORE_FAILED (-32603) if the store throws (the tx is then not admitted).
   */
  async add(raw: Hex): Promise<{ hash: Hex; from: Hex }> {
    const tx = this.#check(raw);
    return this.#withLock(tx.from, async () => {
      if (this.#byHash.has(tx.hash)) throw alreadyKnown();
      const account = await this.#getAccount(tx.from);
      this.#admit(tx, account, undefined);
      return { hash: tx.hash, from: tx.from };
    });
  }

  /** The pooled tx with this hash. */
  get(hash: Hex): PendingTx | undefined {
    return this.#byHash.get(hash.toLowerCase() as Hex);
  }

  /** Whether a tx with this hash is pooled. */
  has(hash: Hex): boolean {
    return this.#byHash.has(hash.toLowerCase() as Hex);
  }

  /**
   * Next nonce for `address` counting its gap-free pooled txs (eth_getTransactionCount 'pending').
   * @param stateNonce The account's nonce in the latest sealed state.
   */
  pendingNonce(address: Hex, stateNonce: bigint): bigint {
    const txs = this.#bySender.get(address.toLowerCase() as Hex);
    let n = stateNonce;
    if (txs !== undefined) while (txs.has(n)) n++;
    return n;
  }

  /**
   * Executable txs for the next block, in execution order (see `select.ts`): per sender
   * consecutive nonces from `stateNonce`, across senders by effective tip at `baseFee` (desc),
   * then arrival; a sender stops at a tx with maxFeePerGas < baseFee or one whose gasLimit no
   * longer fits `gasLimit`. Works on a snapshot taken at the call (admissions during the
   * `stateNonce` awaits do not change the result). Does not remove anything.
   */
  selectForBlock(opts: SelectOptions): Promise<PendingTx[]> {
    const snapshot = new Map<Hex, Map<bigint, PendingTx>>();
    for (const [sender, txs] of this.#bySender) snapshot.set(sender, new Map(txs));
    return selectTransactions(snapshot, opts.stateNonce, opts);
  }

  /**
   * Removes exactly these txs (sealed in a block, or refused by the builder) from the pool and
   * the store. Other txs of the same senders stay: after a refused tx its later nonces wait
   * (gapped); txs left below the new state nonce are never selected and are dropped by
   * {@link Mempool.prune} or by the sender's next admission.
   *
   * @returns Hashes removed (unknown hashes are ignored).
   * @throws Whatever the store throws (the in-memory pool is already updated).
   */
  removeIncluded(hashes: Hex[]): Hex[] {
    const removed: Hex[] = [];
    for (const h of hashes) {
      const tx = this.#byHash.get(h.toLowerCase() as Hex);
      if (tx === undefined) continue;
      this.#unlink(tx);
      removed.push(tx.hash);
    }
    if (removed.length > 0) this.#store?.delete(removed);
    return removed;
  }

  /**
   * Re-checks every sender against the latest sealed state (`getAccount`): drops txs whose nonce
   * is below the state nonce and txs costing more than the balance. Cheap enough to run after
   * each sealed block (one `getAccount` per sender with pooled txs).
   *
   * @returns Hashes removed (also deleted from the store).
   */
  async prune(): Promise<Hex[]> {
    const removed: Hex[] = [];
    for (const sender of [...this.#bySender.keys()]) {
      await this.#withLock(sender, async () => {
        const account = await this.#getAccount(sender);
        const gone = this.#dropBelow(sender, account.nonce);
        for (const tx of this.#bySender.get(sender)?.values() ?? []) {
          if (costOf(tx) > account.balance) {
            this.#unlink(tx);
            gone.push(tx.hash);
          }
        }
        this.#store?.delete(gone);
        removed.push(...gone);
      });
    }
    return removed;
  }

  /** Number of pooled txs. */
  size(): number {
    return this.#byHash.size;
  }

  /** All pooled txs, oldest arrival first. */
  pending(): PendingTx[] {
    return [...this.#byHash.values()].sort((a, b) => a.arrival - b.arrival);
  }

  /**
   * Reloads txs at start-up without writing them again. Each is re-validated against the latest
   * sealed state in arrival order; the ones no longer valid (mined, underfunded, replaced, ...)
   * are deleted from the store.
   *
   * @param entries Raw txs, or store rows (`{ raw, arrival }`) to keep their arrival keys.
   * @returns How many were restored, and the hashes dropped.
   */
  async restore(entries: Array<Hex | Pick<StoredMempoolTx, 'raw' | 'arrival'>>): Promise<{ restored: number; dropped: Hex[] }> {
    const rows = entries.map((e) => (typeof e === 'string' ? { raw: e, arrival: undefined } : e));
    rows.sort((a, b) => (a.arrival ?? Infinity) - (b.arrival ?? Infinity));
    const admitted: Hex[] = [];
    const dropped: Hex[] = [];
    for (const row of rows) {
      let tx: ValidTx;
      try {
        tx = this.#check(row.raw);
      } catch {
        // Undecodable, invalid or a duplicate: delete its row unless that tx is pooled.
        if (isHex(row.raw, { strict: true }) && row.raw.length % 2 === 0) {
          const hash = keccak256(row.raw);
          if (!this.#byHash.has(hash)) dropped.push(hash);
        }
        continue;
      }
      try {
        const replaced = await this.#withLock(tx.from, async () =>
          this.#admit(tx, await this.#getAccount(tx.from), row.arrival ?? this.#nextArrival()),
        );
        if (replaced !== undefined) dropped.push(replaced);
        admitted.push(tx.hash);
      } catch {
        dropped.push(tx.hash);
      }
    }
    this.#store?.delete(dropped);
    return { restored: admitted.filter((h) => this.#byHash.has(h)).length, dropped };
  }

  /** `restore(store.all())`; no-op without a store. */
  async restoreFromStore(): Promise<{ restored: number; dropped: Hex[] }> {
    return this.#store === undefined ? { restored: 0, dropped: [] } : this.restore(this.#store.all());
  }

  /** Decode + stateless validation; rejects known hashes first, as geth does. */
  #check(raw: Hex): ValidTx {
    const decoded = decodeRawTx(raw, this.#maxTxBytes);
    if (this.#byHash.has(decoded.hash)) throw alreadyKnown();
    return validateStateless(decoded, this.#rules);
  }

  /**
   * Stateful checks, replacement/eviction, persistence and insertion. Synchronous: callers hold
   * the sender's lock. `arrival` given means "restoring": keep that key and do not persist.
   * @returns Hash of a tx it replaced, if any.
   */
  #admit(tx: ValidTx, account: AccountState, arrival: number | undefined): Hex | undefined {
    if (this.#byHash.has(tx.hash)) throw alreadyKnown();
    const restoring = arrival !== undefined;
    const stale = this.#dropBelow(tx.from, account.nonce);
    if (stale.length > 0) this.#store?.delete(stale);
    const txs = this.#bySender.get(tx.from);
    const old = txs?.get(tx.nonce);
    let queuedCost = 0n;
    for (const t of txs?.values() ?? []) queuedCost += costOf(t);
    validateWithState(tx, {
      stateNonce: account.nonce,
      balance: account.balance,
      queuedCost,
      replacedCost: old === undefined ? undefined : costOf(old),
      maxNonce: account.nonce + BigInt(this.#maxPerSender) - 1n,
    });
    let victim: PendingTx | undefined;
    if (old !== undefined) {
      if (!isValidReplacement(old, tx, this.#bump)) throw replaceUnderpriced();
    } else {
      const pooled = txs?.size ?? 0;
      if (pooled >= this.#maxPerSender) throw accountLimit(pooled);
      if (this.#byHash.size >= this.#maxTotal) victim = this.#evictionVictim(tx);
    }
    const key = restoring ? arrival : this.#nextArrival();
    if (restoring) this.#lastArrival = Math.max(this.#lastArrival, arrival);
    const entry: PendingTx = {
      hash: tx.hash,
      raw: tx.raw,
      from: tx.from,
      nonce: tx.nonce,
      gasLimit: tx.gasLimit,
      maxFeePerGas: tx.maxFeePerGas,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
      value: tx.value,
      type: tx.type,
      arrival: key,
    };
    if (!restoring && this.#store !== undefined) {
      try {
        this.#store.put(entry.hash, entry.raw, entry.arrival);
      } catch (e) {
        throw storeFailed(e);
      }
    }
    const out = [old, victim].filter((t): t is PendingTx => t !== undefined);
    for (const t of out) this.#unlink(t);
    if (out.length > 0) {
      try {
        this.#store?.delete(out.map((t) => t.hash));
      } catch {
        // A leftover row is harmless: restore() re-validates and drops it.
      }
    }
    this.#link(entry);
    return old?.hash;
  }

  /**
   * When full: the cheapest highest-nonce tx of another sender, if `tx` pays a higher effective
   * tip at the next base fee (ties: lower fee cap, then later arrival goes first).
   * @throws TX_UNDERPRICED if `tx` pays no more than it; TXPOOL_FULL if nothing can be evicted.
   */
  #evictionVictim(tx: ValidTx): PendingTx {
    const baseFee = this.#nextBaseFee();
    let victim: PendingTx | undefined;
    let victimTip = 0n;
    for (const [sender, txs] of this.#bySender) {
      if (sender === tx.from) continue;
      let tail: PendingTx | undefined;
      for (const t of txs.values()) if (tail === undefined || t.nonce > tail.nonce) tail = t;
      if (tail === undefined) continue;
      const tip = effectiveTip(tail, baseFee);
      if (
        victim === undefined ||
        tip < victimTip ||
        (tip === victimTip && (tail.maxFeePerGas < victim.maxFeePerGas || (tail.maxFeePerGas === victim.maxFeePerGas && tail.arrival > victim.arrival)))
      ) {
        victim = tail;
        victimTip = tip;
      }
    }
    if (victim === undefined) throw poolFull();
    if (effectiveTip(tx, baseFee) <= victimTip) throw poolUnderpriced();
    return victim;
  }

  /** Removes the sender's txs with nonce < `nonce` from memory; returns their hashes. */
  #dropBelow(sender: Hex, nonce: bigint): Hex[] {
    const txs = this.#bySender.get(sender);
    if (txs === undefined) return [];
    const gone: Hex[] = [];
    for (const tx of [...txs.values()]) {
      if (tx.nonce < nonce) {
        this.#unlink(tx);
        gone.push(tx.hash);
      }
    }
    return gone;
  }

  #link(tx: PendingTx): void {
    this.#byHash.set(tx.hash, tx);
    let txs = this.#bySender.get(tx.from);
    if (txs === undefined) this.#bySender.set(tx.from, (txs = new Map()));
    txs.set(tx.nonce, tx);
  }

  #unlink(tx: PendingTx): void {
    this.#byHash.delete(tx.hash);
    const txs = this.#bySender.get(tx.from);
    if (txs?.get(tx.nonce) === tx) txs.delete(tx.nonce);
    if (txs?.size === 0) this.#bySender.delete(tx.from);
  }

  #nextArrival(): number {
    this.#lastArrival = Math.max(this.#now(), this.#lastArrival + 1);
    return this.#lastArrival;
  }

  async #withLock<T>(key: Hex, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.#locks.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }
}
