/**
 * Differential fuzzing of block executors: seeded random blocks executed by two executors (the
 * sequential reference and the parallel one) on two separate state databases from the same
 * genesis; per block the state root, receipts root, gas used, logs bloom and every receipt field
 * must be equal, and a block one rejects the other must reject at the same tx index.
 *
 * Workload (chain id {@link FUZZ_CHAIN_ID}, EIP-1559 txs signed with viem): ~12 funded accounts
 * plus the coinbase's own key, mixing ETH transfers (same sender repeated, same recipient,
 * self-transfers, to the coinbase, to fresh addresses), calls to hand-assembled contracts placed
 * in genesis ({@link FUZZ_CONTRACTS}: shared counter, per-caller slot, BALANCE(COINBASE) and
 * block-env reader, reverter, out-of-gas burner, CREATE/CREATE2 factory whose children can
 * SELFDESTRUCT in the creating tx (EIP-6780), a pre-existing SELFDESTRUCT contract, transient
 * storage, and a router making nested CALL/DELEGATECALL/STATICCALL and recursive calls),
 * contract-creation txs, and a few invalid blocks (nonce gap, insufficient funds, block gas limit).
 * Blocks alternate between a `contended` and a `sparse` (mostly independent txs) profile.
 * {@link SCENARIOS} adds hand-written blocks for cases random blocks hit rarely or never.
 *
 * Everything is a pure function of the seed: `FUZZ_SEED=S FUZZ_BLOCKS=N` reproduces a run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Address } from '@ethereumjs/util';
import { bytesToHex, concatHex, hexToBytes, keccak256, numberToHex, padHex, toHex, type Hex } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { makeCommon } from '../chain/common.ts';
import { InvalidTransactionError, ParallaxError } from '../errors.ts';
import type { BlockEnv, BlockExecutor, BlockResult } from '../executor/types.ts';
import { StateDb, type GenesisAlloc } from '../state/state-db.ts';

// ---------------------------------------------------------------------------------------------
// PRNG

/** mulberry32: a 32-bit seeded PRNG; returns floats in [0, 1). Same seed, same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Convenience draws over {@link mulberry32}. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Float in [0, 1). */
  float(): number {
    return this.next();
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    let x = this.next() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) if ((x -= w) < 0) return k;
    return entries.at(-1)![0];
  }
  /** `n` random bytes as hex. */
  bytes(n: number): Hex {
    let s = '0x';
    for (let i = 0; i < n; i++) s += this.int(256).toString(16).padStart(2, '0');
    return s as Hex;
  }
}

// ---------------------------------------------------------------------------------------------
// A tiny EVM assembler (Cancun opcodes used by the fuzz contracts)

const OPCODES: Record<string, number> = {
  STOP: 0x00, ADD: 0x01, MUL: 0x02, SUB: 0x03, DIV: 0x04, MOD: 0x06, LT: 0x10, GT: 0x11, EQ: 0x14,
  ISZERO: 0x15, AND: 0x16, OR: 0x17, SHL: 0x1b, SHR: 0x1c, KECCAK256: 0x20, ADDRESS: 0x30,
  BALANCE: 0x31, ORIGIN: 0x32, CALLER: 0x33, CALLVALUE: 0x34, CALLDATALOAD: 0x35,
  CALLDATASIZE: 0x36, CALLDATACOPY: 0x37, CODECOPY: 0x39, GASPRICE: 0x3a, EXTCODESIZE: 0x3b,
  EXTCODEHASH: 0x3f, BLOCKHASH: 0x40, COINBASE: 0x41, TIMESTAMP: 0x42, NUMBER: 0x43,
  PREVRANDAO: 0x44, GASLIMIT: 0x45, CHAINID: 0x46, SELFBALANCE: 0x47, BASEFEE: 0x48, POP: 0x50,
  MLOAD: 0x51, MSTORE: 0x52, SLOAD: 0x54, SSTORE: 0x55, JUMP: 0x56, JUMPI: 0x57, GAS: 0x5a,
  JUMPDEST: 0x5b, TLOAD: 0x5c, TSTORE: 0x5d, PUSH0: 0x5f, DUP1: 0x80, DUP2: 0x81, DUP3: 0x82,
  SWAP1: 0x90, SWAP2: 0x91, LOG0: 0xa0, LOG1: 0xa1, LOG2: 0xa2, CREATE: 0xf0, CALL: 0xf1,
  RETURN: 0xf3, DELEGATECALL: 0xf4, CREATE2: 0xf5, STATICCALL: 0xfa, REVERT: 0xfd,
  SELFDESTRUCT: 0xff,
};

/**
 * Assembler items: an opcode name; a number/bigint (pushed with the shortest PUSH, 0 = PUSH0);
 * `{ label }` (a JUMPDEST); `{ mark }` (a position, no byte); `{ ref }` (PUSH2 of a label/mark's
 * offset); `{ data }` (raw bytes).
 */
export type AsmItem = string | number | bigint | { label: string } | { mark: string } | { ref: string } | { data: Hex };

/**
 * Assembles `items` into bytecode.
 * @throws ParallaxError `ASM` on an unknown opcode or label.
 */
export function assemble(items: readonly AsmItem[]): Hex {
  const pushBytes = (v: bigint): number[] => {
    const out: number[] = [];
    for (let x = v; x > 0n; x >>= 8n) out.unshift(Number(x & 0xffn));
    return out;
  };
  const positions = new Map<string, number>();
  // pass 1: sizes (refs are always PUSH2)
  let pc = 0;
  for (const it of items) {
    if (typeof it === 'string') pc += 1;
    else if (typeof it === 'number' || typeof it === 'bigint') pc += 1 + pushBytes(BigInt(it)).length;
    else if ('label' in it) positions.set(it.label, pc++);
    else if ('mark' in it) positions.set(it.mark, pc);
    else if ('ref' in it) pc += 3;
    else pc += (it.data.length - 2) / 2;
  }
  const out: number[] = [];
  for (const it of items) {
    if (typeof it === 'string') {
      const op = OPCODES[it];
      if (op === undefined) throw new ParallaxError('ASM', `unknown opcode ${it}`);
      out.push(op);
    } else if (typeof it === 'number' || typeof it === 'bigint') {
      const b = pushBytes(BigInt(it));
      out.push(b.length === 0 ? 0x5f : 0x5f + b.length, ...b);
    } else if ('label' in it) out.push(0x5b);
    else if ('mark' in it) continue;
    else if ('ref' in it) {
      const p = positions.get(it.ref);
      if (p === undefined) throw new ParallaxError('ASM', `unknown label ${it.ref}`);
      out.push(0x61, p >> 8, p & 0xff);
    } else out.push(...hexToBytes(it.data));
  }
  return bytesToHex(new Uint8Array(out));
}

/** Init code that deploys `runtime` (after storing CALLVALUE at slot 1). */
export function initCode(runtime: Hex): Hex {
  const len = (runtime.length - 2) / 2;
  const prefix = (off: number) => assemble(['CALLVALUE', 1, 'SSTORE', len, off, 'PUSH0', 'CODECOPY', len, 'PUSH0', 'RETURN']);
  const off = (prefix(0xff).length - 2) / 2;
  return concatHex([prefix(off), runtime]);
}

// ---------------------------------------------------------------------------------------------
// Contracts (genesis) and accounts

const caddr = (n: number): Hex => `0x00000000000000000000000000000000c0de${n.toString(16).padStart(4, '0')}`;

/** Addresses of the pre-deployed fuzz contracts. */
export const FUZZ_CONTRACTS = {
  counter: caddr(1),
  perCaller: caddr(2),
  reader: caddr(3),
  reverter: caddr(4),
  burner: caddr(5),
  factory: caddr(6),
  oldSelfdestruct: caddr(7),
  transient: caddr(8),
  router: caddr(9),
} as const;

/** Runtime of the factory's children: slot0++; SELFDESTRUCT(calldata word 0) if it is non-zero. */
export const CHILD_RUNTIME = assemble([
  'PUSH0', 'SLOAD', 1, 'ADD', 'PUSH0', 'SSTORE',
  'PUSH0', 'CALLDATALOAD', 'DUP1', 'ISZERO', { ref: 'keep' }, 'JUMPI',
  'SELFDESTRUCT',
  { label: 'keep' }, 'POP', 'STOP',
]);
export const CHILD_INIT = initCode(CHILD_RUNTIME);
const CHILD_INIT_LEN = (CHILD_INIT.length - 2) / 2;

/** Pushes for CALL(gas, addr, value, argsOffset, argsSize, retOffset=0, retSize=0), in stack order. */
const call = (gas: AsmItem[], addr: AsmItem[], value: AsmItem[], argsOffset: number, argsSize: number): AsmItem[] => [
  'PUSH0', 'PUSH0', argsSize, argsOffset, ...value, ...addr, ...gas, 'CALL',
];
/** Shifts the success flag on the stack into the router's result word at 0x600. */
const recordSuccess: AsmItem[] = [0x600, 'MLOAD', 1, 'SHL', 'OR', 0x600, 'MSTORE'];
const ifBit = (bit: number, body: AsmItem[]): AsmItem[] => [
  'PUSH0', 'CALLDATALOAD', 1 << bit, 'AND', 'ISZERO', { ref: `skip${bit}` }, 'JUMPI',
  ...body,
  { label: `skip${bit}` },
];

/** Runtime bytecode of each fuzz contract. */
export const FUZZ_CODE: Record<keyof typeof FUZZ_CONTRACTS, Hex> = {
  // slot0++ (shared by every caller); LOG1(value, topic CALLER).
  counter: assemble(['PUSH0', 'SLOAD', 1, 'ADD', 'DUP1', 'PUSH0', 'SSTORE', 'PUSH0', 'MSTORE', 'CALLER', 32, 'PUSH0', 'LOG1', 'STOP']),
  // slot[CALLER]++; returns the new value.
  perCaller: assemble(['CALLER', 'SLOAD', 1, 'ADD', 'DUP1', 'CALLER', 'SSTORE', 'PUSH0', 'MSTORE', 32, 'PUSH0', 'RETURN']),
  // Stores BALANCE(COINBASE), SELFBALANCE, BLOCKHASH(NUMBER-1), PREVRANDAO, TIMESTAMP, BASEFEE,
  // GASPRICE, CHAINID, ORIGIN, BALANCE(word0), EXTCODEHASH(word1), NUMBER in slots 0..11; logs BALANCE(COINBASE).
  reader: assemble([
    'COINBASE', 'BALANCE', 'PUSH0', 'SSTORE',
    'SELFBALANCE', 1, 'SSTORE',
    1, 'NUMBER', 'SUB', 'BLOCKHASH', 2, 'SSTORE',
    'PREVRANDAO', 3, 'SSTORE',
    'TIMESTAMP', 4, 'SSTORE',
    'BASEFEE', 5, 'SSTORE',
    'GASPRICE', 6, 'SSTORE',
    'CHAINID', 7, 'SSTORE',
    'ORIGIN', 8, 'SSTORE',
    'PUSH0', 'CALLDATALOAD', 'BALANCE', 9, 'SSTORE',
    32, 'CALLDATALOAD', 'EXTCODEHASH', 10, 'SSTORE',
    'NUMBER', 11, 'SSTORE',
    'COINBASE', 'BALANCE', 'PUSH0', 'MSTORE', 32, 'PUSH0', 'LOG0',
    'STOP',
  ]),
  // Writes slot0 and logs, then REVERTs with 32 bytes (CALLER): all of it undone.
  reverter: assemble(['CALLER', 'PUSH0', 'SSTORE', 'CALLER', 'PUSH0', 'MSTORE', 32, 'PUSH0', 'LOG0', 32, 'PUSH0', 'REVERT']),
  // Writes slot0, then hashes 1 KiB forever: out of gas, all gas consumed.
  burner: assemble(['CALLER', 'PUSH0', 'SSTORE', { label: 'loop' }, 1024, 'PUSH0', 'KECCAK256', 'POP', { ref: 'loop' }, 'JUMP']),
  // calldata: word0 flags (bit0: call the CREATE child, bit1: call the CREATE2 child), word1 salt,
  // word2 beneficiary passed to the children (non-zero: they SELFDESTRUCT in this tx, EIP-6780).
  // CREATE(value CALLVALUE) and CREATE2(salt) a child; logs both addresses (0 if a create failed).
  factory: assemble([
    CHILD_INIT_LEN, { ref: 'init' }, 'PUSH0', 'CODECOPY',
    CHILD_INIT_LEN, 'PUSH0', 'CALLVALUE', 'CREATE', 0x200, 'MSTORE',
    32, 'CALLDATALOAD', CHILD_INIT_LEN, 'PUSH0', 'PUSH0', 'CREATE2', 0x220, 'MSTORE',
    0x40, 0x200, 'LOG0',
    64, 'CALLDATALOAD', 0x300, 'MSTORE',
    ...ifBit(0, [...call(['GAS'], [0x200, 'MLOAD'], ['PUSH0'], 0x300, 32), 'POP']),
    ...ifBit(1, [...call(['GAS'], [0x220, 'MLOAD'], ['PUSH0'], 0x300, 32), 'POP']),
    'STOP',
    { mark: 'init' }, { data: CHILD_INIT },
  ]),
  // In genesis with a balance: SELFDESTRUCT(calldata word 0): moves the balance only (EIP-6780).
  oldSelfdestruct: assemble(['PUSH0', 'CALLDATALOAD', 'SELFDESTRUCT']),
  // tslot0++ (transient); slot[CALLER] = tslot0.
  transient: assemble(['PUSH0', 'TLOAD', 1, 'ADD', 'DUP1', 'PUSH0', 'TSTORE', 'CALLER', 'SSTORE', 'STOP']),
  // calldata word0 bits: 0 counter, 1 perCaller, 2 reader, 3 reverter, 4 burner (30k gas),
  // 5 factory (words 1..3 forwarded, value CALLVALUE), 6 DELEGATECALL perCaller, 7 STATICCALL
  // reader with 50k gas (fails at its SSTORE, consuming that gas), 8 transient twice; word0 >> 9 non-zero: CALL self with it (and
  // words 1..3, the salt plus one).
  // Logs the success bits (LOG1, topic word0).
  router: assemble([
    'CALLER', 0x700, 'MSTORE', // reader's BALANCE target: the caller
    ...ifBit(0, [...call(['GAS'], [BigInt(caddr(1))], ['PUSH0'], 0, 0), ...recordSuccess]),
    ...ifBit(1, [...call(['GAS'], [BigInt(caddr(2))], ['PUSH0'], 0, 0), ...recordSuccess]),
    ...ifBit(2, [...call(['GAS'], [BigInt(caddr(3))], ['PUSH0'], 0x700, 64), ...recordSuccess]),
    ...ifBit(3, [...call(['GAS'], [BigInt(caddr(4))], ['PUSH0'], 0, 0), ...recordSuccess]),
    ...ifBit(4, [...call([30000], [BigInt(caddr(5))], ['PUSH0'], 0, 0), ...recordSuccess]),
    ...ifBit(5, [96, 32, 0x400, 'CALLDATACOPY', ...call(['GAS'], [BigInt(caddr(6))], ['CALLVALUE'], 0x400, 96), ...recordSuccess]),
    ...ifBit(6, ['PUSH0', 'PUSH0', 'PUSH0', 'PUSH0', BigInt(caddr(2)), 'GAS', 'DELEGATECALL', ...recordSuccess]),
    ...ifBit(7, ['PUSH0', 'PUSH0', 64, 0x700, BigInt(caddr(3)), 50000, 'STATICCALL', ...recordSuccess]),
    ...ifBit(8, [
      ...call(['GAS'], [BigInt(caddr(8))], ['PUSH0'], 0, 0), ...recordSuccess,
      ...call(['GAS'], [BigInt(caddr(8))], ['PUSH0'], 0, 0), ...recordSuccess,
    ]),
    'PUSH0', 'CALLDATALOAD', 9, 'SHR', 'ISZERO', { ref: 'norec' }, 'JUMPI',
    'PUSH0', 'CALLDATALOAD', 9, 'SHR', 0x500, 'MSTORE',
    1, 32, 'CALLDATALOAD', 'ADD', 0x520, 'MSTORE', // next level: salt + 1 (no CREATE2 collision with this level)
    64, 'CALLDATALOAD', 0x540, 'MSTORE',
    96, 'CALLDATALOAD', 0x560, 'MSTORE',
    ...call(['GAS'], ['ADDRESS'], ['PUSH0'], 0x500, 128), ...recordSuccess,
    { label: 'norec' },
    'PUSH0', 'CALLDATALOAD', 32, 0x600, 'LOG1',
    'STOP',
  ]),
};

/** Chain id of the fuzz chain. */
export const FUZZ_CHAIN_ID = 901n;
/** Number of ordinary funded accounts. */
export const FUZZ_ACCOUNTS = 12;
const pk = (i: number): Hex => padHex(numberToHex(0x5eed00 + i), { size: 32 });
/** The ordinary senders. */
export const FUZZ_SENDERS: readonly PrivateKeyAccount[] = Array.from({ length: FUZZ_ACCOUNTS }, (_, i) => privateKeyToAccount(pk(i)));
/** The coinbase (fee recipient) of every fuzz block: an EOA whose key sometimes sends txs too. */
export const FUZZ_COINBASE_ACCOUNT: PrivateKeyAccount = privateKeyToAccount(pk(0xc0));
export const FUZZ_COINBASE: Hex = FUZZ_COINBASE_ACCOUNT.address.toLowerCase() as Hex;
/** Addresses that start empty and receive transfers (created, and some touched with 0 value). */
export const FUZZ_FRESH: readonly Hex[] = Array.from({ length: 8 }, (_, i) => `0x000000000000000000000000000000000f7e5${i.toString(16).padStart(3, '0')}` as Hex);
const ETH = 10n ** 18n;
const GWEI = 10n ** 9n;

/** The fuzz genesis: funded senders and coinbase, the contracts (oldSelfdestruct holds 5 ETH). */
export function fuzzGenesis(): GenesisAlloc {
  const alloc: GenesisAlloc = {};
  for (const a of FUZZ_SENDERS) alloc[a.address] = { balance: 1_000_000n * ETH };
  alloc[FUZZ_COINBASE] = { balance: 10n * ETH };
  for (const [name, address] of Object.entries(FUZZ_CONTRACTS) as Array<[keyof typeof FUZZ_CONTRACTS, Hex]>) {
    alloc[address] = { code: FUZZ_CODE[name], balance: name === 'oldSelfdestruct' ? 5n * ETH : 0n, storage: { '0x00': '0x07' } };
  }
  return alloc;
}

// ---------------------------------------------------------------------------------------------
// Workload generator

export type TxKind =
  | 'transfer' | 'selfTransfer' | 'toCoinbase' | 'toFresh' | 'counter' | 'perCaller' | 'reader'
  | 'reverter' | 'burner' | 'factory' | 'oldSelfdestruct' | 'transient' | 'router' | 'create';

/**
 * Relative frequency of each tx kind, per block profile: `contended` blocks mostly conflict
 * (shared slots, nested calls, hot senders); `sparse` blocks are mostly independent txs with the
 * odd conflict or explicit coinbase access among them (many groups for a parallel executor).
 */
export const TX_WEIGHTS: Readonly<Record<'contended' | 'sparse', Readonly<Record<TxKind, number>>>> = {
  contended: {
    transfer: 14, selfTransfer: 3, toCoinbase: 4, toFresh: 5, counter: 10, perCaller: 8, reader: 6,
    reverter: 4, burner: 3, factory: 6, oldSelfdestruct: 3, transient: 3, router: 10, create: 2,
  },
  sparse: {
    transfer: 1, selfTransfer: 6, toCoinbase: 0.5, toFresh: 2, counter: 0.5, perCaller: 6, reader: 0.5,
    reverter: 1.5, burner: 1, factory: 0.3, oldSelfdestruct: 0.3, transient: 3, router: 0.2, create: 1,
  },
};

/** How a generated block is meant to be rejected, if it is. */
export type InvalidKind = 'nonce-gap' | 'insufficient-funds' | 'block-gas' | 'block-gas-then-nonce-gap';

export interface GeneratedBlock {
  env: BlockEnv;
  txs: Uint8Array[];
  /** Kind of each tx (for messages). */
  kinds: string[];
  /** Set when the block contains a tx that must make executors reject it (an {@link InvalidKind} or a scenario's words). */
  invalid?: string;
  /** Workload profile or scenario name (for messages). */
  profile: string;
}

/** Where a differential run gets its blocks: the seeded generator, or a scripted scenario. */
export interface BlockSource {
  /** The next block, or undefined when the source is exhausted. */
  nextBlock(): Promise<GeneratedBlock | undefined>;
  /** The executors accepted the last block; `blockHash` is its (synthetic) hash. */
  commit(blockHash: Hex): void;
  /** The executors rejected the last block. */
  discard(): void;
}

export interface WorkloadOptions {
  /** Max txs per block (default 60). */
  maxTxs: number;
  /** Probability that a block is deliberately invalid (default 0.04). */
  invalidRate: number;
  /** Probability that a tx is sent by the coinbase's key (default 0.03). */
  coinbaseSenderRate: number;
  /** Block gas limit (default 30M). */
  gasLimit: bigint;
}

interface TxPlan {
  kind: TxKind;
  to: Hex | null;
  value: bigint;
  data: Hex;
  gas: bigint;
}

const word = (v: bigint | Hex): Hex => padHex(typeof v === 'bigint' ? numberToHex(v) : v, { size: 32 });

/**
 * Produces blocks from a seed. Nonces advance only through {@link commit} (after the executors
 * accepted the block), so a rejected block leaves the generator where it was.
 */
export class WorkloadGenerator implements BlockSource {
  readonly rng: Rng;
  readonly opts: WorkloadOptions;
  private readonly nonces = new Map<Hex, bigint>();
  private pending?: Map<Hex, bigint>;
  private number = 0n;
  private readonly hashes: Array<[bigint, Hex]> = [];

  constructor(seed: number, opts: Partial<WorkloadOptions> = {}) {
    this.rng = new Rng(seed);
    this.opts = { maxTxs: 60, invalidRate: 0.04, coinbaseSenderRate: 0.03, gasLimit: 30_000_000n, ...opts };
  }

  /** Records the accepted block's hash (for BLOCKHASH) and its senders' nonces. */
  commit(blockHash: Hex): void {
    if (this.pending === undefined) throw new ParallaxError('FUZZ', 'commit without a generated block');
    for (const [a, n] of this.pending) this.nonces.set(a, n);
    this.pending = undefined;
    this.number++;
    this.hashes.push([this.number, blockHash]);
    if (this.hashes.length > 256) this.hashes.shift();
  }

  /** Forgets the last generated block (the executors rejected it). */
  discard(): void {
    this.pending = undefined;
  }

  /** The next block (not yet committed). */
  async nextBlock(): Promise<GeneratedBlock> {
    const rng = this.rng;
    const number = this.number + 1n;
    const baseFee = BigInt(rng.range(1, 50)) * GWEI / 10n + BigInt(rng.int(1000));
    const invalid: InvalidKind | undefined = rng.chance(this.opts.invalidRate)
      ? rng.pick(['nonce-gap', 'insufficient-funds', 'block-gas', 'block-gas-then-nonce-gap'] as const)
      : undefined;
    const sizeClass = rng.weighted({ empty: 4, small: 30, medium: 56, large: 10 });
    let count: number = sizeClass === 'empty' ? 0 : sizeClass === 'small' ? rng.range(1, 5) : sizeClass === 'medium' ? rng.range(6, 20) : rng.range(21, this.opts.maxTxs);
    const profile = rng.chance(0.5) ? 'contended' : 'sparse';
    const weights = TX_WEIGHTS[profile];
    if (invalid !== undefined) count = Math.max(count, 3);
    let gasSum = 0n;
    const nonces = new Map(this.nonces);
    const txs: Uint8Array[] = [];
    const kinds: string[] = [];
    // A few "hot" senders per contended block so that same-sender chains are common.
    const hot = profile === 'contended' ? [rng.pick(FUZZ_SENDERS), rng.pick(FUZZ_SENDERS)] : FUZZ_SENDERS;
    // Index of the deliberately invalid tx; a block-gas violation needs gas used before it (> 0).
    const badAt = invalid === undefined ? -1 : invalid.startsWith('block-gas') ? rng.range(1, count - 1) : rng.int(count);
    const gasLimit = this.opts.gasLimit;
    const sign = async (sender: PrivateKeyAccount, plan: TxPlan, nonce: bigint, kind: string): Promise<void> => {
      const tip = rng.pick([0n, 1n, GWEI / 10n, GWEI, 2n * GWEI]);
      const maxFee = rng.chance(0.2) ? baseFee + tip / 2n : baseFee * 2n + tip;
      const signed = await sender.signTransaction({
        chainId: Number(FUZZ_CHAIN_ID),
        type: 'eip1559',
        nonce: Number(nonce),
        to: plan.to ?? undefined,
        value: plan.value,
        data: plan.data === '0x' ? undefined : plan.data,
        gas: plan.gas,
        maxFeePerGas: maxFee,
        maxPriorityFeePerGas: tip > maxFee ? maxFee : tip,
      });
      txs.push(hexToBytes(signed));
      kinds.push(kind);
      gasSum += plan.gas;
    };
    for (let i = 0; i < count; i++) {
      const sender = rng.chance(this.opts.coinbaseSenderRate) ? FUZZ_COINBASE_ACCOUNT : rng.chance(0.4) ? rng.pick(hot) : rng.pick(FUZZ_SENDERS);
      const plan = this.plan(rng.weighted(weights), sender);
      const nonce = nonces.get(sender.address) ?? 0n;
      if (i !== badAt) {
        if (gasSum + plan.gas > gasLimit) continue;
        await sign(sender, plan, nonce, plan.kind);
        nonces.set(sender.address, nonce + 1n);
        continue;
      }
      if (invalid === 'nonce-gap') await sign(sender, plan, nonce + 1n, `INVALID(nonce-gap) ${plan.kind}`);
      else if (invalid === 'insufficient-funds') await sign(sender, { ...plan, value: 10n ** 30n }, nonce, `INVALID(insufficient-funds) ${plan.kind}`);
      else {
        // gas limit = the block's: exceeds what is left once the earlier txs (>= 21000 each) ran
        await sign(sender, { ...plan, gas: gasLimit }, nonce, `INVALID(${invalid}) ${plan.kind}`);
        if (invalid === 'block-gas-then-nonce-gap') {
          const other = FUZZ_SENDERS.find((a) => a.address !== sender.address)!;
          const n2 = nonces.get(other.address) ?? 0n;
          await sign(other, this.plan('transfer', other), n2 + 1n, 'INVALID(nonce-gap after block-gas) transfer');
        }
      }
    }
    this.pending = nonces;
    const env: BlockEnv = {
      number,
      timestamp: 1_700_000_000n + 2n * number,
      coinbase: FUZZ_COINBASE,
      gasLimit,
      baseFeePerGas: baseFee,
      prevRandao: rng.bytes(32),
      parentHash: this.hashes.at(-1)?.[1] ?? keccak256('0x00'),
      blockHashes: [...this.hashes],
    };
    return { env, txs, kinds, invalid, profile };
  }

  private plan(kind: TxKind, sender: PrivateKeyAccount): TxPlan {
    const rng = this.rng;
    const c = FUZZ_CONTRACTS;
    const value = (): bigint => rng.pick([0n, 0n, 1n, GWEI, ETH / 1000n, ETH]);
    const someone = (): Hex => rng.pick([...FUZZ_SENDERS.map((a) => a.address), FUZZ_COINBASE, ...FUZZ_FRESH]);
    const beneficiary = (): Hex => rng.pick(['0x0', FUZZ_COINBASE, sender.address, someone(), c.factory, c.oldSelfdestruct] as Hex[]);
    // Salts: mostly fresh; 1 in 5 from a small set, so CREATE2 collisions (which consume all the
    // gas given to CREATE2) and re-creation after a same-tx SELFDESTRUCT also happen.
    const salt = (): bigint => (rng.chance(0.2) ? BigInt(rng.int(4)) : BigInt(rng.int(2 ** 31)));
    const factoryArgs = (): Hex => concatHex([word(BigInt(rng.int(4))), word(salt()), word(beneficiary())]);
    switch (kind) {
      case 'transfer':
        return { kind, to: rng.pick(FUZZ_SENDERS).address, value: value() + 1n, data: '0x', gas: 21_000n };
      case 'selfTransfer':
        return { kind, to: sender.address, value: value(), data: '0x', gas: 21_000n };
      case 'toCoinbase':
        return { kind, to: FUZZ_COINBASE, value: value(), data: '0x', gas: 21_000n };
      case 'toFresh':
        return { kind, to: rng.pick(FUZZ_FRESH), value: rng.chance(0.3) ? 0n : value(), data: '0x', gas: 21_000n };
      case 'counter':
        return { kind, to: c.counter, value: value(), data: '0x', gas: 60_000n };
      case 'perCaller':
        return { kind, to: c.perCaller, value: 0n, data: '0x', gas: 60_000n };
      case 'reader':
        return { kind, to: c.reader, value: value(), data: concatHex([word(someone()), word(rng.pick([c.factory, c.counter, FUZZ_FRESH[0]!, someone()]))]), gas: 400_000n };
      case 'reverter':
        return { kind, to: c.reverter, value: 0n, data: '0x', gas: 60_000n };
      case 'burner':
        return { kind, to: c.burner, value: 0n, data: '0x', gas: BigInt(rng.range(50_000, 200_000)) };
      case 'factory':
        return { kind, to: c.factory, value: value(), data: factoryArgs(), gas: 500_000n };
      case 'oldSelfdestruct':
        return { kind, to: c.oldSelfdestruct, value: value(), data: word(beneficiary()), gas: 60_000n };
      case 'transient':
        return { kind, to: c.transient, value: 0n, data: '0x', gas: 80_000n };
      case 'router': {
        const levels = rng.weighted({ one: 6, two: 3, three: 1 });
        let w = 0n;
        for (let l = 0, n = levels === 'one' ? 1 : levels === 'two' ? 2 : 3; l < n; l++) w |= BigInt(rng.range(1, 511)) << BigInt(9 * l);
        return { kind, to: c.router, value: value(), data: concatHex([word(w), factoryArgs()]), gas: 3_000_000n };
      }
      case 'create':
        return { kind, to: null, value: value(), data: CHILD_INIT, gas: 200_000n };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** First differing field of two block results (receipts first, then block-level fields). */
export function firstDifference(a: BlockResult, b: BlockResult): { field: string; a: string; b: string } | undefined {
  const s = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  if (a.receipts.length !== b.receipts.length) return { field: 'receipts.length', a: String(a.receipts.length), b: String(b.receipts.length) };
  const fields = ['status', 'gasUsed', 'logs', 'cumulativeGasUsed', 'hash', 'from', 'to', 'contractAddress', 'effectiveGasPrice', 'type', 'logsBloom', 'returnData'] as const;
  for (let i = 0; i < a.receipts.length; i++) {
    const ra = a.receipts[i]!;
    const rb = b.receipts[i]!;
    for (const f of fields) {
      if (f === 'logs') {
        const n = Math.max(ra.logs.length, rb.logs.length);
        if (ra.logs.length !== rb.logs.length) return { field: `receipts[${i}].logs.length`, a: s(ra.logs), b: s(rb.logs) };
        for (let j = 0; j < n; j++) {
          for (const lf of ['address', 'topics', 'data'] as const) {
            if (s(ra.logs[j]![lf]) !== s(rb.logs[j]![lf])) return { field: `receipts[${i}].logs[${j}].${lf}`, a: s(ra.logs[j]![lf]), b: s(rb.logs[j]![lf]) };
          }
        }
      } else if (s(ra[f]) !== s(rb[f])) return { field: `receipts[${i}].${f}`, a: s(ra[f]), b: s(rb[f]) };
    }
  }
  for (const f of ['gasUsed', 'receiptsRoot', 'logsBloom', 'stateRoot'] as const) {
    if (s(a[f]) !== s(b[f])) return { field: f, a: s(a[f]), b: s(b[f]) };
  }
  return undefined;
}

/**
 * Accounts (and storage slots) whose values differ between two states, for addresses the
 * harness knows (senders, coinbase, contracts, fresh addresses, plus `extra`, e.g. created ones).
 */
export async function diffStates(dbA: StateDb, rootA: Hex, dbB: StateDb, rootB: Hex, extra: Iterable<Hex>): Promise<string[]> {
  const smA = await dbA.stateManager(rootA);
  const smB = await dbB.stateManager(rootB);
  const addrs = new Set<string>([
    ...FUZZ_SENDERS.map((a) => a.address.toLowerCase()), FUZZ_COINBASE, ...Object.values(FUZZ_CONTRACTS), ...FUZZ_FRESH, ...[...extra].map((x) => x.toLowerCase()),
  ]);
  const out: string[] = [];
  for (const addrHex of addrs) {
    const address = new Address(hexToBytes(addrHex as Hex));
    const [x, y] = [await smA.getAccount(address), await smB.getAccount(address)];
    const fmt = (acc: typeof x) => (acc === undefined ? 'absent' : `nonce=${acc.nonce} balance=${acc.balance} code=${bytesToHex(acc.codeHash).slice(0, 10)} storage=${bytesToHex(acc.storageRoot).slice(0, 10)}`);
    if (fmt(x) === fmt(y)) continue;
    out.push(`${addrHex}: ${fmt(x)} | ${fmt(y)}`);
    if (x !== undefined && y !== undefined && bytesToHex(x.storageRoot) !== bytesToHex(y.storageRoot)) {
      const [sa, sb] = [await smA.dumpStorage(address), await smB.dumpStorage(address)];
      for (const k of new Set([...Object.keys(sa), ...Object.keys(sb)])) if (sa[k] !== sb[k]) out.push(`  slot(hashed) ${k}: ${sa[k] ?? '-'} | ${sb[k] ?? '-'}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The differential run

export interface DifferentialOptions {
  /** Seed of the generated workload (also printed on a mismatch). */
  seed: number;
  /** Blocks to run (a scripted `source` may end earlier). */
  blocks: number;
  /** Block source (default: a {@link WorkloadGenerator} for `seed` and `workload`). */
  source?: BlockSource;
  /** Genesis allocation (default {@link fuzzGenesis}). */
  genesis?: GenesisAlloc;
  /** Reference executor (sequential). */
  makeA: (db: StateDb) => BlockExecutor;
  /** Executor under test. */
  makeB: (db: StateDb) => BlockExecutor;
  /** Names for messages (default `sequential`, `parallel`). */
  labels?: [string, string];
  workload?: Partial<WorkloadOptions>;
}

/** Totals of a run that found no difference. */
export interface DifferentialStats {
  blocks: number;
  txs: number;
  invalidBlocks: number;
  /** Sum over blocks of B's stats (`groups`, `reexecuted`), to see how parallel the work was. */
  groups: number;
  reexecuted: number;
}

export type DifferentialOutcome =
  | ({ ok: true; seed: number } & DifferentialStats)
  | { ok: false; seed: number; block: bigint; field: string; a: string; b: string; message: string };

/**
 * Runs `opts.blocks` generated blocks through both executors, each on its own temporary state
 * database (removed afterwards), stopping at the first difference.
 * A block both reject must be rejected at the same tx index with the same error code, and must
 * be one the generator made invalid (otherwise the workload is broken: also reported as a failure).
 */
export async function runDifferential(opts: DifferentialOptions): Promise<DifferentialOutcome> {
  const [la, lb] = opts.labels ?? ['sequential', 'parallel'];
  const dir = mkdtempSync(join(tmpdir(), 'parallax-fuzz-'));
  const common = makeCommon(FUZZ_CHAIN_ID);
  const dbA = StateDb.open(join(dir, 'a.sqlite'), common);
  const dbB = StateDb.open(join(dir, 'b.sqlite'), common);
  const exA = opts.makeA(dbA);
  const exB = opts.makeB(dbB);
  const gen = opts.source ?? new WorkloadGenerator(opts.seed, opts.workload);
  const stats: DifferentialStats = { blocks: 0, txs: 0, invalidBlocks: 0, groups: 0, reexecuted: 0 };
  const created = new Set<Hex>();
  try {
    const genesis = opts.genesis ?? fuzzGenesis();
    let rootA = await dbA.applyGenesis(genesis);
    let rootB = await dbB.applyGenesis(genesis);
    const fail = (block: bigint, field: string, a: string, b: string, more: string[] = [], blk?: GeneratedBlock): DifferentialOutcome => ({
      ok: false, seed: opts.seed, block, field, a, b,
      message: [
        `differential mismatch, seed ${opts.seed}, block ${block}${blk ? ` (${blk.profile}, ${blk.txs.length} txs${blk.invalid ? `, made invalid: ${blk.invalid}` : ''})` : ''}: ${field}`,
        `  ${la}: ${a}`,
        `  ${lb}: ${b}`,
        ...more,
        ...(blk ? [`  txs: ${blk.kinds.map((k, i) => `${i}:${k}`).join(' ')}`] : []),
        opts.source !== undefined
          ? `  scenario block ${block}`
          : opts.workload === undefined
            ? `  reproduce: FUZZ_SEED=${opts.seed} FUZZ_BLOCKS=${block}`
            : `  reproduce: runDifferential({ seed: ${opts.seed}, blocks: ${block}, workload: ${JSON.stringify(opts.workload, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))} })`,
      ].join('\n'),
    });
    if (rootA !== rootB) return fail(0n, 'genesis stateRoot', rootA, rootB);
    for (let i = 0; i < opts.blocks; i++) {
      const blk = await gen.nextBlock();
      if (blk === undefined) break;
      const n = blk.env.number;
      const [ra, rb] = await Promise.allSettled([exA.executeBlock(rootA, blk.env, blk.txs), exB.executeBlock(rootB, blk.env, blk.txs)]);
      const err = (r: PromiseRejectedResult): string => {
        const e = r.reason as unknown;
        if (e instanceof InvalidTransactionError) return `${e.code} txIndex=${e.txIndex}: ${e.message}`;
        return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      };
      if (ra.status === 'rejected' || rb.status === 'rejected') {
        if (ra.status === 'fulfilled') return fail(n, 'block rejected by one executor only', 'accepted', err(rb as PromiseRejectedResult), [], blk);
        if (rb.status === 'fulfilled') return fail(n, 'block rejected by one executor only', err(ra), 'accepted', [], blk);
        const [ea, eb] = [ra.reason as unknown, rb.reason as unknown];
        const key = (e: unknown) => (e instanceof InvalidTransactionError ? `${e.code} txIndex=${e.txIndex}` : `not an InvalidTransactionError`);
        if (key(ea) !== key(eb) || !(ea instanceof InvalidTransactionError)) return fail(n, 'rejection', err(ra), err(rb), [], blk);
        if (blk.invalid === undefined) return fail(n, 'valid block rejected by both (workload bug)', err(ra), err(rb), [], blk);
        if (!dbA.hasRoot(rootA) || !dbB.hasRoot(rootB)) return fail(n, 'parent state lost after a rejected block', String(dbA.hasRoot(rootA)), String(dbB.hasRoot(rootB)));
        gen.discard();
        stats.invalidBlocks++;
        continue;
      }
      if (blk.invalid !== undefined) return fail(n, `block made invalid (${blk.invalid}) accepted by both (workload bug)`, 'accepted', 'accepted', [], blk);
      const [a, b] = [ra.value, rb.value];
      for (const r of [...a.receipts, ...b.receipts]) {
        if (r.contractAddress !== null) created.add(r.contractAddress);
        for (const l of r.logs) if (l.address === FUZZ_CONTRACTS.factory) for (let k = 2; k < l.data.length; k += 64) created.add(`0x${l.data.slice(k + 24, k + 64)}`);
      }
      const d = firstDifference(a, b);
      if (d !== undefined) {
        const more = [`  ${lb} stats: ${JSON.stringify(b.stats)}`];
        if (a.stateRoot !== b.stateRoot) more.push('  state diff (' + la + ' | ' + lb + '):', ...(await diffStates(dbA, a.stateRoot, dbB, b.stateRoot, created)).map((l) => `    ${l}`));
        return fail(n, d.field, d.a, d.b, more, blk);
      }
      rootA = a.stateRoot;
      rootB = b.stateRoot;
      gen.commit(keccak256(concatHex([toHex(n, { size: 32 }), a.stateRoot, a.receiptsRoot])));
      stats.blocks++;
      stats.txs += blk.txs.length;
      stats.groups += b.stats.groups;
      stats.reexecuted += b.stats.reexecuted;
    }
    return { ok: true, seed: opts.seed, ...stats };
  } finally {
    await Promise.allSettled([exA.close(), exB.close()]);
    dbA.close();
    dbB.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Directed scenarios: hand-written blocks for cases random blocks hit rarely or never

/** A fixed list of blocks as a {@link BlockSource} (blocks are numbered by the caller). */
export class ScriptedSource implements BlockSource {
  private readonly blocks: GeneratedBlock[];
  private next = 0;
  constructor(blocks: GeneratedBlock[]) {
    this.blocks = blocks;
  }
  async nextBlock(): Promise<GeneratedBlock | undefined> {
    return this.blocks[this.next++];
  }
  commit(): void {}
  discard(): void {}
}

/** A hand-written differential case: its genesis and blocks. */
export interface Scenario {
  name: string;
  genesis: GenesisAlloc;
  blocks(): Promise<GeneratedBlock[]>;
}

const scenarioKey = (tag: number): Hex => padHex(numberToHex(0x5ce0000 + tag), { size: 32 });

function scenarioEnv(number: bigint, coinbase: Hex, gasLimit = 30_000_000n): BlockEnv {
  return {
    number,
    timestamp: 1_700_000_000n + number,
    coinbase,
    gasLimit,
    baseFeePerGas: 7n,
    prevRandao: keccak256(toHex(number)),
    parentHash: keccak256(toHex(number - 1n)),
    blockHashes: [],
  };
}

async function sign(
  from: PrivateKeyAccount,
  nonce: number,
  f: { to?: Hex; value?: bigint; data?: Hex; gas?: bigint; tip?: bigint; maxFee?: bigint },
): Promise<Uint8Array> {
  const tip = f.tip ?? GWEI;
  return hexToBytes(
    await from.signTransaction({
      chainId: Number(FUZZ_CHAIN_ID), type: 'eip1559', nonce, to: f.to, value: f.value ?? 0n, data: f.data,
      gas: f.gas ?? 21_000n, maxPriorityFeePerGas: tip, maxFeePerGas: f.maxFee ?? 7n + tip,
    }),
  );
}

/**
 * Directed scenarios. Each is run sequential vs parallel like the random workload.
 * - `coinbase-spends-fees-of-the-block`: the coinbase starts empty and sends a tx paid with the
 *   tips of the earlier txs of the same block (valid sequentially).
 * - `coinbase-spends-value-received-in-the-block`: the same, paid by a transfer to it.
 * - `block-gas-violation-before-bad-nonce`: rejected at the first offending tx in block order.
 * - `zero-tip-absent-coinbase`: no tips, coinbase never existed: it must not be created
 *   (EIP-161), also when a tx reads BALANCE(COINBASE).
 * - `coinbase-balance-read-among-independent-txs`: BALANCE(COINBASE) in the middle of
 *   independent tipping txs, then more of them.
 */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'coinbase-spends-fees-of-the-block',
    genesis: Object.fromEntries(FUZZ_SENDERS.slice(0, 6).map((a) => [a.address, { balance: ETH }])),
    async blocks() {
      const cb = privateKeyToAccount(scenarioKey(1));
      const txs = await Promise.all(FUZZ_SENDERS.slice(0, 5).map((a) => sign(a, 0, { to: FUZZ_SENDERS[5]!.address, value: 1n })));
      // 5 * 21000 * 1 gwei earned; this tx costs at most 21000 * (7 + 1) wei + 1 wei.
      txs.push(await sign(cb, 0, { to: FUZZ_SENDERS[5]!.address, value: 1n, tip: 1n }));
      return [{ env: scenarioEnv(1n, cb.address), txs, kinds: ['transfer', 'transfer', 'transfer', 'transfer', 'transfer', 'coinbase pays with fees'], profile: this.name }];
    },
  },
  {
    name: 'coinbase-spends-value-received-in-the-block',
    genesis: Object.fromEntries(FUZZ_SENDERS.slice(0, 3).map((a) => [a.address, { balance: ETH }])),
    async blocks() {
      const cb = privateKeyToAccount(scenarioKey(2));
      const txs = [
        await sign(FUZZ_SENDERS[0]!, 0, { to: cb.address, value: ETH / 10n, tip: 0n }),
        await sign(FUZZ_SENDERS[1]!, 0, { to: FUZZ_SENDERS[2]!.address, value: 5n, tip: 0n }),
        await sign(cb, 0, { to: FUZZ_SENDERS[2]!.address, value: ETH / 20n, tip: 0n }),
      ];
      return [{ env: scenarioEnv(1n, cb.address), txs, kinds: ['to coinbase', 'transfer', 'coinbase pays'], profile: this.name }];
    },
  },
  {
    name: 'block-gas-violation-before-bad-nonce',
    genesis: Object.fromEntries(FUZZ_SENDERS.slice(0, 3).map((a) => [a.address, { balance: ETH }])),
    async blocks() {
      const txs = [
        await sign(FUZZ_SENDERS[0]!, 0, { to: FUZZ_SENDERS[2]!.address, value: 1n }),
        await sign(FUZZ_SENDERS[1]!, 0, { to: FUZZ_SENDERS[2]!.address, value: 1n, gas: 100_000n }),
        await sign(FUZZ_SENDERS[2]!, 5, { to: FUZZ_SENDERS[0]!.address, value: 1n }),
      ];
      return [{ env: scenarioEnv(1n, FUZZ_COINBASE, 100_000n), txs, kinds: ['transfer', 'over block gas', 'nonce gap'], profile: this.name, invalid: 'block gas limit at tx 1' }];
    },
  },
  {
    name: 'zero-tip-absent-coinbase',
    genesis: { ...Object.fromEntries(FUZZ_SENDERS.slice(0, 3).map((a) => [a.address, { balance: ETH }])), [FUZZ_CONTRACTS.reader]: { code: FUZZ_CODE.reader } },
    async blocks() {
      const cb = '0x00000000000000000000000000000000000cb0cb' as Hex;
      const b1 = [
        await sign(FUZZ_SENDERS[0]!, 0, { to: FUZZ_SENDERS[1]!.address, value: 1n, tip: 0n }),
        await sign(FUZZ_SENDERS[1]!, 0, { to: FUZZ_SENDERS[2]!.address, value: 0n, tip: 0n }),
      ];
      const b2 = [
        await sign(FUZZ_SENDERS[0]!, 1, { to: FUZZ_SENDERS[1]!.address, value: 1n, tip: 0n }),
        await sign(FUZZ_SENDERS[2]!, 0, { to: FUZZ_CONTRACTS.reader, data: concatHex([word(cb), word(cb)]), gas: 400_000n, tip: 0n }),
        await sign(FUZZ_SENDERS[1]!, 1, { to: FUZZ_SENDERS[2]!.address, value: 1n, tip: 0n }),
      ];
      return [
        { env: scenarioEnv(1n, cb), txs: b1, kinds: ['transfer', 'zero transfer'], profile: this.name },
        { env: scenarioEnv(2n, cb), txs: b2, kinds: ['transfer', 'reader(BALANCE(COINBASE))', 'transfer'], profile: this.name },
      ];
    },
  },
  {
    name: 'coinbase-balance-read-among-independent-txs',
    genesis: { ...Object.fromEntries(FUZZ_SENDERS.map((a) => [a.address, { balance: ETH }])), [FUZZ_CONTRACTS.reader]: { code: FUZZ_CODE.reader } },
    async blocks() {
      const txs: Uint8Array[] = [];
      const kinds: string[] = [];
      for (let i = 0; i < 12; i++) {
        const a = FUZZ_SENDERS[i]!;
        if (i === 6) {
          txs.push(await sign(a, 0, { to: FUZZ_CONTRACTS.reader, data: concatHex([word(FUZZ_COINBASE), word(FUZZ_COINBASE)]), gas: 400_000n, tip: 3n }));
          kinds.push('reader');
        } else {
          txs.push(await sign(a, 0, { to: a.address, value: 1n, tip: BigInt(i + 1) * GWEI }));
          kinds.push('self transfer');
        }
      }
      return [{ env: scenarioEnv(1n, FUZZ_COINBASE), txs, kinds, profile: this.name }];
    },
  },
];
