/**
 * The bench's workloads: deterministic plans of N unsigned transactions over a fixed pre-state
 * (funded senders, two OpenZeppelin ERC-20s, one Uniswap V2 pair; see `prestate.ts`).
 *
 * - `eth-transfers`: N senders, one ETH transfer each to its own fresh recipient (fully disjoint).
 * - `erc20-disjoint`: N senders, one DemoToken A transfer each to its own fresh recipient
 *   (distinct balance slots; the token account itself is only read).
 * - `erc20-hotspot`: N senders, one token A transfer each, all into one recipient (one slot
 *   written by every tx: fully conflicting).
 * - `uniswap-one-pair`: N/2 traders, each a token transfer into the pair followed by `swap`
 *   (the two txs adjacent in the block), alternating direction, on one pair: every unit reads
 *   and writes the pair's reserves (fully conflicting). Odd N: the last tx is a lone transfer
 *   into the pair (a donation the next `sync` would absorb).
 * - `mixed`: {@link MIXED_BLEND} of the four kinds (by tx count; swaps rounded to whole units),
 *   units shuffled with a fixed seed, keeping the swaps in plan order (their amounts are
 *   computed in advance with x*y=k, so their relative order must not change).
 *
 * Every sender sends one tx, or one swap unit (two txs, nonces 0 and 1), so sender grouping never
 * hides a conflict: what ends up in one group is there because of real state conflicts.
 * Amounts and recipients make every tx succeed (the bench checks status 1 on every receipt).
 */
import { createRequire } from 'node:module';
import { concatHex, encodeFunctionData, erc20Abi, getContractAddress, keccak256, toHex, type Address, type Hex } from 'viem';
import { Rng } from '../../sequencer/vectors/fuzz.ts';
import { getAmountOut } from '../demo/contracts.ts';
import { GAS, LIQUIDITY, pairAbi } from '../demo/load.ts';

const require = createRequire(import.meta.url);
const secp256k1 = require('secp256k1') as { publicKeyCreate(priv: Uint8Array, compressed?: boolean): Uint8Array };

export const WORKLOADS = ['eth-transfers', 'erc20-disjoint', 'erc20-hotspot', 'uniswap-one-pair', 'mixed'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** Share of each tx kind in the `mixed` workload (by tx count). */
export const MIXED_BLEND = { eth: 0.4, erc20: 0.3, hot: 0.15, swap: 0.15 } as const;

/** What a planned tx does. */
export type BenchTxKind = keyof typeof MIXED_BLEND;

/** Chain id the bench executes with (the devnet L2's). */
export const BENCH_CHAIN_ID = 901n;
/** Base fee of every bench block (wei per gas) and the fee fields every tx carries (wei per gas). */
export const BASE_FEE = 1_000_000_000n;
export const MAX_FEE = 3_000_000_000n;
export const TIP = 100_000_000n;
/** Token base units per token (18 decimals). */
export const TOKEN = 10n ** 18n;
/** Tokens of each kind a sender/trader holds in the pre-state. */
export const HOLDING = 10_000n * TOKEN;
/** Tokens moved into the pair per swap (plus the unit index, so amounts differ). */
export const SWAP_IN = 100n * TOKEN;

/** Private key of bench account `i` (deterministic; never use outside a benchmark). */
export function senderKey(i: number): Hex {
  return keccak256(toHex(`parallax-bench sender ${i}`));
}
/** Private key of the account that deploys the tokens and the pair. */
export const DEPLOYER_KEY: Hex = keccak256(toHex('parallax-bench deployer'));

/**
 * Address of a secp256k1 private key: keccak256 of the uncompressed public key, last 20 bytes
 * (Yellow Paper eq. 284). Uses the native libsecp256k1 binding (~50x faster than the pure-JS
 * derivation: the bench derives one address per sender, thousands per run). Lower case.
 */
export function addressOf(privateKey: Hex): Address {
  const pub = secp256k1.publicKeyCreate(Buffer.from(privateKey.slice(2), 'hex'), false);
  return `0x${keccak256(pub.subarray(1)).slice(-40)}` as Address;
}

/** A fresh (empty in the pre-state) recipient address, one per index. */
export function freshAddress(i: number): Address {
  return `0xb0${i.toString(16).padStart(38, '0')}` as Address;
}
/** The recipient of every `erc20-hotspot` / `hot` transfer. */
export const HOT_ADDRESS: Address = '0x00000000000000000000000000000000000b0b07';

/** Addresses of the setup contracts (deployer nonces 0, 1, 2; the pair by CREATE2). */
export interface BenchDeployment {
  deployer: Address;
  tokenA: Address;
  tokenB: Address;
  factory: Address;
  pair: Address;
  /** `token0 < token1`, as the pair orders them. */
  token0: Address;
  token1: Address;
}

/**
 * Where the setup block puts the contracts: tokens and factory at the deployer's first CREATE
 * addresses, the pair at UniswapV2Factory's CREATE2 address (salt keccak256(token0 ++ token1),
 * init code = the pair's creation bytecode).
 */
export function benchDeployment(pairBytecode: Hex): BenchDeployment {
  const deployer = addressOf(DEPLOYER_KEY);
  const tokenA = getContractAddress({ from: deployer, nonce: 0n });
  const tokenB = getContractAddress({ from: deployer, nonce: 1n });
  const factory = getContractAddress({ from: deployer, nonce: 2n });
  const [token0, token1] = BigInt(tokenA) < BigInt(tokenB) ? [tokenA, tokenB] : [tokenB, tokenA];
  const pair = getContractAddress({ opcode: 'CREATE2', from: factory, salt: keccak256(concatHex([token0, token1])), bytecode: pairBytecode });
  return { deployer, tokenA, tokenB, factory, pair, token0, token1 };
}

/** One unsigned transaction of a plan. `sender` indexes {@link senderKey}. */
export interface PlannedTx {
  kind: BenchTxKind;
  sender: number;
  nonce: number;
  to: Address;
  /** Wei. */
  value: bigint;
  data: Hex;
  /** Gas limit. */
  gas: bigint;
  /**
   * What the tx truly conflicts on by construction: txs with the same key touch common state
   * (`hot`: the hot recipient's balance slot; `pair`: the pair's reserves), every other key is
   * unique to one sender. Gives the workload's own ideal speedup, independent of what an
   * executor detects.
   */
  conflict: string;
}

/** A token balance the pre-state gives a holder (written into the token's `_balances`). */
export interface Holding {
  token: Address;
  holder: Address;
  /** Token base units. */
  amount: bigint;
}

export interface Plan {
  workload: WorkloadName;
  txs: PlannedTx[];
  /** Senders used: keys `senderKey(0 .. senders-1)`, each funded with ETH in the pre-state. */
  senders: number;
  /** Token balances the senders need. */
  holdings: Holding[];
  /** Count of each kind. */
  mix: Record<BenchTxKind, number>;
}

/** Counts of each kind in a `mixed` plan of `n` txs (exactly `n`; swaps a multiple of 2). */
export function mixedCounts(n: number): Record<BenchTxKind, number> {
  const swap = 2 * Math.round((n * MIXED_BLEND.swap) / 2);
  const hot = Math.round(n * MIXED_BLEND.hot);
  const erc20 = Math.round(n * MIXED_BLEND.erc20);
  const eth = Math.max(0, n - swap - hot - erc20);
  return { eth, erc20, hot, swap };
}

type Unit = Array<Omit<PlannedTx, 'nonce' | 'conflict'>>;

const transferData = (to: Address, amount: bigint): Hex => encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, amount] });

/**
 * Plans `n` transactions of `workload` (deterministic: same inputs, same plan).
 * @throws RangeError on `n < 1` or an unknown workload.
 */
export function planWorkload(workload: WorkloadName, n: number, d: BenchDeployment): Plan {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`planWorkload: n must be a positive integer, got ${n}`);
  let next = 0; // next sender index
  const holdings: Holding[] = [];
  const hold = (token: Address, s: number) => holdings.push({ token, holder: addressOf(senderKey(s)), amount: HOLDING });

  const eth = (count: number): Unit[] =>
    Array.from({ length: count }, (_, i) => {
      const s = next++;
      return [{ kind: 'eth', sender: s, to: freshAddress(s), value: 1n + BigInt(i), data: '0x', gas: GAS.ethTransfer }];
    });
  const erc20 = (count: number, kind: 'erc20' | 'hot'): Unit[] =>
    Array.from({ length: count }, (_, i) => {
      const s = next++;
      hold(d.tokenA, s);
      const to = kind === 'hot' ? HOT_ADDRESS : freshAddress(s);
      return [{ kind, sender: s, to: d.tokenA, value: 0n, data: transferData(to, TOKEN + BigInt(i)), gas: GAS.tokenTransfer }];
    });
  const swaps = (count: number): Unit[] => {
    // Reserves after the setup's mint: LIQUIDITY of each token.
    let [r0, r1] = [LIQUIDITY, LIQUIDITY];
    const units: Unit[] = [];
    for (let k = 0; k < Math.ceil(count / 2); k++) {
      const s = next++;
      hold(d.token0, s);
      hold(d.token1, s);
      const trader = addressOf(senderKey(s));
      const zeroForOne = k % 2 === 0;
      const amountIn = SWAP_IN + BigInt(k);
      const transferIn = { kind: 'swap' as const, sender: s, to: zeroForOne ? d.token0 : d.token1, value: 0n, data: transferData(d.pair, amountIn), gas: GAS.tokenTransfer };
      if (2 * k + 1 === count) {
        units.push([transferIn]); // odd count: a lone donation, last in plan order
        break;
      }
      const out = zeroForOne ? getAmountOut(amountIn, r0, r1) : getAmountOut(amountIn, r1, r0);
      if (zeroForOne) [r0, r1] = [r0 + amountIn, r1 - out];
      else [r0, r1] = [r0 - out, r1 + amountIn];
      const data = encodeFunctionData({ abi: pairAbi, functionName: 'swap', args: [zeroForOne ? 0n : out, zeroForOne ? out : 0n, trader, '0x'] });
      units.push([transferIn, { kind: 'swap', sender: s, to: d.pair, value: 0n, data, gas: GAS.swap }]);
    }
    return units;
  };

  let units: Unit[];
  let mix: Record<BenchTxKind, number>;
  switch (workload) {
    case 'eth-transfers':
      units = eth(n);
      mix = { eth: n, erc20: 0, hot: 0, swap: 0 };
      break;
    case 'erc20-disjoint':
      units = erc20(n, 'erc20');
      mix = { eth: 0, erc20: n, hot: 0, swap: 0 };
      break;
    case 'erc20-hotspot':
      units = erc20(n, 'hot');
      mix = { eth: 0, erc20: 0, hot: n, swap: 0 };
      break;
    case 'uniswap-one-pair':
      units = swaps(n);
      mix = { eth: 0, erc20: 0, hot: 0, swap: n };
      break;
    case 'mixed': {
      mix = mixedCounts(n);
      const byKind: Record<BenchTxKind, Unit[]> = { eth: eth(mix.eth), erc20: erc20(mix.erc20, 'erc20'), hot: erc20(mix.hot, 'hot'), swap: swaps(mix.swap) };
      units = interleave(byKind, new Rng(0xbe9c));
      break;
    }
    default:
      throw new RangeError(`unknown workload ${String(workload)}`);
  }
  const nonces = new Map<number, number>();
  const txs: PlannedTx[] = [];
  for (const unit of units) {
    for (const tx of unit) {
      const nonce = nonces.get(tx.sender) ?? 0;
      nonces.set(tx.sender, nonce + 1);
      const conflict = tx.kind === 'hot' ? 'hot' : tx.kind === 'swap' ? 'pair' : `${tx.kind}:${tx.sender}`;
      txs.push({ ...tx, nonce, conflict });
    }
  }
  return { workload, txs, senders: next, holdings, mix };
}

/**
 * Shuffles units of several kinds together (Fisher-Yates on the sequence of kinds), keeping each
 * kind's units in their original order.
 */
export function interleave<K extends string, U>(byKind: Record<K, U[]>, rng: Rng): U[] {
  const kinds: K[] = [];
  for (const [k, us] of Object.entries(byKind) as Array<[K, U[]]>) for (let i = 0; i < us.length; i++) kinds.push(k);
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const pos = {} as Record<K, number>;
  return kinds.map((k) => byKind[k][(pos[k] = (pos[k] ?? -1) + 1)]!);
}

/**
 * Ideal speedup of blocks by construction of the workload: total txs / sum over blocks of the
 * largest set of txs sharing a {@link PlannedTx.conflict} key (total work / critical path,
 * uniform tx cost).
 */
export function planIdealSpeedup(blocks: PlannedTx[][]): number {
  let critical = 0;
  let total = 0;
  for (const b of blocks) {
    const counts = new Map<string, number>();
    for (const t of b) counts.set(t.conflict, (counts.get(t.conflict) ?? 0) + 1);
    critical += Math.max(0, ...counts.values());
    total += b.length;
  }
  return critical === 0 ? 1 : total / critical;
}

/** Splits `items` into `k` consecutive chunks whose sizes differ by at most one (no empty chunk). */
export function splitBlocks<T>(items: T[], k: number): T[][] {
  const blocks = Math.max(1, Math.min(k, items.length));
  const out: T[][] = [];
  for (let b = 0, start = 0; b < blocks; b++) {
    const size = Math.floor(items.length / blocks) + (b < items.length % blocks ? 1 : 0);
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out;
}
