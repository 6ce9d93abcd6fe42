/**
 * What a real node answers to malformed JSON-RPC and to transactions it must refuse: geth's
 * codes and messages, and nothing changes (mempool size, head block, sender balance and nonce).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  fromRlp,
  keccak256,
  parseEther,
  serializeTransaction,
  toHex,
  toRlp,
  type Hex,
  type TransactionSerializable,
  type TransactionSerializableEIP1559,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount, sign } from 'viem/accounts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';
import { devAccount, openTestNode, removeDir, tempDir, type TestNode } from '../helpers/node.ts';
import { waitUntil } from '../helpers/process.ts';
import { postRaw, rpcCall } from '../helpers/rpc.ts';

const SENDER = 5;
const KEY = devPrivateKeys(SENDER + 1)[SENDER]!;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Signs `tx` with `key` without viem's client-side checks (so the node gets to refuse it). */
async function signRaw(tx: TransactionSerializable, key: Hex = KEY): Promise<Hex> {
  const sig = await sign({ hash: keccak256(serializeTransaction(tx)), privateKey: key });
  return serializeTransaction(tx, sig);
}

describe('malformed requests and refused transactions on a running node', () => {
  const dir = tempDir('px-rpc-node-invalid-');
  let t: TestNode;
  const sender = devAccount(SENDER).address;
  /** A valid EIP-1559 transfer from SENDER with nonce 1 (the next one after setup). */
  let base: TransactionSerializableEIP1559;

  before(async () => {
    t = await openTestNode({ dataDir: dir });
    // One mined tx so that SENDER's nonce is 1 ("nonce too low" needs a used nonce).
    const hash = await t.wallet(SENDER).sendTransaction({ to: devAccount(11).address, value: 1n });
    await t.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 10_000 });
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
    await t?.close();
    removeDir(dir);
  });

  /** Mempool size, head, and SENDER's balance and nonces, to compare before/after. */
  async function snapshot() {
    return {
      mempool: t.node.mempool.size(),
      head: await t.publicClient.getBlockNumber({ cacheTime: 0 }),
      balance: await t.publicClient.getBalance({ address: sender }),
      nonce: await t.publicClient.getTransactionCount({ address: sender, blockTag: 'latest' }),
      pendingNonce: await t.publicClient.getTransactionCount({ address: sender, blockTag: 'pending' }),
    };
  }

  /** Sends `raw`, expects error `code` with a message starting with `prefix`, and no change. */
  async function expectRefused(raw: Hex, code: number, prefix: string): Promise<string> {
    const before = await snapshot();
    const r = await rpcCall(t.url, 'eth_sendRawTransaction', [raw]);
    assert.equal(r.result, undefined, `expected an error for prefix "${prefix}", got result ${String(r.result)}`);
    assert.equal(r.error?.code, code, `code for "${prefix}": ${JSON.stringify(r.error)}`);
    assert.ok(r.error!.message.startsWith(prefix), `message "${r.error!.message}" should start with "${prefix}"`);
    assert.deepEqual(await snapshot(), before);
    assert.equal(before.mempool, 0);
    assert.equal(await t.publicClient.getTransactionCount({ address: sender, blockTag: 'pending' }), 1);
    return r.error!.message;
  }

  describe('JSON-RPC envelope', () => {
    it('answers invalid JSON with -32700 parse error', async () => {
      const r = await postRaw(t.url, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    });

    it('answers an unknown method with -32601', async () => {
      const r = await rpcCall(t.url, 'eth_noSuchMethod', []);
      assert.deepEqual(r.error, { code: -32601, message: 'the method eth_noSuchMethod does not exist/is not available' });
    });

    it('answers a non-2.0 request with -32600', async () => {
      const r = await postRaw(t.url, JSON.stringify({ jsonrpc: '1.0', id: 3, method: 'eth_chainId' }));
      assert.deepEqual(r.body, { jsonrpc: '2.0', id: 3, error: { code: -32600, message: 'invalid request' } });
    });

    it('answers bad params with -32602 "invalid argument N: ..."', async () => {
      const cases: Array<[string, unknown[], string]> = [
        ['eth_getBalance', ['0x1234', 'latest'], 'invalid argument 0: '],
        ['eth_getBalance', [sender, 'notatag'], 'invalid argument 1: '],
        ['eth_getBlockByNumber', ['0x01', false], 'invalid argument 0: hex number with leading zero digits'],
        ['eth_getBalance', [], 'missing value for required argument 0'],
        ['eth_blockNumber', [1], 'too many arguments, want at most 0'],
        ['eth_sendRawTransaction', ['f86c'], 'invalid argument 0: '],
        ['eth_sendRawTransaction', [42], 'invalid argument 0: '],
        ['eth_getTransactionCount', 'not-an-array' as unknown as unknown[], 'non-array args'],
      ];
      for (const [method, params, prefix] of cases) {
        const r = await rpcCall(t.url, method, params);
        assert.equal(r.error?.code, -32602, `${method} ${JSON.stringify(params)}: ${JSON.stringify(r)}`);
        assert.ok(r.error!.message.startsWith(prefix), `${method}: "${r.error!.message}" should start with "${prefix}"`);
      }
    });

    it('answers a batch call by call, in order, errors included', async () => {
      const r = await postRaw(
        t.url,
        JSON.stringify([
          { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] },
          { jsonrpc: '2.0', id: 2, method: 'eth_nope', params: [] },
          { jsonrpc: '2.0', id: 3, method: 'eth_sendRawTransaction', params: ['0xc0'] },
        ]),
      );
      const body = r.body as Array<{ id: number; result?: unknown; error?: { code: number; message: string } }>;
      assert.deepEqual(body.map((x) => x.id), [1, 2, 3]);
      assert.equal(body[0]!.result, '0x385');
      assert.equal(body[1]!.error?.code, -32601);
      assert.equal(body[2]!.error?.code, -32000);
    });
  });

  describe('eth_call / eth_estimateGas with a value the sender cannot pay', () => {
    const poor = '0x000000000000000000000000000000000000bEEF';
    const to = devAccount(9).address;

    it('with fee fields: geth\'s insufficient-funds errors', async () => {
      const call = await rpcCall(t.url, 'eth_call', [{ from: poor, to, value: '0x1', maxFeePerGas: '0x3b9aca00' }, 'latest']);
      assert.equal(call.error?.code, -32000);
      assert.ok(call.error?.message.startsWith('insufficient funds for gas * price + value'), call.error?.message);
      const est = await rpcCall(t.url, 'eth_estimateGas', [{ from: poor, to, value: '0x1', maxFeePerGas: '0x1' }]);
      assert.deepEqual(est.error, { code: -32000, message: 'insufficient funds for transfer' });
      assert.equal(await t.publicClient.getBalance({ address: poor }), 0n);
    });

    // geth checks value <= balance even when no fee fields are given (state_transition buyGas);
    // here ethereumjs' skipBalance tops the sender up instead (sequencer/node/simulate.ts).
    it('without fee fields: fails like geth', async () => {
      const call = await rpcCall(t.url, 'eth_call', [{ from: poor, to, value: '0x1' }, 'latest']);
      assert.equal(call.error?.code, -32000, JSON.stringify(call));
      assert.ok(call.error?.message.startsWith('insufficient funds for gas * price + value'), call.error?.message);
      const est = await rpcCall(t.url, 'eth_estimateGas', [{ from: poor, to, value: '0x1' }]);
      assert.equal(est.error?.code, -32000, JSON.stringify(est));
    });
  });

  describe('eth_sendRawTransaction refusals (code, message prefix, no state change)', () => {
    it('bad RLP', async () => {
      const good = await signRaw(base);
      await expectRefused('0xc0ffee', -32000, 'rlp: ');
      await expectRefused(good.slice(0, -10) as Hex, -32000, 'rlp: '); // truncated
      await expectRefused(`${good}00` as Hex, -32000, 'rlp: '); // trailing byte
      await expectRefused('0x02', -32000, 'typed transaction too short');
    });

    it('bad signature', async () => {
      // s above N/2 (EIP-2 malleability), r = 0, and an impossible y parity (5).
      const sig = await sign({ hash: keccak256(serializeTransaction(base)), privateKey: KEY });
      const highS = serializeTransaction(base, { r: sig.r, s: toHex(SECP256K1_N - 1n, { size: 32 }), yParity: 0 });
      assert.equal(await expectRefused(highS, -32000, 'invalid sender'), 'invalid sender: invalid transaction v, r, s values');
      await expectRefused(serializeTransaction(base, { r: toHex(0n, { size: 32 }), s: sig.s, yParity: sig.yParity! }), -32000, 'invalid sender');
      const fields = fromRlp(`0x${serializeTransaction(base, sig).slice(4)}`, 'hex') as Hex[];
      assert.equal(fields.length, 12);
      fields[9] = '0x05';
      await expectRefused(`0x02${toRlp(fields).slice(2)}`, -32000, 'invalid sender');
    });

    it('wrong chain id', async () => {
      const msg = await expectRefused(await signRaw({ ...base, chainId: 1 }), -32000, 'invalid sender: invalid chain id for signer');
      assert.equal(msg, 'invalid sender: invalid chain id for signer: have 1 want 901');
      // Legacy without EIP-155 replay protection.
      await expectRefused(await signRaw({ type: 'legacy', nonce: 1, to: base.to, value: 1n, gas: 21_000n, gasPrice: base.maxFeePerGas }), -32000, 'only replay-protected (EIP-155) transactions allowed over RPC');
    });

    it('nonce too low', async () => {
      const msg = await expectRefused(await signRaw({ ...base, nonce: 0 }), -32000, 'nonce too low');
      assert.equal(msg, 'nonce too low: next nonce 1, tx nonce 0');
    });

    it('nonce far too high', async () => {
      await expectRefused(await signRaw({ ...base, nonce: 1_000_000 }), -32000, 'nonce too high');
    });

    it('insufficient funds', async () => {
      await expectRefused(await signRaw({ ...base, value: parseEther('20000') }), -32000, 'insufficient funds for gas * price + value');
      // An account with no balance at all (and the pool must not remember its nonce either).
      const empty = generatePrivateKey();
      await expectRefused(await signRaw({ ...base, nonce: 0 }, empty), -32000, 'insufficient funds for gas * price + value: balance 0');
      assert.equal(await t.publicClient.getTransactionCount({ address: privateKeyToAccount(empty).address, blockTag: 'pending' }), 0);
    });

    it('intrinsic gas too low', async () => {
      const msg = await expectRefused(await signRaw({ ...base, gas: 20_999n }), -32000, 'intrinsic gas too low');
      assert.equal(msg, 'intrinsic gas too low: gas 20999, minimum needed 21000');
      await expectRefused(await signRaw({ ...base, gas: 21_000n, data: '0x01' }), -32000, 'intrinsic gas too low');
    });

    it('gas above the block gas limit', async () => {
      await expectRefused(await signRaw({ ...base, gas: 30_000_001n }), -32000, 'exceeds block gas limit');
    });

    it('oversize data', async () => {
      const data = toHex(new Uint8Array(140_000).fill(1));
      await expectRefused(await signRaw({ ...base, gas: 10_000_000n, data }), -32000, 'oversized data: transaction size ');
    });

    it('fee cap below the minimum', async () => {
      await expectRefused(await signRaw({ ...base, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n }), -32000, 'transaction underpriced');
    });

    it('still accepts the valid tx afterwards, and then refuses it as already known', async () => {
      const raw = await signRaw(base);
      const r = await rpcCall(t.url, 'eth_sendRawTransaction', [raw]);
      assert.equal(r.result, keccak256(raw));
      const again = await rpcCall(t.url, 'eth_sendRawTransaction', [raw]);
      // 'already known' while pooled; 'nonce too low' if it was sealed in between.
      assert.ok(again.error?.message === 'already known' || again.error?.message.startsWith('nonce too low'), JSON.stringify(again));
      const receipt = await t.publicClient.waitForTransactionReceipt({ hash: keccak256(raw), pollingInterval: 50, timeout: 10_000 });
      assert.equal(receipt.status, 'success');
      assert.equal(await t.publicClient.getTransactionCount({ address: sender }), 2);
    });
  });
});
