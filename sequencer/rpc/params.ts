/**
 * Parsing and validation of JSON-RPC params, with go-ethereum's error messages (rpc/json.go
 * positional arguments, common/hexutil JSON decoding, rpc.BlockNumberOrHash,
 * ethapi.TransactionArgs, filters.FilterCriteria). All failures are -32602 "invalid argument
 * N: ..." except where geth returns -32000 from the method itself.
 */
import type { Hex } from 'viem';
import type { CallRequest } from './backend.ts';
import { invalidParams, serverError } from './errors.ts';

/** A parse failure of one value; `arg()` turns it into "invalid argument N: message". */
export class ParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParamError';
  }
}

/** Go type (and struct field) a value is decoded into, for geth-style messages. */
export interface Target {
  /** e.g. "common.Address", "*hexutil.Big". */
  type: string;
  /** e.g. "TransactionArgs.from" when decoding a struct field. */
  field?: string;
}

const jsonKind = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v === 'object' ? 'object' : typeof v;

/** "json: cannot unmarshal WHAT into Go value of type T" / "... Go struct field F of type T". */
function unmarshal(what: string, t: Target): ParamError {
  return new ParamError(
    t.field === undefined
      ? `json: cannot unmarshal ${what} into Go value of type ${t.type}`
      : `json: cannot unmarshal ${what} into Go struct field ${t.field} of type ${t.type}`,
  );
}

/**
 * Checks positional params: an array (or absent/null = no params), at most `max` entries, the
 * first `required` present and not null.
 * @throws -32602 "non-array args", "too many arguments, want at most N",
 *   "missing value for required argument N".
 */
export function checkArity(params: unknown, max: number, required = 0): unknown[] {
  if (params === undefined || params === null) params = [];
  if (!Array.isArray(params)) throw invalidParams('non-array args');
  if (params.length > max) throw invalidParams(`too many arguments, want at most ${max}`);
  for (let i = 0; i < required; i++) {
    if (params[i] === undefined || params[i] === null) throw invalidParams(`missing value for required argument ${i}`);
  }
  return params;
}

/** Parses `params[i]` with `parse`, turning a {@link ParamError} into "invalid argument i: ...". */
export function arg<T>(params: unknown[], i: number, parse: (v: unknown) => T): T {
  try {
    return parse(params[i]);
  } catch (e) {
    if (e instanceof ParamError) throw invalidParams(`invalid argument ${i}: ${e.message}`);
    throw e;
  }
}

const HEX_CHARS = /^[0-9a-fA-F]*$/;

/** Fixed-size hex data (common.Address, common.Hash): 0x-prefixed, exact length. */
function fixedHex(v: unknown, bytes: number, t: Target): Hex {
  if (typeof v !== 'string') throw unmarshal('non-string', t);
  if (v.length > 0 && !/^0[xX]/.test(v)) throw unmarshal('hex string without 0x prefix', t);
  const body = v.slice(2);
  if (body.length % 2 !== 0) throw unmarshal('hex string of odd length', t);
  if (body.length !== bytes * 2) throw new ParamError(`hex string has length ${body.length}, want ${bytes * 2} for ${t.type}`);
  if (!HEX_CHARS.test(body)) throw unmarshal('invalid hex string', t);
  return `0x${body.toLowerCase()}`;
}

/** 20-byte address, returned lower-case. */
export function parseAddress(v: unknown, t: Target = { type: 'common.Address' }): Hex {
  return fixedHex(v, 20, t);
}

/** 32-byte hash, returned lower-case. */
export function parseHash(v: unknown, t: Target = { type: 'common.Hash' }): Hex {
  return fixedHex(v, 32, t);
}

/** Hex quantity (hexutil.Big / hexutil.Uint64): "0x0", "0x1f"; no leading zeros. */
function quantity(v: unknown, maxBits: 64 | 256, t: Target): bigint {
  if (typeof v !== 'string') throw unmarshal('non-string', t);
  if (v === '') return 0n;
  if (!/^0[xX]/.test(v)) throw unmarshal('hex string without 0x prefix', t);
  const body = v.slice(2);
  if (body.length === 0) throw unmarshal('hex string "0x"', t);
  if (body.length > 1 && body[0] === '0') throw unmarshal('hex number with leading zero digits', t);
  if (body.length > maxBits / 4) throw unmarshal(`hex number > ${maxBits} bits`, t);
  if (!HEX_CHARS.test(body)) throw unmarshal('invalid hex string', t);
  return BigInt(`0x${body}`);
}

/** Quantity up to 256 bits (wei, wei per gas). */
export function parseQuantity(v: unknown, t: Target = { type: '*hexutil.Big' }): bigint {
  return quantity(v, 256, t);
}

/** Quantity up to 64 bits (gas, nonce, block number). */
export function parseUint64(v: unknown, t: Target = { type: 'hexutil.Uint64' }): bigint {
  return quantity(v, 64, t);
}

/** Arbitrary 0x-hex bytes (hexutil.Bytes), returned lower-case. */
export function parseBytes(v: unknown, t: Target = { type: 'hexutil.Bytes' }): Hex {
  if (typeof v !== 'string') throw unmarshal('non-string', t);
  if (v === '') return '0x';
  if (!/^0[xX]/.test(v)) throw unmarshal('hex string without 0x prefix', t);
  const body = v.slice(2);
  if (body.length % 2 !== 0) throw unmarshal('hex string of odd length', t);
  if (!HEX_CHARS.test(body)) throw unmarshal('invalid hex string', t);
  return `0x${body.toLowerCase()}`;
}

/** A JSON boolean (Go `bool`). */
export function parseBool(v: unknown): boolean {
  if (typeof v !== 'boolean') throw unmarshal(jsonKind(v), { type: 'bool' });
  return v;
}

/** Named block tags. 'safe' and 'finalized' resolve to the head on this L2 (see resolve.ts). */
export type BlockTag = 'latest' | 'earliest' | 'pending' | 'safe' | 'finalized';
const TAGS = new Set<string>(['latest', 'earliest', 'pending', 'safe', 'finalized']);

/** A block reference as a client gives it. */
export type BlockRef = { tag: BlockTag } | { number: bigint } | { hash: Hex; requireCanonical: boolean };

/** geth hexutil.DecodeUint64 on a bare string (messages are not wrapped). */
function decodeUint64(s: string): bigint {
  if (!/^0[xX]/.test(s)) throw new ParamError('hex string without 0x prefix');
  const body = s.slice(2);
  if (body.length === 0) throw new ParamError('hex string "0x"');
  if (body.length > 1 && body[0] === '0') throw new ParamError('hex number with leading zero digits');
  if (body.length > 16) throw new ParamError('hex number > 64 bits');
  if (!HEX_CHARS.test(body)) throw new ParamError('invalid hex string');
  const n = BigInt(`0x${body}`);
  if (n > 0x7fffffffffffffffn) throw new ParamError('block number larger than int64');
  return n;
}

/**
 * rpc.BlockNumber: a tag or a hex number (JSON numbers are refused like geth does).
 * @param dflt Returned for undefined/null.
 */
export function parseBlockNumber(v: unknown, dflt: BlockRef = { tag: 'latest' }): BlockRef {
  if (v === undefined || v === null) return dflt;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  if (TAGS.has(s)) return { tag: s as BlockTag };
  return { number: decodeUint64(s) };
}

/**
 * rpc.BlockNumberOrHash: a tag, a hex number, a 32-byte block hash, or an EIP-1898 object
 * `{ blockNumber }` / `{ blockHash, requireCanonical? }`.
 * @param dflt Returned for undefined/null.
 */
export function parseBlockNumberOrHash(v: unknown, dflt: BlockRef = { tag: 'latest' }): BlockRef {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const hasNum = o.blockNumber !== undefined && o.blockNumber !== null;
    const hasHash = o.blockHash !== undefined && o.blockHash !== null;
    if (hasNum && hasHash) throw new ParamError('cannot specify both BlockHash and BlockNumber, choose one or the other');
    if (!hasNum && !hasHash) throw new ParamError('at least one of BlockNumber or BlockHash is needed if a dictionary is provided');
    if (hasHash) {
      const rc = o.requireCanonical;
      if (rc !== undefined && rc !== null && typeof rc !== 'boolean') {
        throw unmarshal(jsonKind(rc), { type: 'bool', field: 'erased.requireCanonical' });
      }
      return { hash: parseHash(o.blockHash, { type: 'common.Hash', field: 'erased.blockHash' }), requireCanonical: rc === true };
    }
    return parseBlockNumber(o.blockNumber);
  }
  if (typeof v !== 'string') throw unmarshal(jsonKind(v), { type: 'string' });
  if (TAGS.has(v)) return { tag: v as BlockTag };
  if (v.length === 66) return { hash: parseHash(v), requireCanonical: false };
  return { number: decodeUint64(v) };
}

/**
 * ethapi.TransactionArgs for eth_call / eth_estimateGas. Unknown fields are ignored (as Go's
 * JSON decoding does). Consistency errors are -32000 like geth's.
 * @param chainId The node's chain id, checked against a given `chainId`.
 */
export function parseCallRequest(v: unknown, chainId: bigint): CallRequest {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw unmarshal(jsonKind(v), { type: 'ethapi.TransactionArgs' });
  }
  const o = v as Record<string, unknown>;
  const f = (name: string, type: string): Target => ({ type, field: `TransactionArgs.${name}` });
  const opt = <T>(name: string, parse: (x: unknown) => T): T | undefined =>
    o[name] === undefined || o[name] === null ? undefined : parse(o[name]);
  const req: CallRequest = {};
  const from = opt('from', (x) => parseAddress(x, f('from', 'common.Address')));
  const to = opt('to', (x) => parseAddress(x, f('to', 'common.Address')));
  const gas = opt('gas', (x) => parseUint64(x, f('gas', 'hexutil.Uint64')));
  const gasPrice = opt('gasPrice', (x) => parseQuantity(x, f('gasPrice', 'hexutil.Big')));
  const maxFeePerGas = opt('maxFeePerGas', (x) => parseQuantity(x, f('maxFeePerGas', 'hexutil.Big')));
  const maxPriorityFeePerGas = opt('maxPriorityFeePerGas', (x) => parseQuantity(x, f('maxPriorityFeePerGas', 'hexutil.Big')));
  const value = opt('value', (x) => parseQuantity(x, f('value', 'hexutil.Big')));
  const nonce = opt('nonce', (x) => parseUint64(x, f('nonce', 'hexutil.Uint64')));
  const data = opt('data', (x) => parseBytes(x, f('data', 'hexutil.Bytes')));
  const input = opt('input', (x) => parseBytes(x, f('input', 'hexutil.Bytes')));
  const accessList = opt('accessList', (x) => parseAccessList(x));
  const txChainId = opt('chainId', (x) => parseQuantity(x, f('chainId', 'hexutil.Big')));
  if (data !== undefined && input !== undefined && data !== input) {
    throw serverError('INVALID_CALL_ARGS', 'both "data" and "input" are set and not equal. Please use "input" to pass transaction call data');
  }
  if (gasPrice !== undefined && (maxFeePerGas !== undefined || maxPriorityFeePerGas !== undefined)) {
    throw serverError('INVALID_CALL_ARGS', 'both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified');
  }
  if (maxFeePerGas !== undefined && maxPriorityFeePerGas !== undefined && maxFeePerGas < maxPriorityFeePerGas) {
    throw serverError('INVALID_CALL_ARGS', `maxFeePerGas (${maxFeePerGas}) < maxPriorityFeePerGas (${maxPriorityFeePerGas})`);
  }
  if (txChainId !== undefined && txChainId !== chainId) {
    throw serverError('INVALID_CALL_ARGS', `chainId does not match node's (have=${txChainId}, want=${chainId})`);
  }
  if (from !== undefined) req.from = from;
  if (to !== undefined) req.to = to;
  if (gas !== undefined) req.gas = gas;
  if (gasPrice !== undefined) req.gasPrice = gasPrice;
  if (maxFeePerGas !== undefined) req.maxFeePerGas = maxFeePerGas;
  if (maxPriorityFeePerGas !== undefined) req.maxPriorityFeePerGas = maxPriorityFeePerGas;
  if (value !== undefined) req.value = value;
  if (nonce !== undefined) req.nonce = nonce;
  const callData = input ?? data;
  if (callData !== undefined) req.data = callData;
  if (accessList !== undefined) req.accessList = accessList;
  return req;
}

/** types.AccessList: `[{ address, storageKeys: [hash...] }]`. */
export function parseAccessList(v: unknown): Array<{ address: Hex; storageKeys: Hex[] }> {
  if (!Array.isArray(v)) throw unmarshal(jsonKind(v), { type: 'types.AccessList', field: 'TransactionArgs.accessList' });
  return v.map((e) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw unmarshal(jsonKind(e), { type: 'types.AccessTuple', field: 'TransactionArgs.accessList' });
    const o = e as Record<string, unknown>;
    const keys = o.storageKeys ?? [];
    if (!Array.isArray(keys)) throw unmarshal(jsonKind(keys), { type: '[]common.Hash', field: 'AccessTuple.storageKeys' });
    return {
      address: parseAddress(o.address, { type: 'common.Address', field: 'AccessTuple.address' }),
      storageKeys: keys.map((k) => parseHash(k, { type: 'common.Hash', field: 'AccessTuple.storageKeys' })),
    };
  });
}

/** eth_getStorageAt key (geth decodeHash): up to 32 bytes of hex, left-padded; -32000 on error. */
export function parseStorageKey(v: unknown): Hex {
  if (typeof v !== 'string') throw unmarshal(jsonKind(v), { type: 'string' });
  let s = v.startsWith('0x') || v.startsWith('0X') ? v.slice(2) : v;
  if (s.length % 2 === 1) s = `0${s}`;
  if (s.length > 64) throw serverError('INVALID_STORAGE_KEY', 'unable to decode storage key: hex string too long, want at most 32 bytes');
  if (!HEX_CHARS.test(s)) throw serverError('INVALID_STORAGE_KEY', 'unable to decode storage key: hex string invalid');
  return `0x${s.toLowerCase().padStart(64, '0')}`;
}

/** math.HexOrDecimal64 (eth_feeHistory blockCount): JSON number, decimal or 0x-hex string. */
export function parseHexOrDecimal64(v: unknown): bigint {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined;
  if (s === undefined) throw unmarshal(jsonKind(v), { type: 'math.HexOrDecimal64' });
  const ok = /^0[xX][0-9a-fA-F]{1,16}$/.test(s) || /^[0-9]{1,20}$/.test(s);
  const n = ok ? BigInt(s) : -1n;
  if (n < 0n || n > 0xffffffffffffffffn) throw new ParamError(`invalid hex or decimal integer ${JSON.stringify(s)}`);
  return n;
}

/** eth_feeHistory reward percentiles: numbers in [0, 100], non-decreasing (geth: -32602 for order). */
export function parsePercentiles(v: unknown): number[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw unmarshal(jsonKind(v), { type: '[]float64' });
  for (const p of v) if (typeof p !== 'number') throw unmarshal(jsonKind(p), { type: 'float64' });
  return v as number[];
}

/** eth_getLogs filter as given (block refs still unresolved). */
export interface ParsedFilter {
  blockHash?: Hex;
  fromBlock?: BlockRef;
  toBlock?: BlockRef;
  addresses?: Hex[];
  topics?: Array<Hex | Hex[] | null>;
}

/** Limits of geth's filter API. */
export const MAX_FILTER_TOPICS = 4;
export const MAX_FILTER_ADDRESSES = 1000;

/**
 * filters.FilterCriteria: `{ blockHash }` or `{ fromBlock, toBlock }`, `address` (one or a list),
 * `topics` (positional; null = any, list = any of).
 */
export function parseFilter(v: unknown): ParsedFilter {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw unmarshal(jsonKind(v), { type: 'filters.FilterCriteria' });
  const o = v as Record<string, unknown>;
  const present = (k: string) => o[k] !== undefined && o[k] !== null;
  const out: ParsedFilter = {};
  if (present('blockHash')) {
    if (present('fromBlock') || present('toBlock')) {
      throw new ParamError('cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other');
    }
    out.blockHash = parseHash(o.blockHash, { type: 'common.Hash', field: 'input.blockHash' });
  } else {
    if (present('fromBlock')) out.fromBlock = parseBlockNumber(o.fromBlock);
    if (present('toBlock')) out.toBlock = parseBlockNumber(o.toBlock);
  }
  if (present('address')) {
    const a = o.address;
    if (Array.isArray(a)) {
      if (a.length > MAX_FILTER_ADDRESSES) throw new ParamError('exceed max addresses');
      out.addresses = a.map((x, i) => {
        try {
          return parseAddress(x);
        } catch (e) {
          throw new ParamError(`invalid address at index ${i}: ${(e as Error).message}`);
        }
      });
    } else if (typeof a === 'string') {
      try {
        out.addresses = [parseAddress(a)];
      } catch (e) {
        throw new ParamError(`invalid address: ${(e as Error).message}`);
      }
    } else {
      throw new ParamError('invalid addresses in query');
    }
  }
  if (present('topics')) {
    const t = o.topics;
    if (!Array.isArray(t)) throw unmarshal(jsonKind(t), { type: '[]interface {}', field: 'input.topics' });
    if (t.length > MAX_FILTER_TOPICS) throw new ParamError('exceed max topics');
    const topic = (x: unknown): Hex => {
      try {
        return parseHash(x);
      } catch {
        throw new ParamError('invalid topic(s)');
      }
    };
    out.topics = t.map((pos) => {
      if (pos === null) return null;
      if (typeof pos === 'string') return topic(pos);
      if (Array.isArray(pos)) {
        if (pos.some((x) => x === null)) return null; // a null alternative matches anything
        return pos.map(topic);
      }
      throw new ParamError('invalid topic(s)');
    });
  }
  return out;
}
