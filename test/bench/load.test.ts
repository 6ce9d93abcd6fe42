import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseLoadArgs } from '../../scripts/load/args.ts';
import type { TargetResult } from '../../scripts/load/report.ts';
import { loadFigures, percentile, type LoadRun } from '../../scripts/load/send.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

describe('load figures', () => {
  it('percentile is nearest-rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 50), null);
  });

  it('rates count acks and successful receipts from the first send', () => {
    const run: LoadRun = {
      timings: [
        { sendAt: 0, ackAt: 100, includedAt: 1000, block: 1n, status: 'success' },
        { sendAt: 50, ackAt: 200, includedAt: 2000, block: 2n, status: 'success' },
        { sendAt: 60, ackAt: 200, includedAt: 2000, block: 2n, status: 'reverted' },
        { sendAt: 70, error: 'send rejected: nonce too low' },
      ],
      firstSendAt: 0,
      lastAckAt: 200,
      lastIncludedAt: 2000,
      blocks: new Map([[1n, 1], [2n, 2]]),
    };
    const f = loadFigures(run);
    assert.equal(f.accepted, 3);
    assert.equal(f.acceptedPerSecond, 15);
    assert.equal(f.executed, 2);
    assert.equal(f.executedPerSecond, 1);
    assert.equal(f.reverted, 1);
    assert.equal(f.failed, 1);
    assert.equal(f.latencyP50Ms, 1000);
    assert.equal(f.latencyP99Ms, 1950);
    assert.equal(f.maxTxsPerBlock, 2);
  });

  it('parses flags', () => {
    const o = parseLoadArgs(['--txs', '10', '--target', 'hardhat'], { L2_RPC_URL: 'http://127.0.0.1:1' }, '/x');
    assert.ok(!('help' in o));
    assert.deepEqual(o.targets, ['hardhat']);
    assert.equal(o.l2Url, 'http://127.0.0.1:1');
    assert.throws(() => parseLoadArgs(['--target', 'geth'], {}, '/x'), TypeError);
  });
});

describe('npm run load against a Hardhat node (smoke)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-load-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sends pre-signed transfers and reports every one executed', async () => {
    const port = await new Promise<number>((res) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => res(p));
      });
    });
    const json = join(dir, 'load.json');
    const r = spawnSync(process.execPath, ['scripts/load.ts', '--target', 'hardhat', '--hardhat-port', String(port), '--txs', '24', '--accounts', '4', '--timeout', '30', '--json', json], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, `load exited ${r.status}\n${r.stdout}\n${r.stderr}`);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { results: TargetResult[] };
    assert.equal(doc.results.length, 1);
    const f = doc.results[0]!.figures;
    assert.equal(f.txs, 24);
    assert.equal(f.executed, 24);
    assert.ok(f.acceptedPerSecond > 0 && f.executedPerSecond > 0);
    assert.ok(f.latencyP50Ms !== null && f.latencyP99Ms! >= f.latencyP50Ms);
    assert.match(r.stdout, /executed tx\/s/);
  });
});
