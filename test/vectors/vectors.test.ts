/**
 * The vendored Ethereum blockchain tests (test/fixtures/ethereum-tests, Cancun ValidBlocks) run
 * through both executors: every test must pass (state root, receipts root, gas used and bloom
 * of every block, postState) or be skipped for a listed reason. All in this process; the
 * sequential run gives every test a fresh state db, the parallel one shares one (see VectorSession).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ParallaxError } from '../../sequencer/errors.ts';
import { ancestorHashes, decodeBlockRlp } from '../../sequencer/vectors/env.ts';
import { loadTestFile, loadTests } from '../../sequencer/vectors/load.ts';
import { runTest, runVectors, summaryLines, type RunSummary } from '../../sequencer/vectors/run.ts';
import type { Hex } from 'viem';

const FIXTURES = fileURLToPath(new URL('../fixtures/ethereum-tests', import.meta.url));
const BLOB_REASON = 'blob transactions (EIP-4844) are not part of the L2';

function failures(s: RunSummary): string {
  return s.results
    .filter((r) => r.outcome.status === 'failed')
    .slice(0, 20)
    .map((r) => `${r.file} ${r.name}: ${(r.outcome as { difference: string }).difference}`)
    .join('\n');
}

describe('vendored Ethereum vectors', () => {
  it('load: 217 files, 442 Cancun tests', () => {
    const tests = loadTests(FIXTURES);
    assert.equal(new Set(tests.map((t) => t.file)).size, 217);
    assert.equal(tests.length, 442);
    assert.ok(tests.every((t) => t.network === 'Cancun'));
  });

  it('sequential executor: 0 failed, only the blob-tx test skipped', async () => {
    const s = await runVectors([FIXTURES], { mode: 'sequential' });
    assert.equal(s.failed, 0, failures(s));
    assert.equal(s.passed, 441);
    assert.deepEqual([...s.skipReasons], [[BLOB_REASON, 1]]);
  });

  // One shared state db + executor for the run: a worker pool per test would cost minutes.
  it('parallel executor (2 workers, shared db): 0 failed, only the blob-tx test skipped', async () => {
    const s = await runVectors([FIXTURES], { mode: 'parallel', workers: 2, sharedDb: true });
    assert.equal(s.failed, 0, failures(s));
    assert.equal(s.passed, 441);
    assert.deepEqual([...s.skipReasons], [[BLOB_REASON, 1]]);
  });
});

describe('vectors runner', () => {
  const file = join(FIXTURES, 'BlockchainTests/ValidBlocks/bcExample/basefeeExample.json');

  it('reports the first difference when a header disagrees with execution', async () => {
    const [test] = loadTestFile(file);
    const t = structuredClone(test!);
    const header = t.blocks[0]!.blockHeader!;
    // Tamper with the JSON header only (the RLP, hence the hash check, is untouched).
    header.gasUsed = '0x01';
    const o = await runTest(t, { mode: 'sequential' });
    assert.equal(o.status, 'failed');
    assert.match((o as { difference: string }).difference, /^block 0 \(number 1\): gasUsed: expected 1, got \d+$/);
  });

  it('fails a test whose genesis root or postState does not match', async () => {
    const [test] = loadTestFile(file);
    const bad = structuredClone(test!);
    bad.genesisBlockHeader.stateRoot = `0x${'11'.repeat(32)}`;
    const o1 = await runTest(bad, { mode: 'sequential' });
    assert.match((o1 as { difference: string }).difference, /^genesis: stateRoot/);
    const post = structuredClone(test!);
    const addr = Object.keys(post.postState!)[0] as Hex;
    post.postState![addr]!.balance = '0x0123';
    const o2 = await runTest(post, { mode: 'sequential' });
    assert.match((o2 as { difference: string }).difference, /^postState: /);
  });

  it('skips a non-Cancun test with its reason and counts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parallax-vectors-test-'));
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { network: string }>;
      const [name, test] = Object.entries(raw)[0]!;
      writeFileSync(join(dir, 'x.json'), JSON.stringify({ [name]: { ...test, network: 'Shanghai' } }));
      writeFileSync(join(dir, 'README.md'), 'not a test');
      const s = await runVectors([dir], { mode: 'sequential' });
      assert.deepEqual([s.passed, s.failed, s.skipped], [0, 0, 1]);
      assert.deepEqual(summaryLines(s), ['0 passed, 0 failed, 1 skipped', '  1 skipped: fork other than Cancun (parallax executes Cancun rules only)']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a path that does not exist or a file that is not a blockchain test', async () => {
    await assert.rejects(runVectors(['/nonexistent/vectors'], { mode: 'sequential' }), (e: unknown) => e instanceof ParallaxError && e.code === 'VECTOR_NOT_FOUND');
    const dir = mkdtempSync(join(tmpdir(), 'parallax-vectors-test-'));
    try {
      writeFileSync(join(dir, 'state.json'), JSON.stringify({ t: { env: {}, pre: {}, post: {} } }));
      assert.throws(() => loadTests(dir), (e: unknown) => e instanceof ParallaxError && e.code === 'VECTOR_FORMAT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decodes block RLP (hash = header hash) and gives 256 ancestors at most, by parent links', () => {
    const [test] = loadTestFile(file);
    const b = test!.blocks[0]!;
    const d = decodeBlockRlp(b.rlp);
    assert.equal(d.header.hash, b.blockHeader!.hash);
    assert.equal(d.header.stateRoot, b.blockHeader!.stateRoot);
    assert.equal(d.txs.length, 1 /* basefeeExample block 1 */);
    const known = new Map<Hex, { number: bigint; parentHash: Hex }>();
    const h = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`;
    for (let n = 0; n <= 300; n++) known.set(h(n + 1), { number: BigInt(n), parentHash: h(n) });
    known.set(h(999), { number: 300n, parentHash: h(300) }); // a sibling of block 300
    const anc = ancestorHashes(h(301), known);
    assert.equal(anc.length, 256);
    assert.deepEqual(anc[0], [45n, h(46)]);
    assert.deepEqual(anc.at(-1), [300n, h(301)]);
    assert.deepEqual(ancestorHashes(h(1), known), [[0n, h(1)]]);
  });
});
