/**
 * Sends transactions the way a client does: viem wallet client, local signing, explicit nonce,
 * gas limit and EIP-1559 fees, then `waitForTransactionReceipt`.
 *
 * Work is organised in lanes, one per sending account: a lane sends its transactions in nonce
 * order (each `eth_sendRawTransaction` is awaited before the next, so the node never sees a nonce
 * gap), keeps at most {@link MAX_IN_FLIGHT} unmined, and all lanes run concurrently. A lane then
 * waits for its last receipt (nonce order means the earlier ones are in by then) and collects the
 * others.
 */
import type { Address, Chain, Hex, LocalAccount, PublicClient, TransactionReceipt, WalletClient } from 'viem';
import type { NonceBook } from './accounts.ts';

/** What a transaction is for; the report counts by kind. */
export type TxKind = 'deploy' | 'setup' | 'fund' | 'eth' | 'erc20' | 'hot' | 'swap';

/** Everything a {@link TxSpec} passes to viem besides its own call data. */
export interface SendOpts {
  account: LocalAccount;
  chain: Chain;
  nonce: number;
  /** Gas limit (gas). */
  gas: bigint;
  /** Wei per gas. */
  maxFeePerGas: bigint;
  /** Wei per gas. */
  maxPriorityFeePerGas: bigint;
  type: 'eip1559';
}

/** One transaction to send: `send` calls viem's `sendTransaction`/`writeContract`/`deployContract`. */
export interface TxSpec {
  kind: TxKind;
  /** Human-readable, for error messages. */
  label: string;
  /** Recipient (the called contract for contract calls), null for a deployment. */
  to: Address | null;
  /** Who receives the ETH or tokens, for transfers. */
  recipient?: Address;
  /** Explicit gas limit (gas). */
  gas: bigint;
  send(wallet: WalletClient, o: SendOpts): Promise<Hex>;
}

/** The transactions of one account, sent in order. */
export interface Lane {
  account: LocalAccount;
  txs: TxSpec[];
}

/** Outcome of one {@link TxSpec}. `ok` is true only for a mined, successful transaction. */
export interface TxRecord {
  kind: TxKind;
  label: string;
  from: Address;
  /** Gas limit it was sent with. */
  gas: bigint;
  nonce?: number;
  hash?: Hex;
  /** `performance.now()` when the node accepted it. */
  sentAt?: number;
  receipt?: TransactionReceipt;
  ok: boolean;
  /** Why it failed: send rejected, reverted, or no receipt in time. */
  error?: string;
}

/** Result of {@link Sender.run}. */
export interface RunResult {
  records: TxRecord[];
  /** `performance.now()` of the first accepted send, and when the last lane saw its last receipt. */
  firstSendAt: number;
  lastReceiptAt: number;
}

/** Fee fields used for every transaction of a run. */
export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * Most unmined txs a lane keeps in flight per account: below the sequencer mempool's
 * per-sender cap (`maxPerSender`, 64), so a long lane never hits "account limit exceeded".
 */
export const MAX_IN_FLIGHT = 32;

/** Rejections worth retrying after a pause: the pool is momentarily full. */
const RETRYABLE = /account limit exceeded|txpool is full/i;

/** Short one-line message of a viem (or other) error. */
export function errorMessage(e: unknown): string {
  const err = e as { shortMessage?: string; details?: string; message?: string };
  const msg = err.shortMessage ?? err.message ?? String(e);
  const details = err.details && !msg.includes(err.details) ? ` (${err.details})` : '';
  return (msg.split('\n')[0] ?? msg) + details;
}

/** Sends lanes of transactions and collects their receipts. */
export class Sender {
  readonly #public: PublicClient;
  readonly #wallet: WalletClient;
  readonly #chain: Chain;
  readonly #nonces: NonceBook;
  readonly #receiptTimeoutMs: number;

  /**
   * @param opts.receiptTimeoutMs How long to wait for a receipt, and to keep retrying a send the
   *   pool refused as full (ms).
   */
  constructor(opts: { publicClient: PublicClient; wallet: WalletClient; chain: Chain; nonces: NonceBook; receiptTimeoutMs: number }) {
    this.#public = opts.publicClient;
    this.#wallet = opts.wallet;
    this.#chain = opts.chain;
    this.#nonces = opts.nonces;
    this.#receiptTimeoutMs = opts.receiptTimeoutMs;
  }

  /**
   * EIP-1559 fees from viem's `estimateFeesPerGas` (base fee x 1.2 + priority fee), with the max
   * fee doubled so a burst of full blocks raising the base fee (12.5% per block) does not strand
   * the tail of the load.
   */
  async fees(): Promise<Fees> {
    const f = await this.#public.estimateFeesPerGas();
    return { maxFeePerGas: f.maxFeePerGas * 2n, maxPriorityFeePerGas: f.maxPriorityFeePerGas };
  }

  /**
   * Runs all lanes concurrently and resolves when every accepted transaction has a receipt (or
   * its lane timed out). Never rejects for a single transaction's failure: see `TxRecord.error`.
   * @throws Error if two lanes use the same account (their nonces would collide).
   */
  async run(lanes: Lane[], fees?: Fees): Promise<RunResult> {
    const seen = new Set<Address>();
    for (const l of lanes) {
      if (seen.has(l.account.address)) throw new Error(`two lanes for ${l.account.address}`);
      seen.add(l.account.address);
    }
    const f = fees ?? (await this.fees());
    const results = await Promise.all(lanes.map((l) => this.#runLane(l, f)));
    const records = results.flatMap((r) => r.records);
    const sends = records.flatMap((r) => (r.sentAt === undefined ? [] : [r.sentAt]));
    return {
      records,
      firstSendAt: sends.length > 0 ? Math.min(...sends) : performance.now(),
      lastReceiptAt: Math.max(0, ...results.map((r) => r.doneAt)),
    };
  }

  async #runLane(lane: Lane, fees: Fees): Promise<{ records: TxRecord[]; doneAt: number }> {
    const { account } = lane;
    const records: TxRecord[] = [];
    for (const [i, spec] of lane.txs.entries()) {
      // Keep at most MAX_IN_FLIGHT of this account's txs unmined (the mempool caps a sender).
      const old = records[i - MAX_IN_FLIGHT];
      if (old?.hash !== undefined && old.receipt === undefined && old.error === undefined) await this.#receipt(old);
      const rec: TxRecord = { kind: spec.kind, label: spec.label, from: account.address, gas: spec.gas, ok: false };
      records.push(rec);
      const nonce = await this.#nonces.peek(account.address).catch((e: unknown) => {
        rec.error = `nonce: ${errorMessage(e)}`;
      });
      if (nonce === undefined) continue;
      const giveUpAt = performance.now() + this.#receiptTimeoutMs;
      for (;;) {
        try {
          rec.hash = await spec.send(this.#wallet, { account, chain: this.#chain, nonce, gas: spec.gas, type: 'eip1559', ...fees });
          rec.nonce = nonce;
          rec.sentAt = performance.now();
          this.#nonces.commit(account.address);
          break;
        } catch (e) {
          const msg = errorMessage(e);
          if (RETRYABLE.test(msg) && performance.now() < giveUpAt) {
            await new Promise((r) => setTimeout(r, 250));
            continue;
          }
          rec.error = `send rejected: ${msg}`;
          this.#nonces.invalidate(account.address);
          break;
        }
      }
    }
    // The last one first: once it is in, every earlier nonce is too.
    const pending = records.filter((r) => r.hash !== undefined && r.receipt === undefined && r.error === undefined).reverse();
    let doneAt = 0;
    let timeout = this.#receiptTimeoutMs;
    for (const rec of pending) {
      await this.#receipt(rec, timeout);
      if (doneAt === 0) doneAt = performance.now();
      if (rec.receipt === undefined) timeout = 5_000; // the lane is stuck: do not wait this long per tx
    }
    const last = records.findLast((r) => r.receipt !== undefined);
    return { records, doneAt: doneAt || (last ? performance.now() : 0) };
  }

  /** Waits for `rec`'s receipt and records the outcome in it. */
  async #receipt(rec: TxRecord, timeout = this.#receiptTimeoutMs): Promise<void> {
    try {
      rec.receipt = await this.#public.waitForTransactionReceipt({ hash: rec.hash as Hex, timeout });
      rec.ok = rec.receipt.status === 'success';
      if (!rec.ok) rec.error = `reverted in block ${rec.receipt.blockNumber} (gas used ${rec.receipt.gasUsed} of ${rec.gas})`;
    } catch (e) {
      rec.error = `no receipt: ${errorMessage(e)}`;
    }
  }
}

/**
 * Throws if any record failed, listing the first few: setup steps must all succeed before the
 * load starts.
 */
export function assertAllOk(step: string, records: TxRecord[]): void {
  const bad = records.filter((r) => !r.ok);
  if (bad.length === 0) return;
  const lines = bad.slice(0, 5).map((r) => `  ${r.label} from ${r.from}: ${r.error}`);
  throw new Error(`${step}: ${bad.length} of ${records.length} txs failed\n${lines.join('\n')}`);
}
