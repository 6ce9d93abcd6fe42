/**
 * Block transaction selection, like geth's miner with `newTransactionsByPriceAndNonce`: per
 * sender, txs run in nonce order from the state nonce; across senders the next tx is the sender
 * head with the highest effective tip (min(maxPriorityFeePerGas, maxFeePerGas - baseFee)), ties
 * by earlier arrival.
 */
import type { Hex } from 'viem';
import type { PendingTx } from './types.ts';
import { effectiveTip } from './validate.ts';

/** Intrinsic gas of the cheapest tx; below this much gas left, no tx can fit (geth params.TxGas). */
export const TX_GAS = 21_000n;

interface Head {
  /** The sender's executable txs in nonce order; `i` is the next one. */
  txs: PendingTx[];
  i: number;
  tip: bigint;
}

/** Binary max-heap of sender heads by (tip desc, arrival asc). */
class HeadHeap {
  readonly #a: Head[] = [];
  get size(): number {
    return this.#a.length;
  }
  #before(x: Head, y: Head): boolean {
    if (x.tip !== y.tip) return x.tip > y.tip;
    return x.txs[x.i]!.arrival < y.txs[y.i]!.arrival;
  }
  push(h: Head): void {
    const a = this.#a;
    a.push(h);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Head | undefined {
    const a = this.#a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.#before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.#before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Picks txs for one block.
 *
 * @param bySender Each sender's pooled txs keyed by nonce.
 * @param stateNonce Nonce of each sender in the parent state.
 * @param opts baseFee (wei per gas), gasLimit (gas available), maxTxs.
 * @returns Txs in execution order. A sender's run stops at its first tx with maxFeePerGas <
 *   baseFee, and at the first tx that does not fit the gas left (later nonces cannot run
 *   without it); other senders' smaller txs are still tried. Stops when less than 21,000 gas is
 *   left.
 */
export async function selectTransactions(
  bySender: ReadonlyMap<Hex, ReadonlyMap<bigint, PendingTx>>,
  stateNonce: (address: Hex) => Promise<bigint> | bigint,
  opts: { baseFee: bigint; gasLimit: bigint; maxTxs?: number },
): Promise<PendingTx[]> {
  const heap = new HeadHeap();
  for (const [sender, txs] of bySender) {
    let nonce = await stateNonce(sender);
    const run: PendingTx[] = [];
    for (let tx = txs.get(nonce); tx !== undefined && tx.maxFeePerGas >= opts.baseFee; tx = txs.get(++nonce)) run.push(tx);
    if (run.length > 0) heap.push({ txs: run, i: 0, tip: effectiveTip(run[0]!, opts.baseFee) });
  }
  const maxTxs = opts.maxTxs ?? Infinity;
  const out: PendingTx[] = [];
  let gasLeft = opts.gasLimit;
  while (out.length < maxTxs && gasLeft >= TX_GAS) {
    const head = heap.pop();
    if (head === undefined) break;
    const tx = head.txs[head.i]!;
    if (tx.gasLimit > gasLeft) continue; // drop this sender, keep looking for smaller txs
    out.push(tx);
    gasLeft -= tx.gasLimit;
    head.i++;
    if (head.i < head.txs.length) {
      head.tip = effectiveTip(head.txs[head.i]!, opts.baseFee);
      heap.push(head);
    }
  }
  return out;
}
