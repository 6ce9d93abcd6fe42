/**
 * From a test block to what an executor takes: the block's RLP decoded into header fields,
 * canonical transaction encodings and withdrawals, and the {@link BlockEnv} (incl. the hashes
 * of up to 256 ancestors for BLOCKHASH, Yellow Paper 9.4.2 / EIP-2 semantics).
 *
 * The block RLP is decoded structurally (no consensus checks, no KZG), so any block whose
 * transactions decode can be handed to an executor; the executor validates the transactions.
 */
import { RLP } from '@ethereumjs/rlp';
import { bytesToHex, keccak256, type Hex } from 'viem';
import type { BlockEnv, Withdrawal } from '../executor/types.ts';
import { ParallaxError } from '../errors.ts';

/** Header fields an executor uses, decoded from the block RLP. Quantities in their units. */
export interface DecodedHeader {
  /** keccak256 of the RLP header. */
  hash: Hex;
  parentHash: Hex;
  coinbase: Hex;
  stateRoot: Hex;
  receiptsRoot: Hex;
  logsBloom: Hex;
  number: bigint;
  /** Gas. */
  gasLimit: bigint;
  /** Gas. */
  gasUsed: bigint;
  /** Unix seconds. */
  timestamp: bigint;
  /** PREVRANDAO after the merge. */
  mixHash: Hex;
  /** Wei per gas; undefined before London. */
  baseFeePerGas?: bigint;
  blobGasUsed?: bigint;
  excessBlobGas?: bigint;
  parentBeaconBlockRoot?: Hex;
}

/** A test block decoded from its RLP. */
export interface DecodedBlock {
  header: DecodedHeader;
  /** Canonical EIP-2718 encodings (legacy: the RLP list; typed: `type || payload`). */
  txs: Uint8Array[];
  /** EIP-4895 withdrawals (empty before Shanghai). */
  withdrawals: Withdrawal[];
}

type Nested = Uint8Array | Nested[];

const qty = (b: Nested | undefined): bigint => {
  if (!(b instanceof Uint8Array)) throw new Error('expected a byte string');
  return b.length === 0 ? 0n : BigInt(bytesToHex(b));
};
const bytes = (b: Nested | undefined): Hex => {
  if (!(b instanceof Uint8Array)) throw new Error('expected a byte string');
  return bytesToHex(b);
};

/**
 * Decodes `rlp([header, transactions, uncles, withdrawals?])`.
 * Header field order (Yellow Paper 4.3 + EIP-1559/4895/4844/4788): parentHash, ommersHash,
 * beneficiary, stateRoot, transactionsRoot, receiptsRoot, logsBloom, difficulty, number, gasLimit,
 * gasUsed, timestamp, extraData, mixHash, nonce, baseFee, withdrawalsRoot, blobGasUsed,
 * excessBlobGas, parentBeaconBlockRoot.
 * @throws ParallaxError `VECTOR_FORMAT` if the RLP does not have that shape.
 */
export function decodeBlockRlp(rlp: Hex): DecodedBlock {
  try {
    const decoded = RLP.decode(rlp) as Nested;
    if (!Array.isArray(decoded) || decoded.length < 3) throw new Error('block is not a list of >= 3 items');
    const [h, txList, , wList] = decoded;
    if (!Array.isArray(h) || h.length < 15) throw new Error('header is not a list of >= 15 items');
    if (!Array.isArray(txList)) throw new Error('transactions are not a list');
    const header: DecodedHeader = {
      hash: keccak256(RLP.encode(h)),
      parentHash: bytes(h[0]),
      coinbase: bytes(h[2]),
      stateRoot: bytes(h[3]),
      receiptsRoot: bytes(h[5]),
      logsBloom: bytes(h[6]),
      number: qty(h[8]),
      gasLimit: qty(h[9]),
      gasUsed: qty(h[10]),
      timestamp: qty(h[11]),
      mixHash: bytes(h[13]),
      baseFeePerGas: h.length > 15 ? qty(h[15]) : undefined,
      blobGasUsed: h.length > 17 ? qty(h[17]) : undefined,
      excessBlobGas: h.length > 18 ? qty(h[18]) : undefined,
      parentBeaconBlockRoot: h.length > 19 ? bytes(h[19]) : undefined,
    };
    const txs = txList.map((t) => (t instanceof Uint8Array ? t : RLP.encode(t)));
    const withdrawals: Withdrawal[] = [];
    if (Array.isArray(wList)) {
      for (const w of wList) {
        if (!Array.isArray(w) || w.length !== 4) throw new Error('withdrawal is not a list of 4 items');
        withdrawals.push({ index: qty(w[0]), validatorIndex: qty(w[1]), address: bytes(w[2]), amountGwei: qty(w[3]) });
      }
    }
    return { header, txs, withdrawals };
  } catch (err) {
    throw new ParallaxError('VECTOR_FORMAT', `undecodable block rlp: ${(err as Error).message}`, { cause: err });
  }
}

/** What {@link ancestorHashes} needs to know about a block. */
export interface ChainLink {
  number: bigint;
  parentHash: Hex;
}

/**
 * Hashes of the up to 256 ancestors of a block whose parent is `parentHash`, walking parent links
 * through `known` (so side chains get their own ancestry), as `[number, hash]` pairs, oldest first.
 * BLOCKHASH(n) for a block at height N is defined for N-256 <= n < N.
 */
export function ancestorHashes(parentHash: Hex, known: ReadonlyMap<Hex, ChainLink>): Array<[bigint, Hex]> {
  const out: Array<[bigint, Hex]> = [];
  let hash: Hex | undefined = parentHash;
  while (hash !== undefined && out.length < 256) {
    const link = known.get(hash);
    if (link === undefined) break;
    out.push([link.number, hash]);
    hash = link.number === 0n ? undefined : link.parentHash;
  }
  return out.reverse();
}

/**
 * The {@link BlockEnv} of a decoded block: PREVRANDAO is the header's mixHash (EIP-4399),
 * withdrawals come from the block body, BLOCKHASH from `blockHashes`.
 * @param blockHashes see {@link ancestorHashes}.
 */
export function blockEnv(block: DecodedBlock, blockHashes: Array<[bigint, Hex]>): BlockEnv {
  const h = block.header;
  return {
    number: h.number,
    timestamp: h.timestamp,
    coinbase: h.coinbase,
    gasLimit: h.gasLimit,
    baseFeePerGas: h.baseFeePerGas ?? 0n,
    prevRandao: h.mixHash,
    parentHash: h.parentHash,
    parentBeaconBlockRoot: h.parentBeaconBlockRoot,
    excessBlobGas: h.excessBlobGas ?? 0n,
    blobGasUsed: h.blobGasUsed ?? 0n,
    withdrawals: block.withdrawals,
    blockHashes,
  };
}
