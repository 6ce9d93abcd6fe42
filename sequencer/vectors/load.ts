/**
 * Loading Ethereum blockchain tests (the `BlockchainTests` JSON format of ethereum/tests and
 * execution-spec-tests fixtures) from a file or a folder.
 *
 * A file is a JSON object `{ <testName>: BlockchainTest, ... }`. A folder is searched recursively
 * for `*.json` files (other files, e.g. README/LICENSE, are ignored), in sorted path order so runs
 * are reproducible.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Hex } from 'viem';
import { ParallaxError } from '../errors.ts';

/** An account of `pre` / `postState`: quantities and storage as 0x-hex strings. */
export interface VectorAccount {
  balance: Hex;
  nonce: Hex;
  code: Hex;
  storage: Record<Hex, Hex>;
}

/** A header as the JSON gives it (all 0x-hex strings). Cancun names; later forks add fields. */
export interface VectorHeader {
  parentHash: Hex;
  uncleHash: Hex;
  coinbase: Hex;
  stateRoot: Hex;
  transactionsTrie: Hex;
  receiptTrie: Hex;
  bloom: Hex;
  difficulty: Hex;
  number: Hex;
  gasLimit: Hex;
  gasUsed: Hex;
  timestamp: Hex;
  extraData: Hex;
  mixHash: Hex;
  nonce: Hex;
  baseFeePerGas?: Hex;
  withdrawalsRoot?: Hex;
  blobGasUsed?: Hex;
  excessBlobGas?: Hex;
  parentBeaconBlockRoot?: Hex;
  hash: Hex;
}

/** One entry of `blocks[]`. Only `rlp` is always present (invalid blocks may lack the rest). */
export interface VectorBlock {
  rlp: Hex;
  blockHeader?: VectorHeader;
  /** Set on blocks a client must reject (InvalidBlocks); absent in ValidBlocks. */
  expectException?: string;
  chainname?: string;
}

/** One blockchain test. */
export interface BlockchainTest {
  /** Test name (key in its file). */
  name: string;
  /** File it came from, relative to the path given to {@link loadTests}. */
  file: string;
  /** Fork name, e.g. `Cancun`. */
  network: string;
  /** Chain id the transactions are signed for (1 unless the test says otherwise). */
  chainId: bigint;
  pre: Record<Hex, VectorAccount>;
  genesisBlockHeader: VectorHeader;
  blocks: VectorBlock[];
  /** Expected state after the block `lastblockhash` (absent when `postStateHash` is given). */
  postState?: Record<Hex, VectorAccount>;
  /** Expected state root after `lastblockhash`, given instead of `postState` for large states. */
  postStateHash?: Hex;
  /** Hash of the canonical head after all blocks. */
  lastblockhash?: Hex;
}

/**
 * Paths of the `*.json` files under `path` (recursively, sorted), or `[path]` for a file.
 * @throws ParallaxError `VECTOR_NOT_FOUND` if `path` does not exist.
 */
export function listTestFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new ParallaxError('VECTOR_NOT_FOUND', `no such file or folder: ${path}`, { cause: err });
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.json')) out.push(p);
    }
  };
  walk(path);
  return out;
}

/**
 * Parses one blockchain-test file.
 * @param file path of the JSON file.
 * @param displayName name recorded in {@link BlockchainTest.file} (default: `file`).
 * @throws ParallaxError `VECTOR_FORMAT` if the file is not JSON or an entry is not a blockchain test.
 */
export function loadTestFile(file: string, displayName: string = file): BlockchainTest[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ParallaxError('VECTOR_FORMAT', `${displayName}: not a JSON file (${(err as Error).message})`, { cause: err });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ParallaxError('VECTOR_FORMAT', `${displayName}: expected an object of named tests`);
  }
  const tests: BlockchainTest[] = [];
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    tests.push(parseTest(name, displayName, raw));
  }
  return tests;
}

/**
 * All tests of a file or of every `*.json` file under a folder, in sorted file order.
 * @throws ParallaxError `VECTOR_NOT_FOUND` / `VECTOR_FORMAT` (see {@link listTestFiles}, {@link loadTestFile}).
 */
export function loadTests(path: string): BlockchainTest[] {
  const isDir = statSafe(path);
  return listTestFiles(path).flatMap((f) => loadTestFile(f, isDir ? relative(path, f) : f));
}

function statSafe(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function parseTest(name: string, file: string, raw: unknown): BlockchainTest {
  const bad = (what: string): never => {
    throw new ParallaxError('VECTOR_FORMAT', `${file}: test ${name}: ${what}`);
  };
  if (raw === null || typeof raw !== 'object') bad('not an object');
  const t = raw as Record<string, unknown>;
  if (typeof t.pre !== 'object' || t.pre === null) bad('missing "pre" (not a blockchain test?)');
  if (!Array.isArray(t.blocks)) bad('missing "blocks" (not a blockchain test?)');
  if (typeof t.genesisBlockHeader !== 'object' || t.genesisBlockHeader === null) bad('missing "genesisBlockHeader"');
  for (const [i, b] of (t.blocks as unknown[]).entries()) {
    if (b === null || typeof b !== 'object' || typeof (b as { rlp?: unknown }).rlp !== 'string') bad(`blocks[${i}] has no "rlp"`);
  }
  const config = t.config as { chainid?: string } | undefined;
  return {
    name,
    file,
    network: typeof t.network === 'string' ? t.network : 'unknown',
    chainId: config?.chainid !== undefined ? BigInt(config.chainid) : 1n,
    pre: t.pre as Record<Hex, VectorAccount>,
    genesisBlockHeader: t.genesisBlockHeader as VectorHeader,
    blocks: t.blocks as VectorBlock[],
    postState: t.postState as Record<Hex, VectorAccount> | undefined,
    postStateHash: t.postStateHash as Hex | undefined,
    lastblockhash: t.lastblockhash as Hex | undefined,
  };
}
