/**
 * Every admission error of Mempool.add: code, geth's message and JSON-RPC code -32000.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Hex, keccak256, toHex } from 'viem';
import { ParallaxError } from '../../sequencer/errors.ts';
import { MempoolErrorCode } from '../../sequencer/mempool/index.ts';
import { ADDR, CHAIN_ID, ETHER, FakeState, GWEI, makePool, rawTyped2, tx1559, tx2930, txLegacy } from './helpers.ts';

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Asserts that `p` rejects with a ParallaxError of this code and message (string = exact). */
async function rejectsWith(p: Promise<unknown>, code: string, message: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ParallaxError, `not a ParallaxError: ${String(e)}`);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    assert.equal(e.rpcCode, -32000);
    return true;
  });
}

describe('Mempool.add accepts', () => {
  it('EIP-1559, EIP-2930 and EIP-155 legacy txs, returning hash and lower-case sender', async () => {
    const pool = makePool(new FakeState());
    const raws = [await tx1559({ nonce: 0 }), await tx2930({ nonce: 1 }), await txLegacy({ nonce: 2 })];
    for (const raw of raws) {
      const res = await pool.add(raw);
      assert.equal(res.hash, keccak256(raw));
      assert.equal(res.from, ADDR[0]);
    }
    assert.equal(pool.size(), 3);
    const legacy = pool.get(keccak256(raws[2]!))!;
    assert.equal(legacy.type, 0);
    assert.equal(legacy.maxFeePerGas, 2n * GWEI);
    assert.equal(legacy.maxPriorityFeePerGas, 2n * GWEI);
    assert.equal(pool.get(keccak256(raws[1]!))!.type, 1);
  });

  it('a fee cap below the next base fee (queued like geth)', async () => {
    const pool = makePool(new FakeState(), { nextBaseFee: () => 100n * GWEI });
    await pool.add(await tx1559({ maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }));
    assert.equal(pool.size(), 1);
  });
});

describe('Mempool.add rejects', () => {
  const state = new FakeState();
  const pool = makePool(state);

  it('undecodable input', async () => {
    await rejectsWith(pool.add('0x'), MempoolErrorCode.DECODE, 'typed transaction too short');
    await rejectsWith(pool.add('0x02'), MempoolErrorCode.DECODE, 'typed transaction too short');
    await rejectsWith(pool.add('0x80'), MempoolErrorCode.DECODE, 'rlp: expected input list for types.LegacyTx');
    await rejectsWith(pool.add('0xc0'), MempoolErrorCode.DECODE, 'rlp: too few elements for types.LegacyTx');
    await rejectsWith(pool.add('0x02c0'), MempoolErrorCode.DECODE, 'rlp: too few elements for types.DynamicFeeTx');
    await rejectsWith(pool.add('0x02ff'), MempoolErrorCode.DECODE, 'rlp: value size exceeds available input length');
    await rejectsWith(pool.add('0xzz' as Hex), MempoolErrorCode.DECODE, /^rlp: /);
    const good = await tx1559();
    await rejectsWith(pool.add(`${good}00`), MempoolErrorCode.DECODE, 'rlp: input contains more than one value');
  });

  it('non-canonical integers', async () => {
    // A legacy tx whose nonce is encoded as 0x00 (geth: leading zero bytes).
    await rejectsWith(
      pool.add('0xc9008080808080808080'),
      MempoolErrorCode.DECODE,
      'rlp: non-canonical integer (leading zero bytes) for uint64, decoding into (types.LegacyTx).Nonce',
    );
  });

  it('blob, set-code and unknown tx types', async () => {
    for (const raw of ['0x03c0', '0x04c0', '0x05c0', '0x7fc0'] as Hex[]) {
      await rejectsWith(pool.add(raw), MempoolErrorCode.TYPE_NOT_SUPPORTED, 'transaction type not supported');
    }
  });

  it('oversized txs', async () => {
    const raw = await tx1559({ data: toHex(new Uint8Array(131_072).fill(1)), gas: 3_000_000n });
    const size = (raw.length - 2) / 2;
    await rejectsWith(pool.add(raw), MempoolErrorCode.OVERSIZED, `oversized data: transaction size ${size}, limit 131072`);
    const small = makePool(state, { maxTxBytes: 100 });
    const raw2 = await tx1559({ data: toHex(new Uint8Array(100).fill(1)), gas: 30_000n });
    await rejectsWith(small.add(raw2), MempoolErrorCode.OVERSIZED, `oversized data: transaction size ${(raw2.length - 2) / 2}, limit 100`);
  });

  it('unprotected (pre-EIP-155) legacy txs', async () => {
    await rejectsWith(
      pool.add(await txLegacy({ unprotected: true })),
      MempoolErrorCode.UNPROTECTED,
      'only replay-protected (EIP-155) transactions allowed over RPC',
    );
  });

  it('init code above the EIP-3860 limit', async () => {
    const raw = await tx1559({ to: null, data: toHex(new Uint8Array(49_153).fill(0x60)), gas: 29_000_000n });
    await rejectsWith(pool.add(raw), MempoolErrorCode.MAX_INITCODE_SIZE, 'max initcode size exceeded: code size 49153, limit 49152');
  });

  it('a gas limit above the block gas limit', async () => {
    await rejectsWith(pool.add(await tx1559({ gas: 30_000_001n })), MempoolErrorCode.GAS_LIMIT, 'exceeds block gas limit');
  });

  it('a tip above the fee cap', async () => {
    const raw = await rawTyped2({ maxFeePerGas: GWEI, maxPriorityFeePerGas: GWEI + 1n });
    await rejectsWith(pool.add(raw), MempoolErrorCode.TIP_ABOVE_FEE_CAP, 'max priority fee per gas higher than max fee per gas');
  });

  it('a wrong chain id (typed and legacy)', async () => {
    const msg = `invalid sender: invalid chain id for signer: have 1 want ${CHAIN_ID}`;
    await rejectsWith(pool.add(await tx1559({ chainId: 1 })), MempoolErrorCode.INVALID_CHAIN_ID, msg);
    await rejectsWith(pool.add(await txLegacy({ chainId: 1 })), MempoolErrorCode.INVALID_CHAIN_ID, msg);
  });

  it('invalid signatures', async () => {
    const bad = 'invalid sender: invalid transaction v, r, s values';
    await rejectsWith(pool.add(await rawTyped2({ sig: { s: SECP256K1_N - 1n } })), MempoolErrorCode.INVALID_SENDER, bad); // high s
    await rejectsWith(pool.add(await rawTyped2({ sig: { yParity: 2 } })), MempoolErrorCode.INVALID_SENDER, bad);
    await rejectsWith(pool.add(await rawTyped2({ sig: { r: 0n } })), MempoolErrorCode.INVALID_SENDER, bad);
    await rejectsWith(pool.add(await rawTyped2({ sig: { r: SECP256K1_N } })), MempoolErrorCode.INVALID_SENDER, bad);
    // r = 5 is not the x of a curve point: recovery fails.
    await rejectsWith(pool.add(await rawTyped2({ sig: { r: 5n } })), MempoolErrorCode.INVALID_SENDER, 'invalid sender: recovery failed');
  });

  it('intrinsic gas too low (calldata, contract creation with init code words)', async () => {
    await rejectsWith(
      pool.add(await tx1559({ data: '0x0102', gas: 21_000n })),
      MempoolErrorCode.INTRINSIC_GAS,
      'intrinsic gas too low: gas 21000, minimum needed 21032',
    );
    // 21000 + 32000 (create) + 16 + 4 (calldata) + 2 (one init code word, EIP-3860)
    await rejectsWith(
      pool.add(await tx1559({ to: null, data: '0x6000', gas: 53_021n })),
      MempoolErrorCode.INTRINSIC_GAS,
      'intrinsic gas too low: gas 53021, minimum needed 53022',
    );
    // EIP-2930: + 2400 per address + 1900 per storage key
    await rejectsWith(
      pool.add(await tx2930({ gas: 25_299n })),
      MempoolErrorCode.INTRINSIC_GAS,
      'intrinsic gas too low: gas 25299, minimum needed 25300',
    );
  });

  it('below the EIP-7623 calldata floor under Prague rules', async () => {
    const prague = makePool(state, { hardfork: 'prague' });
    // 1000 non-zero bytes: intrinsic 21000 + 16000; floor 21000 + 10 * 4000 tokens.
    const raw = await tx1559({ data: toHex(new Uint8Array(1000).fill(1)), gas: 40_000n });
    await rejectsWith(prague.add(raw), MempoolErrorCode.FLOOR_DATA_GAS, 'insufficient gas for floor data gas cost: gas 40000, minimum needed 61000');
    await makePool(new FakeState()).add(raw); // fine under Cancun
  });

  it('a zero fee cap, and a tip below minTip', async () => {
    await rejectsWith(
      pool.add(await tx1559({ maxFeePerGas: 0n, maxPriorityFeePerGas: 0n })),
      MempoolErrorCode.UNDERPRICED,
      'transaction underpriced: gas fee cap 0, minimum needed 1',
    );
    const strict = makePool(state, { minTip: 2n });
    await rejectsWith(
      strict.add(await tx1559({ maxPriorityFeePerGas: 1n })),
      MempoolErrorCode.UNDERPRICED,
      'transaction underpriced: gas tip cap 1, minimum needed 2',
    );
  });

  it('already known', async () => {
    const p = makePool(new FakeState());
    const raw = await tx1559();
    await p.add(raw);
    await rejectsWith(p.add(raw), MempoolErrorCode.ALREADY_KNOWN, 'already known');
  });

  it('nonce too low', async () => {
    const s = new FakeState();
    s.set(ADDR[0]!, { nonce: 5n });
    await rejectsWith(makePool(s).add(await tx1559({ nonce: 3 })), MempoolErrorCode.NONCE_TOO_LOW, 'nonce too low: next nonce 5, tx nonce 3');
  });

  it('a nonce beyond the per-sender window', async () => {
    const s = new FakeState();
    s.set(ADDR[0]!, { nonce: 5n });
    const p = makePool(s, { maxPerSender: 4 });
    await p.add(await tx1559({ nonce: 8 })); // 5 + 4 - 1: last accepted
    await rejectsWith(p.add(await tx1559({ nonce: 9 })), MempoolErrorCode.NONCE_TOO_HIGH, 'nonce too high: tx nonce 9, max accepted nonce 8');
  });

  it('insufficient funds, alone and with queued txs', async () => {
    const s = new FakeState();
    const cost = 21_000n * 2n * GWEI + 1n; // gas * fee cap + value
    s.set(ADDR[0]!, { balance: cost + cost / 2n });
    const p = makePool(s);
    await rejectsWith(
      p.add(await tx1559({ value: ETHER })),
      MempoolErrorCode.INSUFFICIENT_FUNDS,
      `insufficient funds for gas * price + value: balance ${cost + cost / 2n}, tx cost ${cost - 1n + ETHER}, overshot ${ETHER - 1n - cost / 2n}`,
    );
    await p.add(await tx1559({ nonce: 0 }));
    await rejectsWith(
      p.add(await tx1559({ nonce: 1 })),
      MempoolErrorCode.INSUFFICIENT_FUNDS,
      `insufficient funds for gas * price + value: balance ${cost + cost / 2n}, queued cost ${cost}, tx cost ${cost}, overshot ${cost / 2n + 1n}`,
    );
  });

  it('replacement underpriced (both fees must rise by priceBumpPercent)', async () => {
    const p = makePool(new FakeState());
    await p.add(await tx1559({ maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: 10n * GWEI }));
    const msg = 'replacement transaction underpriced';
    await rejectsWith(p.add(await tx1559({ maxFeePerGas: 109n * GWEI, maxPriorityFeePerGas: 20n * GWEI })), MempoolErrorCode.REPLACE_UNDERPRICED, msg);
    await rejectsWith(p.add(await tx1559({ maxFeePerGas: 200n * GWEI, maxPriorityFeePerGas: 10n * GWEI })), MempoolErrorCode.REPLACE_UNDERPRICED, msg);
    await rejectsWith(p.add(await tx1559({ maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: 10n * GWEI, value: 2n })), MempoolErrorCode.REPLACE_UNDERPRICED, msg);
  });

  it('a full pool: underpriced, or full when nothing can be evicted', async () => {
    const p = makePool(new FakeState(), { maxTotal: 2 });
    await p.add(await tx1559({ key: 0, maxPriorityFeePerGas: GWEI / 2n }));
    await p.add(await tx1559({ key: 1, maxPriorityFeePerGas: GWEI / 2n }));
    await rejectsWith(p.add(await tx1559({ key: 2, maxPriorityFeePerGas: GWEI / 2n })), MempoolErrorCode.UNDERPRICED, 'transaction underpriced');
    const one = makePool(new FakeState(), { maxTotal: 1 });
    await one.add(await tx1559({ nonce: 0 }));
    await rejectsWith(one.add(await tx1559({ nonce: 1 })), MempoolErrorCode.POOL_FULL, 'txpool is full');
  });
});

it('cost overflow beyond 2^256-1 is insufficient funds', async () => {
  const raw = await rawTyped2({ maxFeePerGas: (1n << 255n), maxPriorityFeePerGas: 1n, gas: 21_000n });
  await rejectsWith(makePool(new FakeState()).add(raw), MempoolErrorCode.INSUFFICIENT_FUNDS, /exceeds 2\^256-1$/);
});
