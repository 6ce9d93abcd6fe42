/**
 * Sending one L1 transaction with fee-bump resubmission: when the transaction is not mined within
 * `stuckAfterMs`, the same nonce and calldata are sent again with higher EIP-1559 fees (a
 * replacement transaction), until one of the hashes sent lands or `maxAttempts` sends are spent.
 *
 * Fees follow EIP-1559 (`maxFeePerGas`, `maxPriorityFeePerGas`, wei per gas). A replacement must
 * raise both by at least geth's `txpool.pricebump` (10%); the default bump is 12.5%.
 */
import {
  BaseError,
  TransactionReceiptNotFoundError,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from 'viem';
import { ParallaxError } from '../errors.ts';

/** Logger used for bump reports (structurally compatible with the batcher/proposer loggers). */
export interface FeeBumpLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/** EIP-1559 fees, wei per gas. */
export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** Options of {@link sendWithFeeBump}. */
export interface SendWithFeeBumpOptions {
  /** Wallet whose `account` signs/sends. */
  walletClient: WalletClient;
  /** L1 client for nonce, fee estimates and receipts. */
  publicClient: PublicClient;
  /** The call: `to`, calldata, `value` (wei), optional `gas` limit (gas; estimated when absent). */
  request: { to: Address; data: Hex; value?: bigint; gas?: bigint };
  /** Wait for a receipt after each send before bumping, ms (default 30,000). */
  stuckAfterMs?: number;
  /** Fee bump per replacement, percent (default 12.5; at least 10, geth's minimum). */
  bumpPercent?: number;
  /** Most sends in all, the first included (default 5). */
  maxAttempts?: number;
  /** Receipt poll interval, ms (default 250). */
  pollIntervalMs?: number;
  /** Fees of the first send instead of `estimateFeesPerGas` (tests: a deliberately low fee). */
  initialFees?: Fees;
  logger?: FeeBumpLogger;
}

/** Result of {@link sendWithFeeBump}. */
export interface FeeBumpResult {
  /** Receipt of the hash that landed (status 'success'). */
  receipt: TransactionReceipt;
  /** Every hash sent for the pinned nonce, in send order. */
  hashes: Hex[];
  /** Replacements sent (`hashes.length - 1` unless a replacement was rejected). */
  bumps: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `fee * (1000 + 10 * bumpPercent) / 1000`, at least `fee + 1`, at least `floor`. */
function bumpFee(fee: bigint, bumpPermille: bigint, floor: bigint): bigint {
  let next = (fee * (1000n + bumpPermille)) / 1000n;
  if (next <= fee) next = fee + 1n;
  return next < floor ? floor : next;
}

/** Whether a send error means the pinned nonce is already taken / the replacement was refused. */
function isNonceUsedError(err: unknown): boolean {
  const texts: string[] = [];
  if (err instanceof BaseError) {
    err.walk((e) => {
      texts.push(String((e as Error).message ?? ''), String((e as BaseError).details ?? ''));
      return false;
    });
  } else texts.push(String((err as Error)?.message ?? err));
  const t = texts.join(' ').toLowerCase();
  return t.includes('nonce too low') || t.includes('replacement') || t.includes('already known') || t.includes('nonce has already been used');
}

/**
 * Sends `request` from the wallet's account and waits for it to be mined, resubmitting with
 * bumped fees while it is stuck.
 *
 * 1. Pins the nonce (`eth_getTransactionCount(account, 'pending')`) and takes the fees from
 *    `estimateFeesPerGas` (or `initialFees`).
 * 2. Sends, then polls `eth_getTransactionReceipt` of every hash sent so far (every
 *    `pollIntervalMs`) for up to `stuckAfterMs`.
 * 3. If none landed, resends the same nonce/to/data/value/gas with `maxFeePerGas` and
 *    `maxPriorityFeePerGas` each multiplied by `1 + bumpPercent/100` (integer math, at least
 *    +1 wei, at least the current estimate), logs the bump and goes to 2.
 * 4. When a resend is rejected because the nonce was used (nonce too low, replacement
 *    underpriced, already known), stops bumping and waits for the hash of ours that landed.
 *
 * @returns the receipt, every hash sent and the number of replacements.
 * @throws ParallaxError `L1_TX_REVERTED` (data: `{ receipt, hashes }`) when the landed tx
 *   reverted; `L1_TX_STUCK` (data: `{ hashes, nonce }`) when nothing landed after `maxAttempts`
 *   sends; `L1_NONCE_USED` when the nonce was consumed by a transaction not sent here; viem errors
 *   for the first send (e.g. gas estimation reverts) and RPC failures.
 */
export async function sendWithFeeBump(opts: SendWithFeeBumpOptions): Promise<FeeBumpResult> {
  const { walletClient, publicClient, request } = opts;
  const stuckAfterMs = opts.stuckAfterMs ?? 30_000;
  const bumpPercent = opts.bumpPercent ?? 12.5;
  const maxAttempts = opts.maxAttempts ?? 5;
  const pollIntervalMs = opts.pollIntervalMs ?? 250;
  if (!(bumpPercent >= 10)) throw new ParallaxError('INVALID_ARGUMENT', `sendWithFeeBump: bumpPercent ${bumpPercent} < 10 (geth's replacement minimum)`);
  if (!(maxAttempts >= 1)) throw new ParallaxError('INVALID_ARGUMENT', `sendWithFeeBump: maxAttempts ${maxAttempts} < 1`);
  const bumpPermille = BigInt(Math.round(bumpPercent * 10));
  const account = walletClient.account;
  if (account === undefined) throw new ParallaxError('INVALID_ARGUMENT', 'sendWithFeeBump: walletClient has no account');

  const estimate = async (): Promise<Fees> => {
    const f = await publicClient.estimateFeesPerGas({ type: 'eip1559', chain: publicClient.chain ?? null });
    return { maxFeePerGas: f.maxFeePerGas, maxPriorityFeePerGas: f.maxPriorityFeePerGas };
  };
  const nonce = await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' });
  let fees = opts.initialFees ?? (await estimate());
  const hashes: Hex[] = [];

  const send = (f: Fees): Promise<Hex> =>
    walletClient.sendTransaction({
      account,
      chain: walletClient.chain ?? null,
      to: request.to,
      data: request.data,
      value: request.value,
      gas: request.gas,
      nonce,
      maxFeePerGas: f.maxFeePerGas,
      maxPriorityFeePerGas: f.maxPriorityFeePerGas,
    } as Parameters<WalletClient['sendTransaction']>[0]);

  /** Receipt of any hash sent so far, or undefined. */
  const findReceipt = async (): Promise<TransactionReceipt | undefined> => {
    for (const hash of hashes) {
      try {
        return await publicClient.getTransactionReceipt({ hash });
      } catch (err) {
        if (!(err instanceof TransactionReceiptNotFoundError)) throw err;
      }
    }
    return undefined;
  };
  const done = (receipt: TransactionReceipt, bumps: number): FeeBumpResult => {
    if (receipt.status !== 'success') {
      throw new ParallaxError('L1_TX_REVERTED', `L1 tx ${receipt.transactionHash} reverted`, { data: { receipt, hashes } });
    }
    return { receipt, hashes, bumps };
  };
  /** Polls for up to `ms`; returns the receipt when one of ours landed. */
  const waitFor = async (ms: number): Promise<TransactionReceipt | undefined> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = await findReceipt();
      if (r !== undefined) return r;
      if (Date.now() >= deadline) return undefined;
      await sleep(Math.min(pollIntervalMs, Math.max(0, deadline - Date.now())));
    }
  };

  hashes.push(await send(fees));
  let bumps = 0;
  for (let attempt = 1; ; attempt++) {
    const r = await waitFor(stuckAfterMs);
    if (r !== undefined) return done(r, bumps);
    if (attempt >= maxAttempts) break;

    const current = await estimate();
    const next: Fees = {
      maxFeePerGas: bumpFee(fees.maxFeePerGas, bumpPermille, current.maxFeePerGas),
      maxPriorityFeePerGas: bumpFee(fees.maxPriorityFeePerGas, bumpPermille, current.maxPriorityFeePerGas),
    };
    if (next.maxFeePerGas < next.maxPriorityFeePerGas) next.maxFeePerGas = next.maxPriorityFeePerGas;
    let hash: Hex;
    try {
      hash = await send(next);
    } catch (err) {
      if (!isNonceUsedError(err)) throw err;
      // The nonce is taken: one of ours was mined (or another sender's tx took it).
      opts.logger?.warn('L1 tx replacement rejected, nonce already used; waiting for the landed tx', { nonce, hashes, error: (err as Error).message });
      const landed = await waitFor(stuckAfterMs);
      if (landed !== undefined) return done(landed, bumps);
      const mined = await publicClient.getTransactionCount({ address: account.address, blockTag: 'latest' });
      const again = await findReceipt();
      if (again !== undefined) return done(again, bumps);
      if (mined > nonce) {
        throw new ParallaxError('L1_NONCE_USED', `L1 nonce ${nonce} of ${account.address} was used by a transaction not sent here (sent: ${hashes.join(', ')})`, { data: { hashes, nonce } });
      }
      throw new ParallaxError('L1_TX_STUCK', `L1 tx nonce ${nonce} not mined and replacement rejected (sent: ${hashes.join(', ')})`, { data: { hashes, nonce }, cause: err });
    }
    hashes.push(hash);
    bumps++;
    opts.logger?.warn('L1 tx stuck, resent with bumped fees', {
      nonce,
      attempt: attempt + 1,
      oldMaxFeePerGas: fees.maxFeePerGas,
      oldMaxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      newMaxFeePerGas: next.maxFeePerGas,
      newMaxPriorityFeePerGas: next.maxPriorityFeePerGas,
      oldHash: hashes[hashes.length - 2],
      newHash: hash,
    });
    fees = next;
  }
  throw new ParallaxError('L1_TX_STUCK', `L1 tx nonce ${nonce} not mined after ${maxAttempts} sends, ${stuckAfterMs} ms each (sent: ${hashes.join(', ')})`, {
    data: { hashes, nonce },
  });
}
