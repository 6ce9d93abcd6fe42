/**
 * A steady L2 load for the chaos drills: ETH transfers from several dev accounts, signed locally
 * with viem and sent with raw `eth_sendRawTransaction` calls, so that the drill knows exactly
 * which txs the sequencer **acknowledged** (answered with their hash). A send that fails (the
 * sequencer is down, the connection was reset) is not acknowledged; the sender then re-reads its
 * pending nonce from the node before going on.
 */
import { keccak256, parseGwei, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';

export interface AckedTx {
  hash: Hex;
  from: Hex;
  nonce: number;
}

async function call(url: string, method: string, params: unknown[], timeoutMs = 3000): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const j = (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
  if (j.error !== undefined) throw Object.assign(new Error(j.error.message), { rpcCode: j.error.code });
  return j.result;
}

export class Load {
  readonly acked: AckedTx[] = [];
  /** Sends that got an error answer or no answer. */
  failedSends = 0;
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly url: string;
  private readonly senders: Array<{ key: Hex; address: Hex }>;
  private readonly intervalMs: number;

  /**
   * @param opts.senders dev account indexes sending (default 10..15; 1 and 2 are the L1 sequencer
   *   and proposer, which does not matter on L2 but keeps logs readable).
   * @param opts.intervalMs pause between two sends of one sender, ms (default 20).
   */
  constructor(opts: { url: string; senders?: number[]; intervalMs?: number }) {
    this.url = opts.url;
    const keys = devPrivateKeys(20);
    this.senders = (opts.senders ?? [10, 11, 12, 13, 14, 15]).map((i) => ({ key: keys[i]!, address: privateKeyToAccount(keys[i]!).address }));
    this.intervalMs = opts.intervalMs ?? 20;
  }

  start(): void {
    this.running = true;
    this.loops = this.senders.map((s, i) => this.senderLoop(s, i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async senderLoop(s: { key: Hex; address: Hex }, idx: number): Promise<void> {
    const account = privateKeyToAccount(s.key);
    const to = this.senders[(idx + 1) % this.senders.length]!.address;
    let nonce: number | undefined;
    while (this.running) {
      try {
        if (nonce === undefined) nonce = Number(BigInt((await call(this.url, 'eth_getTransactionCount', [s.address, 'pending'])) as Hex));
        const raw = await account.signTransaction({
          type: 'eip1559',
          chainId: 901,
          nonce,
          to,
          value: 1n + BigInt(this.acked.length),
          gas: 21_000n,
          maxFeePerGas: parseGwei('20'),
          maxPriorityFeePerGas: parseGwei('1'),
        });
        const hash = (await call(this.url, 'eth_sendRawTransaction', [raw])) as Hex;
        if (hash !== keccak256(raw)) throw new Error(`eth_sendRawTransaction returned ${hash}, want ${keccak256(raw)}`);
        this.acked.push({ hash, from: s.address, nonce });
        nonce++;
      } catch {
        this.failedSends++;
        nonce = undefined; // re-read: the tx may or may not have been persisted
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }
}

export { call as rpcCall };
