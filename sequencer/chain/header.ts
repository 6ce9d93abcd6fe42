/**
 * L2 block headers: the same Ethereum header (Cancun shape) the sequencer seals and the
 * challenger re-derives, so block hashes match on both sides.
 *
 * Derivation of per-block values from the parent (identical on both sides):
 * - number = parent + 1; timestamp from the batch (sequencer: wall clock, strictly increasing);
 * - baseFeePerGas per EIP-1559 (elasticity 2, change denominator 8) from the parent;
 * - coinbase = config.feeRecipient, gasLimit = config.gasLimit, mixHash = config.prevRandao;
 * - withdrawalsRoot = empty trie, blob gas fields 0, parentBeaconBlockRoot = zero hash (no beacon
 *   chain on L2; the EIP-4788 contract is not deployed, so nothing is stored).
 */
import { createBlockHeader, type BlockHeader } from '@ethereumjs/block';
import { createMPT } from '@ethereumjs/mpt';
import { RLP } from '@ethereumjs/rlp';
import { bytesToHex, hexToBytes, type Hex } from 'viem';
import type { BlockEnv, BlockResult } from '../executor/types.ts';
import { EMPTY_ROOT } from '../state/state-db.ts';
import { makeCommon, nativeKeccak256 } from './common.ts';
import type { RollupConfig } from './config.ts';

const ZERO32: Hex = '0x0000000000000000000000000000000000000000000000000000000000000000';

/** The fields of a sealed L2 header (what the chain store keeps). */
export interface L2Header {
  number: bigint;
  hash: Hex;
  parentHash: Hex;
  timestamp: bigint;
  miner: Hex;
  stateRoot: Hex;
  transactionsRoot: Hex;
  receiptsRoot: Hex;
  logsBloom: Hex;
  gasLimit: bigint;
  gasUsed: bigint;
  baseFeePerGas: bigint;
  mixHash: Hex;
  extraData: Hex;
}

/** Root of the trie rlp(i) -> raw tx (Yellow Paper 4.3). */
export async function transactionsRoot(txs: Uint8Array[]): Promise<Hex> {
  if (txs.length === 0) return EMPTY_ROOT;
  const trie = await createMPT({ useKeyHashingFunction: nativeKeccak256 });
  for (let i = 0; i < txs.length; i++) await trie.put(RLP.encode(i), txs[i]!);
  return bytesToHex(trie.root());
}

function toEjsHeader(h: Omit<L2Header, 'hash'>, chainId: bigint): BlockHeader {
  return createBlockHeader(
    {
      parentHash: hexToBytes(h.parentHash),
      coinbase: hexToBytes(h.miner),
      stateRoot: hexToBytes(h.stateRoot),
      transactionsTrie: hexToBytes(h.transactionsRoot),
      receiptTrie: hexToBytes(h.receiptsRoot),
      logsBloom: hexToBytes(h.logsBloom),
      difficulty: 0n,
      number: h.number,
      gasLimit: h.gasLimit,
      gasUsed: h.gasUsed,
      timestamp: h.timestamp,
      extraData: hexToBytes(h.extraData),
      mixHash: hexToBytes(h.mixHash),
      nonce: new Uint8Array(8),
      baseFeePerGas: h.baseFeePerGas,
      withdrawalsRoot: hexToBytes(EMPTY_ROOT),
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: hexToBytes(ZERO32),
    },
    { common: makeCommon(chainId), skipConsensusFormatValidation: true },
  );
}

/** Seals a header: computes its hash (keccak256 of its RLP). */
export function sealHeader(h: Omit<L2Header, 'hash'>, chainId: bigint): L2Header {
  return { ...h, hash: bytesToHex(toEjsHeader(h, chainId).hash()) };
}

/**
 * RLP size in bytes of the whole block `[header, txs, uncles=[], withdrawals=[]]` (eth_getBlock
 * `size`); typed txs are byte strings in the body, legacy txs RLP lists (EIP-2718).
 */
export function blockSize(h: Omit<L2Header, 'hash'>, txs: Uint8Array[], chainId: bigint): number {
  const header = RLP.decode(toEjsHeader(h, chainId).serialize());
  const body = txs.map((t) => (t[0]! >= 0xc0 ? RLP.decode(t) : t));
  return RLP.encode([header, body as never, [], []]).length;
}

/** EIP-1559 base fee of the child of `parent`, wei per gas. */
export function nextBaseFee(parent: Pick<L2Header, 'gasLimit' | 'gasUsed' | 'baseFeePerGas'>): bigint {
  const target = parent.gasLimit / 2n;
  if (parent.gasUsed === target) return parent.baseFeePerGas;
  if (parent.gasUsed > target) {
    const delta = (parent.baseFeePerGas * (parent.gasUsed - target)) / target / 8n;
    return parent.baseFeePerGas + (delta > 1n ? delta : 1n);
  }
  const delta = (parent.baseFeePerGas * (target - parent.gasUsed)) / target / 8n;
  return parent.baseFeePerGas - delta;
}

/** The genesis header for a config and its genesis state root. */
export function genesisHeader(config: RollupConfig, stateRoot: Hex): L2Header {
  return sealHeader(
    {
      number: 0n,
      parentHash: ZERO32,
      timestamp: config.genesisTimestamp,
      miner: config.feeRecipient,
      stateRoot,
      transactionsRoot: EMPTY_ROOT,
      receiptsRoot: EMPTY_ROOT,
      logsBloom: `0x${'00'.repeat(256)}`,
      gasLimit: config.gasLimit,
      gasUsed: 0n,
      baseFeePerGas: config.genesisBaseFee,
      mixHash: config.prevRandao,
      extraData: '0x',
    },
    config.chainId,
  );
}

/**
 * The execution env of the child of `parent` at `timestamp`.
 * @param ancestors up to 256 `[number, hash]` pairs of the most recent blocks (incl. parent), for BLOCKHASH.
 */
export function childEnv(config: RollupConfig, parent: L2Header, timestamp: bigint, ancestors: Array<[bigint, Hex]>): BlockEnv {
  return {
    number: parent.number + 1n,
    timestamp,
    coinbase: config.feeRecipient,
    gasLimit: config.gasLimit,
    baseFeePerGas: nextBaseFee(parent),
    prevRandao: config.prevRandao,
    parentHash: parent.hash,
    blockHashes: ancestors,
  };
}

/** Seals the header of a block executed in `env` with result `res`. */
export async function sealChild(config: RollupConfig, env: BlockEnv, txs: Uint8Array[], res: BlockResult): Promise<L2Header> {
  return sealHeader(
    {
      number: env.number,
      parentHash: env.parentHash,
      timestamp: env.timestamp,
      miner: env.coinbase,
      stateRoot: res.stateRoot,
      transactionsRoot: await transactionsRoot(txs),
      receiptsRoot: res.receiptsRoot,
      logsBloom: res.logsBloom,
      gasLimit: env.gasLimit,
      gasUsed: res.gasUsed,
      baseFeePerGas: env.baseFeePerGas,
      mixHash: env.prevRandao,
      extraData: '0x',
    },
    config.chainId,
  );
}
