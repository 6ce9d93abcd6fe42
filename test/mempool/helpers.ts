/**
 * Test helpers: Hardhat dev keys, viem-signed txs, and hand-built raw txs for cases viem refuses
 * to sign (tip above fee cap, bad signatures, odd encodings).
 */
import { type Hex, keccak256, numberToHex, toRlp } from 'viem';
import { privateKeyToAccount, sign } from 'viem/accounts';
import { Mempool } from '../../sequencer/mempool/index.ts';
import type { AccountState, MempoolOptions } from '../../sequencer/mempool/index.ts';

export const CHAIN_ID = 901n;
export const GWEI = 10n ** 9n;
export const ETHER = 10n ** 18n;

/** First five Hardhat/Anvil dev keys. */
export const KEYS: Hex[] = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
];
export const ACCOUNTS = KEYS.map((k) => privateKeyToAccount(k));
/** Lower-case addresses, as the mempool reports them. */
export const ADDR = ACCOUNTS.map((a) => a.address.toLowerCase() as Hex);
export const RECIPIENT: Hex = '0x000000000000000000000000000000000000beef';

export interface TxOpts {
  key?: number;
  nonce?: number;
  gas?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  value?: bigint;
  to?: Hex | null;
  data?: Hex;
  chainId?: number;
}

/** An EIP-1559 transfer signed by viem (defaults: key 0, nonce 0, 21000 gas, 2 gwei / 1 gwei). */
export function tx1559(o: TxOpts = {}): Promise<Hex> {
  return ACCOUNTS[o.key ?? 0]!.signTransaction({
    type: 'eip1559',
    chainId: o.chainId ?? Number(CHAIN_ID),
    nonce: o.nonce ?? 0,
    to: o.to === undefined ? RECIPIENT : o.to,
    value: o.value ?? 1n,
    gas: o.gas ?? 21_000n,
    maxFeePerGas: o.maxFeePerGas ?? 2n * GWEI,
    maxPriorityFeePerGas: o.maxPriorityFeePerGas ?? GWEI,
    data: o.data,
  });
}

/** A legacy EIP-155 tx signed by viem; gas price = maxFeePerGas option (default 2 gwei). */
export function txLegacy(o: TxOpts & { unprotected?: boolean } = {}): Promise<Hex> {
  return ACCOUNTS[o.key ?? 0]!.signTransaction({
    type: 'legacy',
    chainId: o.unprotected ? undefined : (o.chainId ?? Number(CHAIN_ID)),
    nonce: o.nonce ?? 0,
    to: o.to === undefined ? RECIPIENT : o.to,
    value: o.value ?? 1n,
    gas: o.gas ?? 21_000n,
    gasPrice: o.maxFeePerGas ?? 2n * GWEI,
    data: o.data,
  });
}

/** An EIP-2930 tx with a one-entry access list. */
export function tx2930(o: TxOpts = {}): Promise<Hex> {
  return ACCOUNTS[o.key ?? 0]!.signTransaction({
    type: 'eip2930',
    chainId: o.chainId ?? Number(CHAIN_ID),
    nonce: o.nonce ?? 0,
    to: o.to === undefined ? RECIPIENT : o.to,
    value: o.value ?? 1n,
    gas: o.gas ?? 30_000n,
    gasPrice: o.maxFeePerGas ?? 2n * GWEI,
    accessList: [{ address: RECIPIENT, storageKeys: [numberToHex(1, { size: 32 })] }],
  });
}

const q = (n: bigint | number) => (BigInt(n) === 0n ? '0x' : numberToHex(n));

/**
 * A type-2 tx built field by field and signed by hand (viem refuses maxPriorityFee > maxFee).
 * `sig` overrides the signature values.
 */
export async function rawTyped2(
  o: TxOpts & { sig?: { yParity?: number; r?: bigint; s?: bigint } } = {},
): Promise<Hex> {
  const fields: Hex[] | any[] = [
    q(o.chainId ?? CHAIN_ID),
    q(o.nonce ?? 0),
    q(o.maxPriorityFeePerGas ?? GWEI),
    q(o.maxFeePerGas ?? 2n * GWEI),
    q(o.gas ?? 21_000n),
    o.to === null ? '0x' : (o.to ?? RECIPIENT),
    q(o.value ?? 1n),
    o.data ?? '0x',
    [],
  ];
  const signingHash = keccak256(`0x02${toRlp(fields as Hex[]).slice(2)}` as Hex);
  const s = await sign({ hash: signingHash, privateKey: KEYS[o.key ?? 0]! });
  const yParity = o.sig?.yParity ?? s.yParity ?? 0;
  const r = o.sig?.r ?? BigInt(s.r);
  const sv = o.sig?.s ?? BigInt(s.s);
  return `0x02${toRlp([...fields, q(yParity), q(r), q(sv)] as Hex[]).slice(2)}` as Hex;
}

/** A mutable fake of the sealed state. */
export class FakeState {
  readonly accounts = new Map<Hex, AccountState>();
  constructor(balance = 100n * ETHER) {
    for (const a of ADDR) this.accounts.set(a, { nonce: 0n, balance });
  }
  set(addr: Hex, s: Partial<AccountState>): void {
    const cur = this.accounts.get(addr.toLowerCase() as Hex) ?? { nonce: 0n, balance: 0n };
    this.accounts.set(addr.toLowerCase() as Hex, { ...cur, ...s });
  }
  getAccount = async (addr: Hex): Promise<AccountState> => this.accounts.get(addr.toLowerCase() as Hex) ?? { nonce: 0n, balance: 0n };
  nonce = (addr: Hex): bigint => this.accounts.get(addr.toLowerCase() as Hex)?.nonce ?? 0n;
}

/** A mempool over `state` with chain 901, 30M block gas limit, base fee 1 gwei. */
export function makePool(state: FakeState, opts: Partial<MempoolOptions> = {}): Mempool {
  return new Mempool({
    chainId: CHAIN_ID,
    blockGasLimit: 30_000_000n,
    getAccount: state.getAccount,
    nextBaseFee: () => GWEI,
    ...opts,
  });
}
