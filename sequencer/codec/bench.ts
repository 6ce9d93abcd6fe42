/**
 * Compression measurement for the batch format: brotli vs deflate vs none on realistic L2
 * traffic (viem-signed EIP-1559 ETH transfers and ERC-20 `transfer` calls from a pool of
 * senders). The numbers in sequencer/codec/README.md come from
 * `node sequencer/codec/bench.ts` (prints a markdown table).
 */
import { fileURLToPath } from 'node:url';
import { encodeFunctionData, parseAbi, parseGwei, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { type BatchBlock, type BatchCompression, encodeBatch } from './batch.ts';

/** The encoder settings compared: name, compression, level. */
export const BENCH_SETTINGS: ReadonlyArray<readonly [string, BatchCompression, number]> = [
  ['deflate-6', 'deflate', 6],
  ['deflate-9', 'deflate', 9],
  ['brotli-5', 'brotli', 5],
  ['brotli-9', 'brotli', 9],
  ['brotli-11', 'brotli', 11],
];

const erc20 = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);

/** Deterministic PRNG (mulberry32), so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link makeRealisticBlocks}. */
export interface TrafficOptions {
  blocks: number;
  txsPerBlock: number;
  /** Share of ERC-20 transfers (0..1); the rest are ETH transfers. */
  erc20Share: number;
  /** Distinct senders (default 100). */
  senders?: number;
  /** Distinct ERC-20 contracts (default 5). */
  tokens?: number;
  chainId?: number;
  firstBlock?: bigint;
  /** Timestamp of the first block, unix seconds (blocks 2 s apart). */
  firstTimestamp?: bigint;
  seed?: number;
}

/**
 * Signed L2-like traffic: EIP-1559 txs (chain id 901 by default) from `senders` random keys with
 * sequential nonces, to random recipients; ETH values and token amounts rounded to 3 significant
 * digits like wallet users type them; fee caps as a wallet's estimate (same for all txs).
 */
export async function makeRealisticBlocks(o: TrafficOptions): Promise<BatchBlock[]> {
  const rand = rng(o.seed ?? 1);
  const senders: Array<{ acct: PrivateKeyAccount; nonce: number }> = Array.from({ length: o.senders ?? 100 }, () => ({
    acct: privateKeyToAccount(generatePrivateKey()),
    nonce: Math.floor(rand() * 50),
  }));
  const randAddr = (): Hex => `0x${Array.from({ length: 20 }, () => Math.floor(rand() * 256).toString(16).padStart(2, '0')).join('')}`;
  const tokens = Array.from({ length: o.tokens ?? 5 }, randAddr);
  const amount = (decimals: number): bigint => {
    const mantissa = BigInt(1 + Math.floor(rand() * 999));
    const exp = BigInt(Math.max(0, decimals - 3 + Math.floor(rand() * 4)));
    return mantissa * 10n ** exp;
  };
  const blocks: BatchBlock[] = [];
  const first = o.firstBlock ?? 1n;
  const ts0 = o.firstTimestamp ?? 1_700_000_000n;
  for (let b = 0; b < o.blocks; b++) {
    const txs: Hex[] = [];
    for (let i = 0; i < o.txsPerBlock; i++) {
      const s = senders[Math.floor(rand() * senders.length)]!;
      const isErc20 = rand() < o.erc20Share;
      const common = {
        chainId: o.chainId ?? 901,
        type: 'eip1559' as const,
        nonce: s.nonce++,
        maxFeePerGas: parseGwei('2'),
        maxPriorityFeePerGas: parseGwei('0.001'),
      };
      const tx = isErc20
        ? {
            ...common,
            to: tokens[Math.floor(rand() * tokens.length)]!,
            gas: 65_000n,
            value: 0n,
            data: encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [randAddr(), amount(18)] }),
          }
        : { ...common, to: randAddr(), gas: 21_000n, value: amount(17) };
      txs.push(await s.acct.signTransaction(tx));
    }
    blocks.push({ number: first + BigInt(b), timestamp: ts0 + 2n * BigInt(b), txs });
  }
  return blocks;
}

/** One row of {@link benchCompression}. */
export interface BenchRow {
  scenario: string;
  txs: number;
  rawBytes: number;
  /** Batch size in bytes per setting of {@link BENCH_SETTINGS}, and encode time in ms (median of `repeat`). */
  sizes: Record<string, number>;
  encodeMs: Record<string, number>;
}

/**
 * Measures batch size and encode time per compression on a few traffic mixes.
 * @param repeat encodes per measurement (median reported).
 */
export async function benchCompression(repeat = 5): Promise<BenchRow[]> {
  const scenarios: Array<[string, TrafficOptions]> = [
    ['ETH transfers, 1 block x 20 txs', { blocks: 1, txsPerBlock: 20, erc20Share: 0 }],
    ['ETH transfers, 64 blocks x 15 txs', { blocks: 64, txsPerBlock: 15, erc20Share: 0 }],
    ['ERC-20 transfers, 64 blocks x 15 txs', { blocks: 64, txsPerBlock: 15, erc20Share: 1 }],
    ['50/50 mix, 64 blocks x 15 txs', { blocks: 64, txsPerBlock: 15, erc20Share: 0.5 }],
    ['50/50 mix, 1 sender pool of 10, 64 x 15', { blocks: 64, txsPerBlock: 15, erc20Share: 0.5, senders: 10 }],
    ['50/50 mix, 16 blocks x 250 txs (large)', { blocks: 16, txsPerBlock: 250, erc20Share: 0.5, senders: 1000 }],
  ];
  const rows: BenchRow[] = [];
  for (const [scenario, opts] of scenarios) {
    const blocks = await makeRealisticBlocks(opts);
    const sizes: Record<string, number> = {};
    const encodeMs: Record<string, number> = {};
    const rawBytes = encodeBatch(blocks, { compression: 'none' }).rawBytes;
    for (const [name, compression, level] of BENCH_SETTINGS) {
      const times: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const t0 = performance.now();
        sizes[name] = encodeBatch(blocks, { compression, level }).data.length;
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      encodeMs[name] = times[Math.floor(times.length / 2)]!;
    }
    rows.push({ scenario, txs: opts.blocks * opts.txsPerBlock, rawBytes, sizes, encodeMs });
  }
  return rows;
}

/** Renders {@link benchCompression} rows as a markdown table. */
export function benchTable(rows: BenchRow[]): string {
  const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
  const names = BENCH_SETTINGS.map(([n]) => n);
  const lines = [
    `| traffic | txs | RLP bytes | ${names.map((n) => `${n} bytes (of RLP, ms)`).join(' | ')} |`,
    `|---|---:|---:|${names.map(() => '---:').join('|')}|`,
  ];
  for (const r of rows) {
    const cells = names.map((n) => `${r.sizes[n]} (${pct(r.sizes[n]!, r.rawBytes)}, ${r.encodeMs[n]!.toFixed(1)})`);
    lines.push(`| ${r.scenario} | ${r.txs} | ${r.rawBytes} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(benchTable(await benchCompression()));
}
