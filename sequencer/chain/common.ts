/**
 * The ethereumjs `Common` (chain id + fork rules) every parallax component executes with.
 *
 * Parallax L2 runs Cancun rules (EIP-1559 fees, EIP-2930 access lists, EIP-3860 init code limits,
 * EIP-6780 SELFDESTRUCT, EIP-1153 transient storage, EIP-5656 MCOPY). Sender recovery uses the
 * native libsecp256k1 binding (`secp256k1` package), ~10x faster than the pure-JS default
 * (measured in ../shared/NOTES.md), and keccak256 the native `keccak` binding, both plugged in
 * through ethereumjs' `customCrypto`.
 */
import { createRequire } from 'node:module';
import { createCustomCommon, Hardfork, Mainnet, type Common } from '@ethereumjs/common';
import { paramsTx } from '@ethereumjs/tx';
import { calculateSigRecovery, concatBytes, setLengthLeft } from '@ethereumjs/util';

const require = createRequire(import.meta.url);
const secp256k1 = require('secp256k1/bindings') as {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
};
const keccakBinding = require('keccak/bindings') as (alg: 'keccak256') => {
  update(data: Buffer): unknown;
  digest(): Buffer;
};

/**
 * keccak256 through the native `keccak` binding: ~5x faster than the pure-JS default on
 * trie-node-sized inputs (532 bytes: ~10 us vs ~48 us measured here). The state root, trie
 * key hashing, tx hashes and the KECCAK256 opcode all go through it.
 */
export function nativeKeccak256(data: Uint8Array): Uint8Array {
  const h = keccakBinding('keccak256');
  h.update(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  const d = h.digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/**
 * ecrecover with the native libsecp256k1 binding; same contract as `@ethereumjs/util` `ecrecover`:
 * returns the 64-byte uncompressed public key (without the 0x04 prefix).
 * @throws Error when v is not a valid recovery id or the signature does not recover.
 */
export function nativeEcrecover(msgHash: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array, chainId?: bigint): Uint8Array {
  const recovery = calculateSigRecovery(v, chainId);
  if (recovery !== 0n && recovery !== 1n) throw new Error('Invalid signature v value');
  const sig = concatBytes(setLengthLeft(r, 32), setLengthLeft(s, 32));
  return secp256k1.ecdsaRecover(sig, Number(recovery), msgHash, false).slice(1);
}

const cache = new Map<string, Common>();

/**
 * A Cancun `Common` for `chainId` with native sender recovery. Cached per chain id; callers must
 * not mutate it (e.g. `setHardfork`): use `.copy()` for that.
 */
export function makeCommon(chainId: bigint): Common {
  const key = chainId.toString();
  let common = cache.get(key);
  if (common === undefined) {
    common = createCustomCommon({ chainId: Number(chainId), name: `parallax-${chainId}` }, Mainnet, {
      hardfork: Hardfork.Cancun,
      customCrypto: { ecrecover: nativeEcrecover, keccak256: nativeKeccak256 },
    });
    cache.set(key, common);
  }
  return common;
}

const txCache = new Map<string, Common>();

/**
 * A `Common` for decoding transactions. ethereumjs copies the Common in every tx constructor
 * (~0.15 ms per tx, measured in the workers' profile); this instance's `copy()` returns itself.
 * Use it only for txs: a VM or EVM subscribes to its Common's events and must get
 * {@link makeCommon}'s instance.
 */
export function makeTxCommon(chainId: bigint): Common {
  const key = chainId.toString();
  let common = txCache.get(key);
  if (common === undefined) {
    const c = makeCommon(chainId).copy();
    c.copy = () => c;
    // every tx constructor merges the tx params into its Common (JSON round trips, ~0.1 ms):
    // merge them once here and make later merges no-ops
    c.updateParams(paramsTx);
    c.updateParams = () => {};
    txCache.set(key, (common = c));
  }
  return common;
}
