import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDemoArgs } from '../../scripts/demo/args.ts';
import { compileDemoToken } from '../../scripts/demo/compile.ts';
import { ensureDevnet } from '../../scripts/demo/devnet.ts';
import { probeChainId } from '../../scripts/lib/probe.ts';
import { waitForVerdicts } from '../../scripts/demo/l1.ts';

const tmp = mkdtempSync(join(tmpdir(), 'px-demo-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A JSON-RPC server answering `method` with `result()`; resolves to its URL. */
async function rpcServer(answers: Record<string, () => unknown>): Promise<{ url: string; close(): void }> {
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const j = JSON.parse(body) as { id: number; method: string };
      const f = answers[j.method];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(f ? { jsonrpc: '2.0', id: j.id, result: f() } : { jsonrpc: '2.0', id: j.id, error: { code: -32601, message: 'method not found' } }));
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => s.close() };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('ensureDevnet', () => {
  it('uses a node that already answers and does not start one', async () => {
    const s = await rpcServer({ eth_chainId: () => '0x7a69' });
    try {
      assert.equal(await probeChainId(s.url), 31337n);
      const h = await ensureDevnet(s.url, { root: join(tmp, 'none'), logFile: join(tmp, 'x.log'), timeoutMs: 1000 });
      assert.equal(h.started, false);
    } finally {
      s.close();
    }
  });

  it('fails clearly when nothing answers and there is no scripts/devnet.ts', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    await assert.rejects(ensureDevnet(url, { root: join(tmp, 'none'), logFile: join(tmp, 'x.log'), timeoutMs: 1000 }), /does not exist/);
  });

  it('starts scripts/devnet.ts --fresh, waits for eth_chainId, and stops it with SIGINT', async () => {
    const root = join(tmp, 'repo');
    mkdirSync(join(root, 'scripts'), { recursive: true });
    const port = await freePort();
    const marker = join(tmp, 'devnet-events');
    writeFileSync(
      join(root, 'scripts', 'devnet.ts'),
      `import { createServer } from 'node:http';
import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(marker)}, 'args ' + process.argv.slice(2).join(' ') + '\\n');
const s = createServer((req, res) => { req.resume(); req.on('end', () => res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: '0x2a' }))); });
setTimeout(() => s.listen(${port}, '127.0.0.1'), 300);
process.on('SIGINT', () => { appendFileSync(${JSON.stringify(marker)}, 'SIGINT\\n'); s.close(); process.exit(0); });
`,
    );
    const h = await ensureDevnet(`http://127.0.0.1:${port}`, { root, logFile: join(tmp, 'devnet.log'), timeoutMs: 20_000 });
    assert.equal(h.started, true);
    assert.equal(await probeChainId(`http://127.0.0.1:${port}`), 42n);
    await h.stop();
    assert.equal(readFileSync(marker, 'utf8'), 'args --fresh\nSIGINT\n');
    assert.equal(await probeChainId(`http://127.0.0.1:${port}`, 500), undefined);
  });
});

describe('waitForVerdicts', () => {
  it('returns once every requested batch has a final verdict', async () => {
    let calls = 0;
    const v = (i: number, verdict: string) => ({ batchIndex: i, firstBlock: '1', lastBlock: '2', verdict, postedOutputRoot: '0x01', computedOutputRoot: '0x01' });
    const s = await rpcServer({ parallax_challengerStatus: () => ({ verdicts: [v(0, 'agree'), v(1, ++calls < 2 ? 'pending' : 'disagree')] }) });
    try {
      const r = await waitForVerdicts(s.url, [1, 0], Date.now() + 10_000);
      assert.equal(r.timedOut, false);
      assert.deepEqual(r.verdicts.map((x) => [x.batchIndex, x.verdict]), [[1, 'disagree'], [0, 'agree']]);
    } finally {
      s.close();
    }
  });

  it('reports missing batches as pending when the deadline passes', async () => {
    const s = await rpcServer({ parallax_challengerStatus: () => ({ verdicts: [] }) });
    try {
      const r = await waitForVerdicts(s.url, [3], Date.now() - 1);
      assert.equal(r.timedOut, true);
      assert.equal(r.verdicts[0]?.verdict, 'pending');
    } finally {
      s.close();
    }
  });
});

describe('demo args', () => {
  it('reads flags and environment', () => {
    const o = parseDemoArgs(['--txs', '50', '--no-l1', '--json', 'out.json'], { L2_RPC_URL: 'http://x:1', DATA_DIR: 'd', PX_CWD: '/somewhere' }, '/repo');
    assert.ok(!('help' in o));
    if (!('help' in o)) {
      assert.equal(o.txs, 50);
      assert.equal(o.noL1, true);
      assert.equal(o.l2Url, 'http://x:1');
      assert.equal(o.l1Url, 'http://127.0.0.1:8545');
      assert.equal(o.dataDir, '/repo/d');
      assert.equal(o.json, '/somewhere/out.json');
    }
    assert.throws(() => parseDemoArgs(['--txs', '0'], {}, '/repo'), TypeError);
    assert.throws(() => parseDemoArgs(['--bogus'], {}, '/repo'));
  });
});

describe('compileDemoToken', () => {
  it('compiles DemoToken with solcjs once, then serves it from the cache', () => {
    const cacheDir = join(tmp, 'cache');
    const first = compileDemoToken({ cacheDir });
    assert.equal(first.cached, false);
    assert.match(first.bytecode, /^0x6080/);
    assert.ok(first.abi.some((x) => x.type === 'function' && x.name === 'transfer'));
    const second = compileDemoToken({ cacheDir });
    assert.equal(second.cached, true);
    assert.equal(second.bytecode, first.bytecode);
  });
});
