import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { privateKeyToAddress } from 'viem/accounts';
import type { Hex } from 'viem';
import { loadUniswapV2 } from '../../scripts/demo/contracts.ts';
import { compareRuns, type BenchRow } from '../../scripts/bench/report.ts';
import type { BlockRun } from '../../scripts/bench/run.ts';
import { addressOf, benchDeployment, HOT_ADDRESS, mixedCounts, planIdealSpeedup, planWorkload, senderKey, splitBlocks, WORKLOADS } from '../../scripts/bench/workloads.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const d = benchDeployment(loadUniswapV2().pair.bytecode);

describe('bench workloads', () => {
  it('derives the same addresses as viem', () => {
    for (const i of [0, 1, 977]) assert.equal(addressOf(senderKey(i)), privateKeyToAddress(senderKey(i)).toLowerCase());
  });

  it('plans exactly n txs with per-sender nonces in block order, for every workload', () => {
    for (const w of WORKLOADS) {
      for (const n of [1, 7, 40]) {
        const p = planWorkload(w, n, d);
        assert.equal(p.txs.length, n, `${w} ${n}`);
        assert.equal(Object.values(p.mix).reduce((a, b) => a + b, 0), n);
        const next = new Map<number, number>();
        for (const t of p.txs) {
          assert.equal(t.nonce, next.get(t.sender) ?? 0, `${w}: nonce order of sender ${t.sender}`);
          next.set(t.sender, t.nonce + 1);
          assert.ok(t.sender < p.senders);
        }
      }
    }
  });

  it('eth-transfers and erc20-disjoint use disjoint senders and recipients; erc20-hotspot one recipient', () => {
    const eth = planWorkload('eth-transfers', 50, d);
    const ethAddrs = eth.txs.flatMap((t) => [addressOf(senderKey(t.sender)), t.to]);
    assert.equal(new Set(ethAddrs).size, 100);
    const erc = planWorkload('erc20-disjoint', 50, d);
    assert.equal(new Set(erc.txs.map((t) => t.sender)).size, 50);
    const recipients = erc.txs.map((t) => `0x${t.data.slice(34, 74)}`);
    assert.equal(new Set(recipients).size, 50);
    assert.ok(erc.txs.every((t) => t.to === d.tokenA));
    const hot = planWorkload('erc20-hotspot', 20, d);
    assert.deepEqual(new Set(hot.txs.map((t) => `0x${t.data.slice(34, 74)}`)), new Set([HOT_ADDRESS.toLowerCase()]));
  });

  it('keeps each swap unit adjacent (transfer into the pair, then swap by the same trader)', () => {
    const p = planWorkload('mixed', 200, d);
    const swaps = p.txs.map((t, i) => ({ t, i })).filter(({ t }) => t.to === d.pair);
    assert.ok(swaps.length > 0);
    for (const { t, i } of swaps) {
      const prev = p.txs[i - 1]!;
      assert.equal(prev.sender, t.sender);
      assert.ok(prev.to === d.token0 || prev.to === d.token1);
    }
  });

  it('blends mixed as stated and splits blocks evenly', () => {
    assert.deepEqual(mixedCounts(100), { eth: 39, erc20: 30, hot: 15, swap: 16 }); // swaps rounded to whole units, ETH takes the rest
    for (const n of [3, 41, 1000]) {
      const m = mixedCounts(n);
      assert.equal(m.eth + m.erc20 + m.hot + m.swap, n);
      assert.equal(m.swap % 2, 0);
    }
    assert.deepEqual(splitBlocks([1, 2, 3, 4, 5], 2), [[1, 2, 3], [4, 5]]);
    assert.deepEqual(splitBlocks([1, 2], 5), [[1], [2]]);
  });
});

describe('planIdealSpeedup', () => {
  it('is txs / largest conflict set, summed over blocks', () => {
    assert.equal(planIdealSpeedup([planWorkload('eth-transfers', 30, d).txs]), 30);
    assert.equal(planIdealSpeedup([planWorkload('erc20-hotspot', 30, d).txs]), 1);
    assert.equal(planIdealSpeedup([planWorkload('uniswap-one-pair', 30, d).txs]), 1);
    assert.equal(planIdealSpeedup([planWorkload('mixed', 100, d).txs]), 100 / 16);
    assert.equal(planIdealSpeedup(splitBlocks(planWorkload('erc20-hotspot', 30, d).txs, 3)), 1);
  });
});

describe('compareRuns', () => {
  const run = (root: Hex, gas = 21000n): BlockRun => ({ stateRoot: root, receiptsRoot: '0x01', gasUsed: gas, seconds: 1, failedTxs: [], stats: { mode: 'parallel', txs: 1, groups: 1, groupSizes: [1], reexecuted: 0, rounds: 1, workers: 1, ms: 1, rootMs: 0 } });
  it('reports a differing state root or gas, and nothing when equal', () => {
    assert.deepEqual(compareRuns([run('0xaa')], [run('0xaa')]), []);
    assert.equal(compareRuns([run('0xaa'), run('0xbb')], [run('0xaa'), run('0xbc')]).length, 1);
    assert.match(compareRuns([run('0xaa')], [run('0xaa', 1n)])[0]!, /gasUsed/);
  });
});

describe('npm run bench (smoke, tiny N)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-bench-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes rows for every mode, and every parallel row has the sequential state root', () => {
    const json = join(dir, 'out.json');
    const chart = join(dir, 'chart.png');
    const res = spawnSync(
      process.execPath,
      ['scripts/bench.ts', '--txs', '14', '--workloads', 'mixed,uniswap-one-pair', '--workers', '1,2', '--blocks', '2', '--warmup', '4', '--json', json, '--chart', chart, '--cache', join(dir, 'cache')],
      { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, INIT_CWD: ROOT } },
    );
    assert.equal(res.status, 0, `bench exited ${res.status}\n${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /machine: .+ cores, .+Node v\d+/);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { machine: { cores: number; node: string }; rows: BenchRow[] };
    assert.equal(doc.machine.node, process.version);
    assert.equal(doc.rows.length, 6);
    for (const w of ['mixed', 'uniswap-one-pair']) {
      const rows = doc.rows.filter((r) => r.workload === w);
      assert.deepEqual(rows.map((r) => `${r.mode}/${r.workers}`), ['sequential/1', 'parallel/1', 'parallel/2']);
      const seq = rows[0]!;
      assert.equal(seq.speedup, 1);
      for (const r of rows) {
        for (const k of ['txs', 'gas', 'seconds', 'txPerSecond', 'mgasPerSecond', 'speedup'] as const) assert.equal(typeof r[k], 'number', `${w} ${k}`);
        assert.equal(r.txs, 14);
        assert.equal(r.blocks, 2);
        assert.ok(r.gas > 14 * 21000);
        assert.ok(r.seconds > 0 && Number.isFinite(r.speedup));
        assert.equal(r.stateRoot, seq.stateRoot, `${w} ${r.mode}x${r.workers} state root`);
        assert.deepEqual(r.blockRoots, seq.blockRoots);
        assert.equal(r.gas, seq.gas);
      }
    }
    const png = readFileSync(chart);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});
