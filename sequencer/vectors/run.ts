/**
 * Running blockchain tests against a parallax executor.
 *
 * One test = a fresh temporary SQLite state database (under `os.tmpdir()`; or a shared
 * {@link VectorSession}), the test's `pre`
 * written as genesis (its root must equal the genesis header's `stateRoot`), then every block
 * executed on its parent's state with {@link createExecutor} in the given mode. After each block
 * the executor's state root, receipts root, gas used and logs bloom must equal the header's
 * `stateRoot`, `receiptTrie`, `gasUsed` and `bloom`; the first difference fails the test. At the
 * end the state of `lastblockhash` must equal `postState` (compared by root: `postState` is
 * written into the same database as a genesis would be) or `postStateHash`.
 *
 * Blocks are chained by `parentHash`, so tests with side chains execute each block on its own
 * parent's state with its own ancestry for BLOCKHASH.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hex } from 'viem';
import { makeCommon } from '../chain/common.ts';
import { ParallaxError } from '../errors.ts';
import { createExecutor, type BlockExecutor, type ExecutorMode } from '../executor/index.ts';
import { StateDb, type GenesisAlloc } from '../state/state-db.ts';
import { ancestorHashes, blockEnv, decodeBlockRlp, type ChainLink, type DecodedBlock } from './env.ts';
import { loadTests, type BlockchainTest, type VectorAccount } from './load.ts';
import { skipReason } from './skips.ts';

/** `both` runs every test in both modes; a test passes only if it passes in each. */
export type VectorsMode = ExecutorMode | 'both';

export interface RunOptions {
  mode: ExecutorMode;
  /** Worker threads for the parallel executor (default: the executor's default). */
  workers?: number;
  /**
   * Run in this session (shared state database and executor) instead of a fresh one for the test.
   * See {@link VectorSession}.
   */
  session?: VectorSession;
}

/**
 * Where tests execute: a temporary directory (under `os.tmpdir()`) holding one SQLite state
 * database per chain id, and one executor per database, created on first use.
 *
 * By default every test gets its own session (fresh database, fresh executor). A session can also
 * be shared by many tests: their states never mix (each test's genesis and blocks are named by
 * their roots in a content-addressed store), and the parallel executor's worker pool is then
 * started once instead of once per test (seconds each).
 */
export class VectorSession {
  readonly mode: ExecutorMode;
  readonly workers?: number;
  readonly dir: string;
  /** First fallback to sequential execution reported by a parallel executor since {@link resetFallback}. */
  fallback?: Error;
  private readonly byChain = new Map<bigint, { db: StateDb; executor?: BlockExecutor }>();

  constructor(mode: ExecutorMode, workers?: number) {
    this.mode = mode;
    this.workers = workers;
    this.dir = mkdtempSync(join(tmpdir(), 'parallax-vectors-'));
  }

  /** The state database for `chainId` (created on first use). */
  db(chainId: bigint): StateDb {
    let e = this.byChain.get(chainId);
    if (e === undefined) {
      e = { db: StateDb.open(join(this.dir, `state-${chainId}.sqlite`), makeCommon(chainId)) };
      this.byChain.set(chainId, e);
    }
    return e.db;
  }

  /**
   * The executor on {@link db}`(chainId)` (created on first use).
   * @throws whatever {@link createExecutor} throws.
   */
  executor(chainId: bigint): BlockExecutor {
    const db = this.db(chainId);
    const e = this.byChain.get(chainId)!;
    // A parallel executor that falls back to sequential execution would hide its own bugs here.
    const onFallback = (err: Error): void => void (this.fallback ??= err);
    e.executor ??= createExecutor({ mode: this.mode, stateDb: db, workers: this.workers, onFallback });
    return e.executor;
  }

  resetFallback(): void {
    this.fallback = undefined;
  }

  /** Closes executors and databases and removes the directory. */
  async close(): Promise<void> {
    try {
      for (const e of this.byChain.values()) await e.executor?.close();
    } finally {
      for (const e of this.byChain.values()) e.db.close();
      this.byChain.clear();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** What happened to one test. `difference` names the first mismatch (block, field, values). */
export type TestOutcome =
  | { status: 'passed'; blocks: number; txs: number }
  | { status: 'failed'; difference: string }
  | { status: 'skipped'; reason: string };

/** Account map of a test (`pre` / `postState`) as a {@link GenesisAlloc}. */
export function toAlloc(accounts: Record<Hex, VectorAccount>): GenesisAlloc {
  const alloc: GenesisAlloc = {};
  for (const [addr, a] of Object.entries(accounts) as Array<[Hex, VectorAccount]>) {
    alloc[addr] = { balance: BigInt(a.balance), nonce: BigInt(a.nonce), code: a.code, storage: a.storage };
  }
  return alloc;
}

const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Decodes the test's blocks and decides whether it is skipped.
 * @returns the decoded blocks, or the skip/failure outcome.
 */
export function prepareTest(test: BlockchainTest): DecodedBlock[] | TestOutcome {
  const early = skipReason(test, undefined);
  if (early !== undefined) return { status: 'skipped', reason: early };
  const blocks: DecodedBlock[] = [];
  for (const [i, b] of test.blocks.entries()) {
    try {
      blocks.push(decodeBlockRlp(b.rlp));
    } catch (err) {
      return { status: 'failed', difference: `block ${i}: ${(err as Error).message}` };
    }
  }
  const reason = skipReason(test, blocks);
  if (reason !== undefined) return { status: 'skipped', reason };
  return blocks;
}

/**
 * Runs one test in one mode, on a fresh temporary state database (removed afterwards) unless
 * `opts.session` is given. Never throws for a test-level problem: executor errors and fallbacks
 * of the parallel executor to sequential execution become a `failed` outcome.
 */
export async function runTest(test: BlockchainTest, opts: RunOptions): Promise<TestOutcome> {
  const prepared = prepareTest(test);
  if (!Array.isArray(prepared)) return prepared;
  const session = opts.session ?? new VectorSession(opts.mode, opts.workers);
  try {
    session.resetFallback();
    const outcome = await execute(test, prepared, session);
    if (session.fallback !== undefined && outcome.status !== 'failed') {
      return { status: 'failed', difference: `the parallel executor fell back to sequential execution: ${describeError(session.fallback)}` };
    }
    return outcome;
  } catch (err) {
    return { status: 'failed', difference: describeError(err) };
  } finally {
    if (opts.session === undefined) await session.close();
  }
}

/** Runs `test` in each of `modes`; passes only if it passes in all (first failure reported). */
export async function runTestModes(
  test: BlockchainTest,
  modes: readonly ExecutorMode[],
  workers?: number,
  sessions?: ReadonlyMap<ExecutorMode, VectorSession>,
): Promise<TestOutcome> {
  let outcome: TestOutcome | undefined;
  for (const mode of modes) {
    const o = await runTest(test, { mode, workers, session: sessions?.get(mode) });
    if (o.status === 'failed') return modes.length > 1 ? { status: 'failed', difference: `[${mode}] ${o.difference}` } : o;
    if (o.status === 'skipped') return o;
    outcome = o;
  }
  if (outcome === undefined) throw new ParallaxError('VECTOR_MODE', 'no mode given');
  return outcome;
}

async function execute(test: BlockchainTest, blocks: DecodedBlock[], session: VectorSession): Promise<TestOutcome> {
  const g = test.genesisBlockHeader;
  const db = session.db(test.chainId);
  const genesisRoot = await db.applyGenesis(toAlloc(test.pre));
  if (!eq(genesisRoot, g.stateRoot)) {
    return { status: 'failed', difference: `genesis: stateRoot: expected ${g.stateRoot}, got ${genesisRoot}` };
  }
  let executor: BlockExecutor;
  try {
    executor = session.executor(test.chainId);
  } catch (err) {
    return { status: 'failed', difference: `cannot create the ${session.mode} executor: ${describeError(err)}` };
  }
  const known = new Map<Hex, ChainLink & { root: Hex }>();
  known.set(g.hash.toLowerCase() as Hex, { number: BigInt(g.number), parentHash: g.parentHash, root: genesisRoot });
  let txs = 0;
  for (const [i, block] of blocks.entries()) {
    const h = block.header;
    const json = test.blocks[i]!.blockHeader;
    const where = `block ${i} (number ${h.number})`;
    if (json !== undefined && !eq(json.hash, h.hash)) {
      return { status: 'failed', difference: `${where}: blockHeader.hash ${json.hash} is not keccak(rlp header) ${h.hash}` };
    }
    const parent = known.get(h.parentHash.toLowerCase() as Hex);
    if (parent === undefined) return { status: 'failed', difference: `${where}: unknown parent ${h.parentHash}` };
    const env = blockEnv(block, ancestorHashes(h.parentHash.toLowerCase() as Hex, known));
    let res;
    try {
      res = await executor.executeBlock(parent.root, env, block.txs);
    } catch (err) {
      return { status: 'failed', difference: `${where}: executor threw ${describeError(err)}` };
    }
    const expected: Array<[string, string, string]> = [
      ['stateRoot', json?.stateRoot ?? h.stateRoot, res.stateRoot],
      ['receiptsRoot (header receiptTrie)', json?.receiptTrie ?? h.receiptsRoot, res.receiptsRoot],
      ['gasUsed', BigInt(json?.gasUsed ?? h.gasUsed).toString(), res.gasUsed.toString()],
      ['logsBloom (header bloom)', json?.bloom ?? h.logsBloom, res.logsBloom],
    ];
    for (const [field, want, got] of expected) {
      if (!eq(want, got)) return { status: 'failed', difference: `${where}: ${field}: expected ${want}, got ${got}` };
    }
    txs += block.txs.length;
    known.set(h.hash, { number: h.number, parentHash: h.parentHash.toLowerCase() as Hex, root: res.stateRoot });
  }
  // Loose end-of-chain checks: the head is a block we executed, and its state is postState.
  const headHash = (test.lastblockhash ?? blocks.at(-1)?.header.hash ?? g.hash).toLowerCase() as Hex;
  const head = known.get(headHash);
  if (head === undefined) return { status: 'failed', difference: `lastblockhash ${headHash} is not a block of the test` };
  if (test.postStateHash !== undefined && !eq(test.postStateHash, head.root)) {
    return { status: 'failed', difference: `postStateHash: expected ${test.postStateHash}, got ${head.root}` };
  }
  if (test.postState !== undefined) {
    const postRoot = await db.applyGenesis(toAlloc(test.postState));
    if (!eq(postRoot, head.root)) {
      return { status: 'failed', difference: `postState: root of postState ${postRoot} != state root of lastblockhash ${head.root}` };
    }
  }
  return { status: 'passed', blocks: blocks.length, txs };
}

function describeError(err: unknown): string {
  if (err instanceof ParallaxError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message.split('\n')[0]}`;
  return String(err);
}

/** One test's result inside a run. */
export interface TestResult {
  file: string;
  name: string;
  outcome: TestOutcome;
}

/** Totals of a run (see {@link runVectors}). */
export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Skip reason -> number of tests skipped for it. */
  skipReasons: Map<string, number>;
  results: TestResult[];
}

/**
 * Runs every test under `paths` (files or folders) in `mode`, one after another in this process.
 * @param opts.sharedDb one {@link VectorSession} per mode for the whole run instead of one per
 *   test (same checks; much faster in parallel mode, whose executor starts a worker pool).
 * @param opts.onResult called after each test (for progress output).
 * @throws ParallaxError `VECTOR_NOT_FOUND` / `VECTOR_FORMAT` if a path or file cannot be loaded.
 */
export async function runVectors(
  paths: readonly string[],
  opts: { mode: VectorsMode; workers?: number; sharedDb?: boolean; onResult?: (r: TestResult) => void },
): Promise<RunSummary> {
  const modes: ExecutorMode[] = opts.mode === 'both' ? ['sequential', 'parallel'] : [opts.mode];
  const summary: RunSummary = { passed: 0, failed: 0, skipped: 0, skipReasons: new Map(), results: [] };
  const tests = paths.flatMap((p) => loadTests(p));
  const sessions = new Map<ExecutorMode, VectorSession>();
  if (opts.sharedDb) for (const m of modes) sessions.set(m, new VectorSession(m, opts.workers));
  try {
    for (const test of tests) {
      const outcome = await runTestModes(test, modes, opts.workers, sessions);
      const r: TestResult = { file: test.file, name: test.name, outcome };
      summary.results.push(r);
      if (outcome.status === 'passed') summary.passed++;
      else if (outcome.status === 'failed') summary.failed++;
      else {
        summary.skipped++;
        summary.skipReasons.set(outcome.reason, (summary.skipReasons.get(outcome.reason) ?? 0) + 1);
      }
      opts.onResult?.(r);
    }
  } finally {
    for (const s of sessions.values()) await s.close();
  }
  return summary;
}

/** The closing lines of a run: `N passed, M failed, K skipped`, then `  <count> skipped: <reason>` per reason. */
export function summaryLines(s: RunSummary): string[] {
  const lines = [`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`];
  for (const [reason, n] of [...s.skipReasons].sort((a, b) => b[1] - a[1])) lines.push(`  ${n} skipped: ${reason}`);
  return lines;
}
