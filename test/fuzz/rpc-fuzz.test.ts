/**
 * RPC fuzz: a real SequencerNode behind the real JSON-RPC server gets >= 10,000 malformed
 * requests and refusable transactions, generated from a seed (`FUZZ_SEED`, default 0x5eed; the
 * same seed sends the same requests): invalid JSON, valid JSON that is not a request, a wrong
 * type in every param position of every method, bodies over the size limit, batches (empty,
 * oversize, mixed valid/invalid), bad RLP, bad signatures, wrong chain id, nonce too low / too
 * high, insufficient funds, gas too low / above the block limit, oversize calldata.
 *
 * Asserted: every answer is a JSON-RPC error with geth's code (-32700, -32600, -32602, -32000;
 * HTTP 413 + -32600 for an oversize body), the server keeps answering (a valid eth_blockNumber
 * every 100 requests per worker), and at the end the head block, the senders' balances and
 * nonces, and the mempool size are what they were before.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keccak256, serializeTransaction, toHex, type Hex, type TransactionSerializable, type TransactionSerializableEIP1559 } from 'viem';
import { sign } from 'viem/accounts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';
import { startRpcServer, type RpcServer } from '../../sequencer/rpc/server.ts';
import { devAccount, openTestNode, removeDir, tempDir, type TestNode } from '../helpers/node.ts';
import { waitUntil } from '../helpers/process.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed) >>> 0;
const CONCURRENCY = 16;
/** `FUZZ_SCALE` multiplies every category's count (default 1: >= 10,000 requests). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
/** The fuzz server's body limit (a second server on the same node), bytes. */
const SMALL_LIMIT = 256 * 1024;
const SENDERS = [3, 4, 5, 6];
const KEYS = devPrivateKeys(7);
/** Recipients (HD derivation is slow: derive once). */
const RECIPIENTS = Array.from({ length: 6 }, (_, i) => devAccount(8 + i).address);
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a case expects back. */
interface Expect {
  /** HTTP status (default 200). */
  status?: number;
  /** Expected error code of the single response, or, for a batch, per element (null = a result). */
  code: number | Array<number | null>;
  /** Message prefix of the (single) error, when checked. */
  prefix?: string;
}

interface Case {
  category: string;
  body: string;
  expect: Expect;
}

const rpc = (method: string, params: unknown, id: unknown = 1) => ({ jsonrpc: '2.0', id, method, params });

describe('RPC fuzz (seeded, reproducible)', () => {
  const dir = tempDir('px-rpc-fuzz-');
  let t: TestNode;
  let small: RpcServer;
  let base: TransactionSerializableEIP1559;
  const rand = prng(SEED);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

  before(async () => {
    t = await openTestNode({ dataDir: dir });
    small = await startRpcServer({ backend: t.node, host: '127.0.0.1', port: 0, maxRequestBytes: SMALL_LIMIT, maxBatch: 100 });
    // One mined tx per sender, so that nonce 0 is "too low".
    const hashes = await Promise.all(SENDERS.map((i) => t.wallet(i).sendTransaction({ to: devAccount(12).address, value: 1n })));
    for (const hash of hashes) await t.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 15_000 });
    await waitUntil(() => t.node.mempool.size() === 0, { timeoutMs: 5000, what: 'mempool drained' });
    const baseFee = t.node.nextBaseFee();
    base = {
      type: 'eip1559',
      chainId: 901,
      nonce: 1,
      to: devAccount(12).address,
      value: 1000n,
      gas: 21_000n,
      maxFeePerGas: baseFee * 2n + 1_000_000n,
      maxPriorityFeePerGas: 1_000_000n,
    };
  });
  after(async () => {
    await small?.close();
    await t?.close();
    removeDir(dir);
  });

  async function snapshot() {
    const pc = t.publicClient;
    const accounts = [...SENDERS, 12].map((i) => devAccount(i).address);
    return {
      mempool: t.node.mempool.size(),
      head: await pc.getBlockNumber({ cacheTime: 0 }),
      balances: await Promise.all(accounts.map((address) => pc.getBalance({ address }))),
      nonces: await Promise.all(accounts.map((address) => pc.getTransactionCount({ address, blockTag: 'pending' }))),
    };
  }

  async function signTx(tx: TransactionSerializable, key: Hex): Promise<Hex> {
    const sig = await sign({ hash: keccak256(serializeTransaction(tx)), privateKey: key });
    return serializeTransaction(tx, sig);
  }

  /** A tx from a random sender (nonce 1 = its next) with random small variations. */
  function variant(): { tx: TransactionSerializableEIP1559; key: Hex } {
    const s = pick(SENDERS);
    return { tx: { ...base, value: BigInt(1 + int(1_000_000)), to: RECIPIENTS[int(RECIPIENTS.length)]! }, key: KEYS[s]! };
  }

  const sendRaw = (raw: Hex, category: string, prefix: string, id: unknown = int(1e9)): Case => ({
    category,
    body: JSON.stringify(rpc('eth_sendRawTransaction', [raw], id)),
    expect: { code: -32000, prefix },
  });

  // ---------------------------------------------------------------- generators per category

  const VALID_REQ = JSON.stringify(rpc('eth_getBalance', ['0x' + '11'.repeat(20), 'latest']));
  function invalidJson(): Case {
    const kind = int(4);
    let body: string;
    if (kind === 0) body = VALID_REQ.slice(0, 1 + int(VALID_REQ.length - 1)); // strict prefix of an object
    else if (kind === 1) body = '{"jsonrpc":"2.0",' + Array.from({ length: 1 + int(40) }, () => String.fromCharCode(33 + int(90))).join('');
    else if (kind === 2) body = 'x' + Array.from({ length: int(60) }, () => String.fromCharCode(32 + int(95))).join('');
    else body = `[${VALID_REQ},${VALID_REQ.slice(0, int(VALID_REQ.length))}`;
    return { category: 'invalid JSON', body, expect: { code: -32700 } };
  }

  function notARequest(): Case {
    const bodies = [
      '42', '"eth_chainId"', 'null', 'true', '{}',
      JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'eth_chainId' }),
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 42 }),
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: '' }),
      JSON.stringify({ jsonrpc: '2.0', id: { a: 1 }, method: 'eth_chainId' }),
      JSON.stringify({ jsonrpc: '2.0', id: [1], method: 'eth_chainId' }),
      JSON.stringify({ id: 1, method: 'eth_chainId' }),
    ];
    return { category: 'invalid request', body: pick(bodies), expect: { code: -32600 } };
  }

  function unknownMethod(): Case {
    const m = pick(['eth_', 'debug_', 'admin_', 'parallax_', 'personal_', '']) + 'nope' + int(1e6);
    return { category: 'unknown method', body: JSON.stringify(rpc(m, [])), expect: { code: -32601 } };
  }

  // Valid values per param kind, and values of the wrong type for it.
  const addr = devAccount(3).address;
  const hash32 = ('0x' + 'ab'.repeat(32)) as Hex;
  const VALID: Record<string, unknown> = {
    address: addr,
    block: 'latest',
    blockNumber: '0x0',
    slot: '0x0',
    hash: hash32,
    bool: false,
    call: { from: addr, to: addr },
    overrides: {},
    filter: { fromBlock: '0x0', toBlock: 'latest' },
    count: '0x1',
    percentiles: [10, 50],
    raw: '0x02',
  };
  /** geth checks this in the method (TransactionArgs.data()): -32000, not -32602. */
  const DATA_AND_INPUT = { from: addr, input: '0x00', data: '0x01' };
  const scalarJunk = [42, -1, 1.5, 'hello', '0xzz', '0x', '', 'latest ', '0x' + '1'.repeat(70), true, { a: 1 }, [], [1, 2], [[[]]], { '': null }];
  const WRONG: Record<string, unknown[]> = {
    address: [...scalarJunk, '0x1234', hash32, addr.slice(2), '0x' + '1'.repeat(41)],
    block: [...scalarJunk.filter((v) => v !== true), 'pending!', '0x01', 'earliest1', { blockHash: '0x12' }, { blockNumber: 'x' }],
    blockNumber: [...scalarJunk, '0x01', 'notatag'],
    slot: [42, true, { a: 1 }, [], 'hello', '0xzz', '0x' + '1'.repeat(66)],
    hash: [...scalarJunk, '0x1234', addr, hash32.slice(2), hash32 + '00'],
    bool: [42, 'true', '0x1', { a: 1 }, [], 'hello', 1.5],
    call: [42, 'hello', true, [1], { from: 42 }, { to: '0x12' }, { value: 'x' }, { gas: -1 }, { data: '0xz' }, DATA_AND_INPUT],
    overrides: [42, 'hello', true, [1], { '0x12': {} }, { [addr]: { balance: 'x' } }, { [addr]: { nonce: 1.5 } }],
    filter: [42, 'hello', true, [1], { fromBlock: 'x' }, { address: '0x12' }, { topics: 'x' }, { topics: [[42]] }, { blockHash: '0x12' }, { fromBlock: '0x2', toBlock: '0x1' }],
    count: [true, { a: 1 }, [], 'hello', '0xzz', -1, 1.5],
    percentiles: [42, 'hello', true, { a: 1 }, [101], [-1], [50, 10], ['x']],
    raw: [42, true, { a: 1 }, [], 'f86c', '0xzz', '0x1', null],
  };
  /** method -> param kinds (all positions), number required. */
  const METHODS: Array<[string, string[], number]> = [
    ['eth_accounts', [], 0], ['eth_blockNumber', [], 0], ['eth_chainId', [], 0], ['eth_gasPrice', [], 0],
    ['eth_maxPriorityFeePerGas', [], 0], ['eth_syncing', [], 0], ['net_version', [], 0], ['web3_clientVersion', [], 0],
    ['eth_getBalance', ['address', 'block'], 1], ['eth_getTransactionCount', ['address', 'block'], 1],
    ['eth_getCode', ['address', 'block'], 1], ['eth_getStorageAt', ['address', 'slot', 'block'], 2],
    ['eth_call', ['call', 'block', 'overrides'], 1], ['eth_estimateGas', ['call', 'block', 'overrides'], 1],
    ['eth_feeHistory', ['count', 'blockNumber', 'percentiles'], 2],
    ['eth_getBlockByNumber', ['blockNumber', 'bool'], 2], ['eth_getBlockByHash', ['hash', 'bool'], 2],
    ['eth_getBlockTransactionCountByNumber', ['blockNumber'], 1], ['eth_getBlockTransactionCountByHash', ['hash'], 1],
    ['eth_getTransactionByHash', ['hash'], 1], ['eth_getTransactionReceipt', ['hash'], 1],
    ['eth_getLogs', ['filter'], 1], ['eth_sendRawTransaction', ['raw'], 1], ['parallax_getBlockExecution', ['blockNumber'], 0],
  ];
  /** Every (method, position, wrong value), plus too-many-args and non-array params per method. */
  const wrongTypeCases: Array<{ method: string; params: unknown; code: number }> = [];
  for (const [method, kinds, required] of METHODS) {
    kinds.forEach((kind, pos) => {
      for (const bad of WRONG[kind]!) {
        if (bad === null && pos >= required) continue; // null = absent for an optional param
        const params = kinds.map((k) => VALID[k]);
        params[pos] = bad;
        // geth decodes the storage key inside the method: -32000 "unable to decode storage key".
        wrongTypeCases.push({ method, params, code: (kind === 'slot' && typeof bad === 'string') || bad === DATA_AND_INPUT ? -32000 : -32602 });
      }
    });
    wrongTypeCases.push({ method, params: [...kinds.map((k) => VALID[k]), 1], code: -32602 });
    wrongTypeCases.push({ method, params: pick([{ a: 1 }, 'x', 42, true]), code: -32602 });
    if (required > 0) wrongTypeCases.push({ method, params: [], code: -32602 });
  }
  let wrongIdx = 0;
  function wrongType(): Case {
    const c = wrongTypeCases[wrongIdx++ % wrongTypeCases.length]!;
    return { category: 'wrong param type', body: JSON.stringify(rpc(c.method, c.params)), expect: { code: c.code } };
  }

  function batch(): Case {
    const k = int(3);
    if (k === 0) return { category: 'batch: empty', body: '[]', expect: { code: -32600, prefix: 'empty batch' } };
    if (k === 1) {
      const n = 101 + int(200);
      const body = JSON.stringify(Array.from({ length: n }, (_, i) => rpc('eth_chainId', [], i)));
      return { category: 'batch: oversize', body, expect: { code: -32600, prefix: 'batch too large' } };
    }
    const n = 2 + int(20);
    const calls: unknown[] = [];
    const codes: Array<number | null> = [];
    for (let i = 0; i < n; i++) {
      const r = int(4);
      if (r === 0) {
        calls.push(rpc('eth_chainId', [], i));
        codes.push(null);
      } else if (r === 1) {
        const c = pick(wrongTypeCases);
        calls.push(rpc(c.method, c.params, i));
        codes.push(c.code);
      } else if (r === 2) {
        calls.push(rpc('eth_sendRawTransaction', ['0xc0ffee'], i));
        codes.push(-32000);
      } else {
        calls.push(pick([42, 'x', null, {}, { jsonrpc: '2.0', id: i, method: 7 }]));
        codes.push(-32600);
      }
    }
    return { category: 'batch: mixed', body: JSON.stringify(calls), expect: { code: codes } };
  }

  function oversizeBody(): Case {
    // Between the limit and 6x it: drained and answered (<= 4x), or answered and closed (> 4x).
    const size = SMALL_LIMIT + 1 + int(5 * SMALL_LIMIT);
    const pad = 'a'.repeat(size);
    return { category: 'oversize body (413)', body: JSON.stringify(rpc('eth_sendRawTransaction', ['0x' + pad.slice(0, size & ~1)])), expect: { status: 413, code: -32600, prefix: 'content length too large' } };
  }

  async function badRlp(): Promise<Case> {
    const { tx, key } = variant();
    const good = await signTx(tx, key);
    const k = int(5);
    let raw: string;
    if (k === 0) raw = good.slice(0, 4 + 2 * int((good.length - 4) / 2)); // truncated
    else if (k === 1) raw = good + toHex(int(256), { size: 1 }).slice(2).repeat(1 + int(4)); // trailing bytes
    else if (k === 2) raw = '0x' + Array.from({ length: 1 + int(100) }, () => toHex(int(256), { size: 1 }).slice(2)).join(''); // random bytes
    else if (k === 3) raw = '0x' + pick(['c0', 'c1', 'f8', 'ff', '80', '02', '01', '03', '04', '7f']) + good.slice(4, 4 + 2 * int(20));
    else raw = '0x02' + 'f9ffff' + good.slice(6); // list length prefix far beyond the data
    return sendRaw(raw as Hex, 'bad RLP', '');
  }

  async function badSignature(): Promise<Case> {
    const { tx, key } = variant();
    const sig = await sign({ hash: keccak256(serializeTransaction(tx)), privateKey: key });
    const k = int(3);
    const raw =
      k === 0
        ? serializeTransaction(tx, { r: sig.r, s: toHex(SECP256K1_N - 1n - BigInt(int(1000)), { size: 32 }), yParity: sig.yParity! })
        : k === 1
          ? serializeTransaction(tx, { r: toHex(0n, { size: 32 }), s: sig.s, yParity: sig.yParity! })
          : serializeTransaction(tx, { r: toHex(SECP256K1_N + BigInt(int(1000)), { size: 32 }), s: sig.s, yParity: sig.yParity! });
    return sendRaw(raw, 'bad signature', 'invalid sender');
  }

  async function wrongChainId(): Promise<Case> {
    const { tx, key } = variant();
    const chainId = pick([1, 10, 900, 902, 31337, 1 + int(1e6)]);
    return sendRaw(await signTx({ ...tx, chainId: chainId === 901 ? 1 : chainId }, key), 'wrong chain id', 'invalid sender: invalid chain id for signer');
  }

  async function nonceLow(): Promise<Case> {
    const { tx, key } = variant();
    return sendRaw(await signTx({ ...tx, nonce: 0 }, key), 'nonce too low', 'nonce too low');
  }

  async function nonceHigh(): Promise<Case> {
    const { tx, key } = variant();
    return sendRaw(await signTx({ ...tx, nonce: 1000 + int(1_000_000) }, key), 'nonce too high', 'nonce too high');
  }

  async function insufficientFunds(): Promise<Case> {
    const { tx, key } = variant();
    return sendRaw(await signTx({ ...tx, value: 10n ** 22n + BigInt(int(1e9)) * 10n ** 18n }, key), 'insufficient funds', 'insufficient funds for gas * price + value');
  }

  async function gasTooLow(): Promise<Case> {
    const { tx, key } = variant();
    const withData = rand() < 0.5;
    return sendRaw(
      await signTx({ ...tx, gas: withData ? 21_000n : BigInt(int(21_000)), ...(withData ? { data: toHex(new Uint8Array(1 + int(64)).fill(1 + int(255))) } : {}) }, key),
      'gas too low',
      'intrinsic gas too low',
    );
  }

  async function gasAboveLimit(): Promise<Case> {
    const { tx, key } = variant();
    return sendRaw(await signTx({ ...tx, gas: 30_000_001n + BigInt(int(1e9)) }, key), 'gas above block limit', 'exceeds block gas limit');
  }

  async function oversizeCalldata(): Promise<Case> {
    const { tx, key } = variant();
    const data = toHex(new Uint8Array(131_073 + int(10_000)).fill(1));
    return sendRaw(await signTx({ ...tx, gas: 10_000_000n, data }, key), 'oversize calldata', 'oversized data: transaction size ');
  }

  /** Category -> how many; order fixed so that a seed reproduces the same requests. */
  const PLAN: Array<[() => Case | Promise<Case>, number]> = [
    [invalidJson, 1200],
    [notARequest, 400],
    [unknownMethod, 300],
    [wrongType, 2400],
    [batch, 450],
    [oversizeBody, 40],
    [badRlp, 900],
    [badSignature, 700],
    [wrongChainId, 700],
    [nonceLow, 700],
    [nonceHigh, 700],
    [insufficientFunds, 700],
    [gasTooLow, 600],
    [gasAboveLimit, 600],
    [oversizeCalldata, 60],
  ];

  function check(c: Case, status: number, text: string): void {
    const where = () => `[${c.category}] body ${c.body.slice(0, 200)} -> HTTP ${status} ${text.slice(0, 300)}`;
    assert.equal(status, c.expect.status ?? 200, where());
    const body = JSON.parse(text) as unknown;
    if (Array.isArray(c.expect.code)) {
      assert.ok(Array.isArray(body), where());
      assert.equal(body.length, c.expect.code.length, where());
      body.forEach((r: { jsonrpc?: string; result?: unknown; error?: { code: number } }, i) => {
        const want = (c.expect.code as Array<number | null>)[i];
        assert.equal(r.jsonrpc, '2.0', where());
        if (want === null) assert.ok('result' in r && r.error === undefined, where());
        else assert.equal(r.error?.code, want, where());
      });
      return;
    }
    const r = body as { jsonrpc?: string; result?: unknown; error?: { code: number; message: string } };
    assert.ok(!Array.isArray(body) && r.jsonrpc === '2.0' && !('result' in r), where());
    assert.equal(typeof r.error?.message, 'string', where());
    assert.equal(r.error?.code, c.expect.code, where());
    if (c.expect.prefix) assert.ok(r.error!.message.startsWith(c.expect.prefix), where());
  }

  it('answers >= 10,000 malformed requests with geth-like errors and changes nothing', async () => {
    const before = await snapshot();
    assert.equal(before.mempool, 0);
    // Generate everything first (in a fixed order), so that concurrency does not change the requests.
    const cases: Case[] = [];
    const tGen = performance.now();
    for (const [gen, n] of PLAN) for (let i = 0; i < Math.ceil(n * SCALE); i++) cases.push(await gen());
    console.log(`generated ${cases.length} cases in ${Math.round(performance.now() - tGen)} ms`);
    if (SCALE >= 1) assert.ok(cases.length >= 10_000);
    // Fresh keep-alive sockets (the ones from before() may have idled out while generating).
    for (const url of [t.url, small.url]) assert.equal(((await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rpc('eth_chainId', [])) })).json()) as { result: string }).result, '0x385');

    const counts = new Map<string, number>();
    const ms = new Map<string, number>();
    let next = 0;
    let liveness = 0;
    async function worker(): Promise<void> {
      let sinceCheck = 0;
      for (;;) {
        const i = next++;
        if (i >= cases.length) return;
        const c = cases[i]!;
        const url = c.category.startsWith('oversize body') ? small.url : t.url;
        const t0 = performance.now();
        let res: Response;
        try {
          res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: c.body });
        } catch (e) {
          throw new Error(`[${c.category}] ${c.body.length} bytes: ${(e as Error).message} (${String((e as Error).cause)})`);
        }
        check(c, res.status, await res.text());
        counts.set(c.category, (counts.get(c.category) ?? 0) + 1);
        ms.set(c.category, (ms.get(c.category) ?? 0) + performance.now() - t0);
        if (++sinceCheck === 100) {
          sinceCheck = 0;
          const r = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rpc('eth_blockNumber', [])) });
          const j = (await r.json()) as { result?: string };
          assert.match(j.result ?? '', /^0x[0-9a-f]+$/, 'eth_blockNumber still answers');
          liveness++;
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));

    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(`rpc fuzz (seed 0x${SEED.toString(16)}): ${total} requests, ${liveness} liveness checks`);
    for (const [k, v] of counts) console.log(`  ${k.padEnd(24)} ${String(v).padStart(5)}  (${Math.round(ms.get(k)! / v)} ms avg)`);
    assert.equal(total, cases.length);

    // Give the builder a moment: anything wrongly admitted would be mined or pooled by now.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await snapshot(), before);
    assert.equal((await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rpc('eth_chainId', [])) }).then((r) => r.json()) as { result: string }).result, '0x385');
  });
});
