/**
 * Malformed and failing requests over raw HTTP: JSON-RPC codes and messages as geth gives them,
 * and the server stays up.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { encodeErrorResult, type Hex, parseAbi } from 'viem';
import { startRpcServer, type RpcServer } from '../../sequencer/rpc/server.ts';
import { ADDR, tx1559 } from '../mempool/helpers.ts';
import { C, FakeBackend } from './fakeBackend.ts';

let backend: FakeBackend;
let server: RpcServer;
const logged: string[] = [];

before(async () => {
  backend = await FakeBackend.create();
  server = await startRpcServer({
    backend,
    port: 0,
    maxBatch: 5,
    maxLogBlockRange: 2,
    logger: { warn: () => {}, error: (m) => logged.push(m) },
    extraMethods: new Map([['test_throw', () => { throw new TypeError('boom'); }]]),
  });
});
after(() => server.close());

async function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; json: any; headers: Headers }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** One call; returns the response object. */
async function call(method: string, params?: unknown, id: unknown = 1): Promise<any> {
  const { status, json } = await post(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
  assert.equal(status, 200);
  return json;
}

async function expectError(method: string, params: unknown, code: number, message: string | RegExp, data?: unknown): Promise<void> {
  const r = await call(method, params);
  assert.equal(r.jsonrpc, '2.0');
  assert.equal(r.id, 1);
  assert.ok(r.error, `expected an error, got ${JSON.stringify(r)}`);
  assert.equal(r.error.code, code, JSON.stringify(r.error));
  if (typeof message === 'string') assert.equal(r.error.message, message);
  else assert.match(r.error.message, message);
  if (data !== undefined) assert.deepEqual(r.error.data, data);
}

describe('protocol errors', () => {
  it('invalid JSON -> -32700 parse error, id null', async () => {
    for (const body of ['{', 'not json', '', '{"jsonrpc":"2.0",}', '\u0000']) {
      const r = await post(body);
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    }
  });

  it('not a request object -> -32600 invalid request', async () => {
    const cases: Array<[string, unknown]> = [
      ['1', null],
      ['"x"', null],
      ['null', null],
      ['{"id":7,"method":"eth_chainId"}', 7], // no jsonrpc
      ['{"jsonrpc":"1.0","id":7,"method":"eth_chainId"}', 7],
      ['{"jsonrpc":"2.0","id":7}', 7], // no method
      ['{"jsonrpc":"2.0","id":7,"method":5}', 7],
      ['{"jsonrpc":"2.0","id":{"a":1},"method":"eth_chainId"}', null],
    ];
    for (const [body, id] of cases) {
      const r = await post(body);
      assert.deepEqual(r.json, { jsonrpc: '2.0', id, error: { code: -32600, message: 'invalid request' } }, body);
    }
  });

  it('unknown method -> -32601', async () => {
    await expectError('eth_foo', [], -32601, 'the method eth_foo does not exist/is not available');
    await expectError('constructor', [], -32601, 'the method constructor does not exist/is not available');
    await expectError('__proto__', [], -32601, 'the method __proto__ does not exist/is not available');
  });

  it('batches: results in order, errors per call, notifications unanswered', async () => {
    const r = await post(JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'eth_chainId' },
      { jsonrpc: '2.0', method: 'eth_chainId' }, // notification
      { jsonrpc: '2.0', id: 'b', method: 'eth_nope' },
      5,
      { jsonrpc: '2.0', id: null, method: 'eth_blockNumber', params: [] },
    ]));
    assert.deepEqual(r.json, [
      { jsonrpc: '2.0', id: 1, result: '0x385' },
      { jsonrpc: '2.0', id: 'b', error: { code: -32601, message: 'the method eth_nope does not exist/is not available' } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'invalid request' } },
      { jsonrpc: '2.0', id: null, result: '0x2' },
    ]);
  });

  it('empty batch -> one -32600 "empty batch"; oversized batch -> "batch too large"', async () => {
    assert.deepEqual((await post('[]')).json, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'empty batch' } });
    const big = Array.from({ length: 6 }, (_, i) => ({ jsonrpc: '2.0', id: i + 10, method: 'eth_chainId' }));
    assert.deepEqual((await post(JSON.stringify(big))).json, { jsonrpc: '2.0', id: 10, error: { code: -32600, message: 'batch too large' } });
  });

  it('notifications only -> empty 200 body', async () => {
    const r = await post('{"jsonrpc":"2.0","method":"eth_chainId"}');
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    const b = await post('[{"jsonrpc":"2.0","method":"eth_chainId"}]');
    assert.equal(b.text, '');
  });

  it('a handler that throws a non-ParallaxError -> -32603, logged', async () => {
    await expectError('test_throw', [], -32603, 'internal error: boom');
    assert.ok(logged.includes('rpc method failed'));
  });

  it('deeply nested JSON is an invalid request, not a crash', async () => {
    const r = await post(`${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.json) || r.json.error.code === -32700);
  });
});

describe('params errors (-32602)', () => {
  it('arity: non-array params, too many, missing', async () => {
    await expectError('eth_getBalance', { address: ADDR[0] }, -32602, 'non-array args');
    await expectError('eth_getBalance', [ADDR[0], 'latest', 1], -32602, 'too many arguments, want at most 2');
    await expectError('eth_chainId', [1], -32602, 'too many arguments, want at most 0');
    await expectError('eth_getBalance', [], -32602, 'missing value for required argument 0');
    await expectError('eth_getStorageAt', [ADDR[0]], -32602, 'missing value for required argument 1');
    await expectError('eth_getBlockByNumber', [null, false], -32602, 'missing value for required argument 0');
  });

  it('addresses and hashes', async () => {
    const t = 'common.Address';
    await expectError('eth_getBalance', [123], -32602, `invalid argument 0: json: cannot unmarshal non-string into Go value of type ${t}`);
    await expectError('eth_getBalance', ['abc'], -32602, `invalid argument 0: json: cannot unmarshal hex string without 0x prefix into Go value of type ${t}`);
    await expectError('eth_getBalance', ['0x12'], -32602, `invalid argument 0: hex string has length 2, want 40 for ${t}`);
    await expectError('eth_getBalance', ['0x123'], -32602, `invalid argument 0: json: cannot unmarshal hex string of odd length into Go value of type ${t}`);
    await expectError('eth_getBalance', [`0x${'zz'.repeat(20)}`], -32602, `invalid argument 0: json: cannot unmarshal invalid hex string into Go value of type ${t}`);
    await expectError('eth_getTransactionByHash', ['0x1234'], -32602, 'invalid argument 0: hex string has length 4, want 64 for common.Hash');
  });

  it('block numbers and tags', async () => {
    await expectError('eth_getBlockByNumber', ['0x01', false], -32602, 'invalid argument 0: hex number with leading zero digits');
    await expectError('eth_getBlockByNumber', ['0x', false], -32602, 'invalid argument 0: hex string "0x"');
    await expectError('eth_getBlockByNumber', [5, false], -32602, 'invalid argument 0: hex string without 0x prefix');
    await expectError('eth_getBlockByNumber', ['newest', false], -32602, 'invalid argument 0: hex string without 0x prefix');
    await expectError('eth_getBlockByNumber', ['0x10000000000000000', false], -32602, 'invalid argument 0: hex number > 64 bits');
    await expectError('eth_getBlockByNumber', ['0x1', 'yes'], -32602, 'invalid argument 1: json: cannot unmarshal string into Go value of type bool');
    await expectError('eth_getBalance', [ADDR[0], { blockNumber: '0x1', blockHash: backend.blocks[1]!.hash }], -32602,
      'invalid argument 1: cannot specify both BlockHash and BlockNumber, choose one or the other');
    await expectError('eth_getBalance', [ADDR[0], 7], -32602, 'invalid argument 1: json: cannot unmarshal number into Go value of type string');
  });

  it('quantities and data', async () => {
    await expectError('eth_sendRawTransaction', ['abcd'], -32602, 'invalid argument 0: json: cannot unmarshal hex string without 0x prefix into Go value of type hexutil.Bytes');
    await expectError('eth_sendRawTransaction', ['0xabc'], -32602, 'invalid argument 0: json: cannot unmarshal hex string of odd length into Go value of type hexutil.Bytes');
    await expectError('eth_sendRawTransaction', [42], -32602, 'invalid argument 0: json: cannot unmarshal non-string into Go value of type hexutil.Bytes');
    await expectError('eth_call', [{ to: C.TOKEN, gas: 21000 }], -32602,
      'invalid argument 0: json: cannot unmarshal non-string into Go struct field TransactionArgs.gas of type hexutil.Uint64');
    await expectError('eth_call', [{ to: C.TOKEN, value: '0x01' }], -32602,
      'invalid argument 0: json: cannot unmarshal hex number with leading zero digits into Go struct field TransactionArgs.value of type hexutil.Big');
    await expectError('eth_call', ['0x1'], -32602, 'invalid argument 0: json: cannot unmarshal string into Go value of type ethapi.TransactionArgs');
    await expectError('eth_feeHistory', ['0x2', 'latest', [50, 10]], -32602, 'invalid reward percentile: #0:50.000000 >= #1:10.000000');
    await expectError('eth_feeHistory', ['0x2', 'latest', [101]], -32602, 'invalid reward percentile: 101.000000');
    await expectError('eth_feeHistory', ['two', 'latest'], -32602, 'invalid argument 0: invalid hex or decimal integer "two"');
  });

  it('call argument consistency (-32000 like geth)', async () => {
    await expectError('eth_call', [{ to: C.TOKEN, data: '0x01', input: '0x02' }], -32000,
      'both "data" and "input" are set and not equal. Please use "input" to pass transaction call data');
    await expectError('eth_call', [{ to: C.TOKEN, gasPrice: '0x1', maxFeePerGas: '0x2' }], -32000, 'both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified');
    await expectError('eth_call', [{ to: C.TOKEN, maxFeePerGas: '0x1', maxPriorityFeePerGas: '0x2' }], -32000, 'maxFeePerGas (1) < maxPriorityFeePerGas (2)');
    await expectError('eth_call', [{ to: C.TOKEN, chainId: '0x1' }], -32000, "chainId does not match node's (have=1, want=901)");
    await expectError('eth_call', [{ to: C.TOKEN }, 'latest', { [ADDR[0]!]: { balance: '0x1' } }], -32602, 'invalid argument 2: state overrides are not supported');
  });

  it('getLogs filters', async () => {
    await expectError('eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x2' }], -32602, 'exceed maximum block range: 2');
    await expectError('eth_getLogs', [{ fromBlock: '0x2', toBlock: '0x1' }], -32602, 'invalid block range params');
    await expectError('eth_getLogs', [{ blockHash: backend.blocks[1]!.hash, fromBlock: '0x1' }], -32602,
      'invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other');
    await expectError('eth_getLogs', [{ topics: ['0x12'] }], -32602, 'invalid argument 0: invalid topic(s)');
    await expectError('eth_getLogs', [{ topics: [null, null, null, null, null] }], -32602, 'invalid argument 0: exceed max topics');
    await expectError('eth_getLogs', [{ address: ['0x12'] }], -32602, /^invalid argument 0: invalid address at index 0: hex string has length 2/);
    await expectError('eth_getLogs', [{ blockHash: `0x${'11'.repeat(32)}` }], -32000, 'unknown block');
  });
});

describe('state and execution errors', () => {
  it('unknown blocks for state queries -> -32000 header not found', async () => {
    await expectError('eth_getBalance', [ADDR[0], '0x9'], -32000, 'header not found');
    await expectError('eth_getCode', [ADDR[0], { blockHash: `0x${'11'.repeat(32)}` }], -32000, 'header for hash not found');
    await expectError('eth_feeHistory', ['0x1', '0x9'], -32000, 'request beyond head block: requested 9, head 2');
  });

  it('eth_call reverts: code 3 with reason and data; Panic; empty revert; other halts', async () => {
    const abi = parseAbi(['error Error(string)', 'error Panic(uint256)']);
    await expectError('eth_call', [{ to: C.REVERTER }, 'latest'], 3, 'execution reverted: nope', encodeErrorResult({ abi, errorName: 'Error', args: ['nope'] }));
    await expectError('eth_call', [{ to: C.PANIC }], 3, 'execution reverted: arithmetic underflow or overflow', encodeErrorResult({ abi, errorName: 'Panic', args: [0x11n] }));
    const empty = await call('eth_call', [{ to: C.EMPTY_REVERT }]);
    assert.deepEqual(empty.error, { code: -32000, message: 'execution reverted' });
    await expectError('eth_call', [{ to: C.INVALID }], -32000, 'invalid opcode');
  });

  it('eth_estimateGas: revert (3), out of gas at the cap, insufficient funds for value', async () => {
    await expectError('eth_estimateGas', [{ from: ADDR[0], to: C.REVERTER }], 3, 'execution reverted: nope');
    assert.equal((await call('eth_estimateGas', [{ from: ADDR[0], to: C.HUNGRY, gas: '0xc350' }])).result, '0xc350');
    await expectError('eth_estimateGas', [{ from: ADDR[0], to: C.HUNGRY, gas: '0xc34f' }], -32000, 'gas required exceeds allowance (49999)');
    await expectError('eth_estimateGas', [{ from: ADDR[0], to: C.INVALID }], -32000, 'invalid opcode');
    await expectError('eth_estimateGas', [{ from: `0x${'77'.repeat(20)}`, to: C.TOKEN, value: '0x1', gasPrice: '0x1' }], -32000, 'insufficient funds for transfer');
    // Balance caps the search: 1000 ether at 1e18 wei/gas pays for 1000 gas < 21000.
    await expectError('eth_estimateGas', [{ from: ADDR[0], to: C.HUNGRY, maxFeePerGas: '0xde0b6b3a7640000' }], -32000, 'gas required exceeds allowance (999)');
  });

  it('eth_sendRawTransaction: mempool errors pass through (-32000)', async () => {
    await expectError('eth_sendRawTransaction', ['0x02c0'], -32000, 'rlp: too few elements for types.DynamicFeeTx');
    await expectError('eth_sendRawTransaction', ['0x03c0'], -32000, 'transaction type not supported');
    await expectError('eth_sendRawTransaction', [await tx1559({ key: 0, nonce: 0 })], -32000, 'nonce too low: next nonce 2, tx nonce 0');
    await expectError('eth_sendRawTransaction', [await tx1559({ key: 1, nonce: 1, chainId: 5 })], -32000, 'invalid sender: invalid chain id for signer: have 5 want 901');
    const raw = await tx1559({ key: 1, nonce: 1 });
    assert.equal((await call('eth_sendRawTransaction', [raw])).result, (await import('viem')).keccak256(raw));
    await expectError('eth_sendRawTransaction', [raw], -32000, 'already known');
  });
});

describe('HTTP transport', () => {
  it('GET -> 200 text, PUT -> 405, OPTIONS -> 204 with CORS', async () => {
    const get = await fetch(server.url);
    assert.equal(get.status, 200);
    assert.match(await get.text(), /JSON-RPC/);
    const put = await fetch(server.url, { method: 'PUT', body: 'x' });
    assert.equal(put.status, 405);
    await put.text();
    const opt = await fetch(server.url, { method: 'OPTIONS', headers: { Origin: 'http://example.com', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(opt.status, 204);
    assert.equal(opt.headers.get('access-control-allow-origin'), '*');
    assert.match(opt.headers.get('access-control-allow-methods') ?? '', /POST/);
    const r = await post('{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.equal(r.headers.get('content-type'), 'application/json');
  });

  it('non-JSON content type -> 415', async () => {
    const r = await post('{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}', { 'content-type': 'text/plain' });
    assert.equal(r.status, 415);
    assert.deepEqual(r.json.error, { code: -32600, message: 'invalid content type, only application/json is supported' });
  });

  it('a body over 5 MiB -> 413 with a JSON-RPC error (declared length)', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [`0x${'ab'.repeat(3 * 1024 * 1024)}`] });
    const r = await post(body);
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, -32600);
    assert.equal(r.json.error.message, `content length too large (${body.length}>5242880)`);
  });

  it('a chunked body over 5 MiB -> 413, read to the end (no reset)', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(server.url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      for (let i = 0; i < 6; i++) req.write(chunk);
      req.end();
    });
    assert.equal(res.status, 413);
    assert.equal(JSON.parse(res.body).error.message, `content length too large (${6 * 1024 * 1024}>5242880)`);
  });

  it('a body far over the limit is answered 413 and the connection closed', async () => {
    const small = await startRpcServer({ backend, port: 0, maxRequestBytes: 1000 });
    try {
      const r = await fetch(small.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(100_000) });
      assert.equal(r.status, 413);
      assert.deepEqual((await r.json()).error, { code: -32600, message: 'content length too large (100000>1000)' });
    } finally {
      await small.close();
    }
  });

  it('still serves after all of the above', async () => {
    assert.equal((await call('eth_chainId', [])).result, '0x385');
    const nums = await post(JSON.stringify([1, 2].map((id) => ({ jsonrpc: '2.0', id, method: 'eth_blockNumber' }))));
    assert.deepEqual(nums.json.map((r: { result: Hex }) => r.result), ['0x2', '0x2']);
  });
});
