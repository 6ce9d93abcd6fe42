/**
 * Strict decoding of a raw signed transaction (EIP-2718 envelope) into its fields, before any
 * signature work. Supported: legacy (EIP-155), EIP-2930 (type 1), EIP-1559 (type 2). Blob (type 3),
 * set-code (type 4) and unknown types are rejected like geth's pool does.
 *
 * Canonical-encoding rules follow go-ethereum's rlp package (integers without leading zeros,
 * uint64 fields at most 8 bytes, addresses 20 bytes, exact field counts) so that a tx accepted
 * here is one geth would decode; error messages start with "rlp: " as geth's do.
 */
import { RLP } from '@ethereumjs/rlp';
import { bytesToHex, type Hex, hexToBytes, isHex, keccak256 } from 'viem';
import { decodeError, oversized, typeNotSupported } from './errors.ts';

/** EIP-2718 types the pool accepts. */
export type SupportedTxType = 0 | 1 | 2;

/** A decoded, not yet signature-checked transaction. All quantities are bigint. */
export interface DecodedTx {
  /** Canonical encoding as received (lower-case hex). */
  raw: Hex;
  bytes: Uint8Array;
  /** keccak256 of the encoding (the tx hash). */
  hash: Hex;
  type: SupportedTxType;
  /** Chain id from the tx (typed) or derived from `v` (EIP-155 legacy); undefined if unprotected. */
  chainId: bigint | undefined;
  nonce: bigint;
  /** Gas. */
  gasLimit: bigint;
  /** Wei per gas; the gas price for legacy and EIP-2930 txs. */
  maxFeePerGas: bigint;
  /** Wei per gas; the gas price for legacy and EIP-2930 txs. */
  maxPriorityFeePerGas: bigint;
  /** Recipient (lower-case), or null for contract creation. */
  to: Hex | null;
  /** Wei. */
  value: bigint;
  data: Uint8Array;
  /** Raw `v` (legacy) or y-parity (typed). */
  v: bigint;
  r: bigint;
  s: bigint;
  /** Encoded size in bytes. */
  size: number;
}

type Field = Uint8Array | Field[];

const GO_TYPE: Record<SupportedTxType, string> = { 0: 'types.LegacyTx', 1: 'types.AccessListTx', 2: 'types.DynamicFeeTx' };
const FIELDS: Record<SupportedTxType, string[]> = {
  0: ['Nonce', 'GasPrice', 'Gas', 'To', 'Value', 'Data', 'V', 'R', 'S'],
  1: ['ChainID', 'Nonce', 'GasPrice', 'Gas', 'To', 'Value', 'Data', 'AccessList', 'V', 'R', 'S'],
  2: ['ChainID', 'Nonce', 'GasTipCap', 'GasFeeCap', 'Gas', 'To', 'Value', 'Data', 'AccessList', 'V', 'R', 'S'],
};

/**
 * Decodes `raw` (0x-hex of the EIP-2718 encoding).
 *
 * @param maxBytes Size limit in bytes (geth txMaxSize, 128 KiB by default); checked first.
 * @throws ParallaxError TX_DECODE ("rlp: ...", "typed transaction too short"), TX_OVERSIZED
 *   ("oversized data: transaction size X, limit Y"), TX_TYPE_NOT_SUPPORTED.
 */
export function decodeRawTx(raw: Hex, maxBytes: number): DecodedTx {
  if (typeof raw !== 'string' || !isHex(raw, { strict: true }) || raw.length % 2 !== 0) {
    throw decodeError('rlp: invalid hex encoding of transaction');
  }
  const size = (raw.length - 2) / 2;
  if (size > maxBytes) throw oversized(size, maxBytes);
  if (size === 0) throw decodeError('typed transaction too short');
  const bytes = hexToBytes(raw);
  const first = bytes[0]!;
  let type: SupportedTxType;
  let body: Uint8Array;
  if (first >= 0xc0) {
    type = 0;
    body = bytes;
  } else if (first >= 0x80) {
    throw decodeError('rlp: expected input list for types.LegacyTx');
  } else {
    if (first !== 1 && first !== 2) throw typeNotSupported();
    if (bytes.length <= 1) throw decodeError('typed transaction too short');
    type = first;
    body = bytes.subarray(1);
  }
  let decoded: Field;
  try {
    decoded = RLP.decode(body) as Field;
  } catch (e) {
    throw decodeError(rlpMessage(e));
  }
  const goType = GO_TYPE[type];
  if (!Array.isArray(decoded)) throw decodeError(`rlp: expected input list for ${goType}`);
  const names = FIELDS[type];
  if (decoded.length < names.length) throw decodeError(`rlp: too few elements for ${goType}`);
  if (decoded.length > names.length) throw decodeError(`rlp: input list has too many elements for ${goType}`);
  const f = (name: string) => decoded[names.indexOf(name)]!;
  const ctx = (name: string) => `decoding into (${goType}).${name}`;
  const u64 = (name: string) => uint(f(name), 8, 'uint64', ctx(name));
  const big = (name: string) => uint(f(name), Infinity, '*big.Int', ctx(name));

  const nonce = u64('Nonce');
  const gasLimit = u64('Gas');
  const to = address(f('To'), ctx('To'));
  const value = big('Value');
  const data = bytesField(f('Data'), ctx('Data'));
  const v = big('V');
  const r = big('R');
  const s = big('S');
  if (type !== 0) accessList(f('AccessList'), ctx('AccessList'));
  let maxFeePerGas: bigint;
  let maxPriorityFeePerGas: bigint;
  if (type === 2) {
    maxPriorityFeePerGas = big('GasTipCap');
    maxFeePerGas = big('GasFeeCap');
  } else {
    maxFeePerGas = maxPriorityFeePerGas = big('GasPrice');
  }
  let chainId: bigint | undefined;
  if (type === 0) {
    // EIP-155: v = chainId * 2 + 35 + yParity; 27/28 (and 0/1, as geth treats them) are unprotected.
    chainId = v === 27n || v === 28n || v === 0n || v === 1n ? undefined : (v - 35n) / 2n;
  } else {
    chainId = big('ChainID');
  }
  return {
    raw: raw.toLowerCase() as Hex,
    bytes,
    hash: keccak256(bytes),
    type,
    chainId,
    nonce,
    gasLimit,
    maxFeePerGas,
    maxPriorityFeePerGas,
    to,
    value,
    data,
    v,
    r,
    s,
    size,
  };
}

function rlpMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (/remainder/.test(m)) return 'rlp: input contains more than one value';
  if (/out-of-bounds|larger than the data|not enough bytes/.test(m)) return 'rlp: value size exceeds available input length';
  if (/single byte|greater than 55|extra zeros|too short/.test(m)) return 'rlp: non-canonical size information';
  return `rlp: ${m}`;
}

function bytesField(x: Field, ctx: string): Uint8Array {
  if (Array.isArray(x)) throw decodeError(`rlp: expected input string or byte for []uint8, ${ctx}`);
  return x;
}

/** Unsigned integer field: canonical (no leading zeros), at most `maxLen` bytes. */
function uint(x: Field, maxLen: number, goType: string, ctx: string): bigint {
  if (Array.isArray(x)) throw decodeError(`rlp: expected input string or byte for ${goType}, ${ctx}`);
  if (x.length === 0) return 0n;
  if (x[0] === 0) throw decodeError(`rlp: non-canonical integer (leading zero bytes) for ${goType}, ${ctx}`);
  if (x.length > maxLen) throw decodeError(`rlp: input string too long for ${goType}, ${ctx}`);
  return BigInt(bytesToHex(x));
}

function address(x: Field, ctx: string): Hex | null {
  if (Array.isArray(x)) throw decodeError(`rlp: expected input string or byte for common.Address, ${ctx}`);
  if (x.length === 0) return null;
  if (x.length < 20) throw decodeError(`rlp: input string too short for common.Address, ${ctx}`);
  if (x.length > 20) throw decodeError(`rlp: input string too long for common.Address, ${ctx}`);
  return bytesToHex(x);
}

/** Checks the shape `[[address(20), [key(32), ...]], ...]`. */
function accessList(x: Field, ctx: string): void {
  if (!Array.isArray(x)) throw decodeError(`rlp: expected input list for types.AccessList, ${ctx}`);
  for (const tuple of x) {
    if (!Array.isArray(tuple)) throw decodeError(`rlp: expected input list for types.AccessTuple, ${ctx}`);
    if (tuple.length !== 2) throw decodeError(`rlp: ${tuple.length < 2 ? 'too few' : 'input list has too many'} elements for types.AccessTuple, ${ctx}`);
    const [addr, keys] = tuple as [Field, Field];
    if (Array.isArray(addr) || addr.length !== 20) throw decodeError(`rlp: invalid common.Address in types.AccessTuple, ${ctx}`);
    if (!Array.isArray(keys)) throw decodeError(`rlp: expected input list for []common.Hash, ${ctx}`);
    for (const k of keys) {
      if (Array.isArray(k) || k.length !== 32) throw decodeError(`rlp: invalid common.Hash in types.AccessTuple, ${ctx}`);
    }
  }
}
