/**
 * How queue workers get the L2 blocks they post: from the sequencer's **L2 JSON-RPC**
 * (`eth_getBlockByNumber(n, true)`), so a worker runs on any machine that reaches the RPC (the
 * SQLite file is local to the sequencer's machine). Raw EIP-2718 txs are rebuilt from the full
 * tx objects (viem `serializeTransaction` with the signature) and each is checked against its
 * hash (`keccak256(raw) == tx.hash`), so a worker never posts bytes the sequencer did not seal.
 *
 * {@link loadSnapshot} gives the blocks as an `L2ChainReader` (what `Batcher`/`Proposer` read),
 * so the workers run the unchanged batcher and proposer code over a range fetched per job.
 */
import {
  createPublicClient,
  http,
  keccak256,
  serializeTransaction,
  type Block,
  type Hex,
  type PublicClient,
  type Transaction,
} from 'viem';
import type { L2Header } from '../chain/header.ts';
import type { L2ChainReader } from '../chain/reader.ts';
import { ParallaxError } from '../errors.ts';

/** A sealed L2 block as the worker needs it. */
export interface SourcedBlock {
  header: L2Header;
  /** Raw EIP-2718 txs in block order. */
  txs: Hex[];
}

/** Where blocks come from (the L2 JSON-RPC in production; anything in tests). */
export interface L2BlockSource {
  /** Block `n` with its raw txs, or undefined when not sealed. */
  block(n: bigint): Promise<SourcedBlock | undefined>;
}

/**
 * Rebuilds the signed raw tx of an RPC tx object.
 * @throws ParallaxError `L2_TX_MISMATCH` when the rebuilt bytes do not hash to `tx.hash`;
 *   `L2_TX_UNSUPPORTED` for a type the rollup does not carry (blob txs).
 */
export function rawFromRpcTx(tx: Transaction): Hex {
  const base = { chainId: tx.chainId, nonce: tx.nonce, gas: tx.gas, to: tx.to ?? undefined, value: tx.value, data: tx.input };
  let raw: Hex;
  // viem's union types do not narrow across these shapes; the objects are checked by the hash below.
  const ser = serializeTransaction as (t: unknown, s: unknown) => Hex;
  switch (tx.type) {
    case 'legacy':
      raw = ser({ ...base, type: 'legacy', gasPrice: tx.gasPrice }, { r: tx.r, s: tx.s, v: tx.v });
      break;
    case 'eip2930':
      raw = ser({ ...base, type: 'eip2930', gasPrice: tx.gasPrice, accessList: tx.accessList }, { r: tx.r, s: tx.s, yParity: tx.yParity });
      break;
    case 'eip1559':
      raw = ser(
        { ...base, type: 'eip1559', maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas, accessList: tx.accessList },
        { r: tx.r, s: tx.s, yParity: tx.yParity },
      );
      break;
    case 'eip7702':
      raw = ser(
        {
          ...base,
          type: 'eip7702',
          maxFeePerGas: tx.maxFeePerGas,
          maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
          accessList: tx.accessList,
          authorizationList: tx.authorizationList,
        },
        { r: tx.r, s: tx.s, yParity: tx.yParity },
      );
      break;
    default:
      throw new ParallaxError('L2_TX_UNSUPPORTED', `L2 tx ${tx.hash} has type ${tx.type}, not carried in batches`);
  }
  if (keccak256(raw) !== tx.hash) throw new ParallaxError('L2_TX_MISMATCH', `rebuilt raw tx does not hash to ${tx.hash}`);
  return raw;
}

function headerOf(b: Block<bigint, true>): L2Header {
  if (b.number === null || b.hash === null) throw new ParallaxError('MISSING_BLOCK', 'L2 RPC returned a pending block');
  return {
    number: b.number,
    hash: b.hash,
    parentHash: b.parentHash,
    timestamp: b.timestamp,
    miner: b.miner,
    stateRoot: b.stateRoot,
    transactionsRoot: b.transactionsRoot,
    receiptsRoot: b.receiptsRoot,
    logsBloom: b.logsBloom ?? '0x',
    gasLimit: b.gasLimit,
    gasUsed: b.gasUsed,
    baseFeePerGas: b.baseFeePerGas ?? 0n,
    mixHash: b.mixHash,
    extraData: b.extraData,
  };
}

/** {@link L2BlockSource} over the sequencer's L2 JSON-RPC (`L2_RPC_URL`). */
export class RpcBlockSource implements L2BlockSource {
  readonly client: PublicClient;

  constructor(url: string) {
    this.client = createPublicClient({ transport: http(url, { retryCount: 3 }) }) as PublicClient;
  }

  async block(n: bigint): Promise<SourcedBlock | undefined> {
    let b: Block<bigint, true>;
    try {
      b = (await this.client.getBlock({ blockNumber: n, includeTransactions: true })) as Block<bigint, true>;
    } catch (err) {
      if ((err as { name?: string }).name === 'BlockNotFoundError') return undefined;
      throw err;
    }
    const txs = b.transactions.map((tx) => rawFromRpcTx(tx as Transaction));
    return { header: headerOf(b), txs };
  }
}

/** An in-memory `L2ChainReader` over blocks `first..last` fetched from a source. */
export class ChainSnapshot implements L2ChainReader {
  private readonly blocks = new Map<bigint, SourcedBlock>();
  private readonly head: bigint;

  constructor(blocks: SourcedBlock[]) {
    for (const b of blocks) this.blocks.set(b.header.number, b);
    this.head = blocks.reduce((m, b) => (b.header.number > m ? b.header.number : m), -1n);
  }
  headNumber(): bigint {
    return this.head;
  }
  header(n: bigint): L2Header | undefined {
    return this.blocks.get(n)?.header;
  }
  txs(n: bigint): Hex[] {
    return this.blocks.get(n)?.txs ?? [];
  }
}

/**
 * Fetches blocks `first..last` (8 at a time) into a {@link ChainSnapshot}.
 * @throws ParallaxError `MISSING_BLOCK` when a block is not sealed (yet); source errors.
 */
export async function loadSnapshot(source: L2BlockSource, first: bigint, last: bigint): Promise<ChainSnapshot> {
  const out: SourcedBlock[] = [];
  for (let n = first; n <= last; n += 8n) {
    const ns: bigint[] = [];
    for (let k = n; k <= last && k < n + 8n; k++) ns.push(k);
    const got = await Promise.all(ns.map((k) => source.block(k)));
    got.forEach((b, i) => {
      if (b === undefined) throw new ParallaxError('MISSING_BLOCK', `L2 block ${ns[i]} is not sealed (L2 RPC)`);
      out.push(b);
    });
  }
  return new ChainSnapshot(out);
}
