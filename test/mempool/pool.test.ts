/**
 * Mempool behaviour: replacement, eviction, pending nonce, block selection, removal, pruning.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Hex, keccak256 } from 'viem';
import { ParallaxError } from '../../sequencer/errors.ts';
import { MemoryMempoolStore, MempoolErrorCode } from '../../sequencer/mempool/index.ts';
import { ADDR, ETHER, FakeState, GWEI, makePool, rawTyped2, tx1559, txLegacy } from './helpers.ts';

const hashes = (txs: Array<{ hash: Hex }>) => txs.map((t) => t.hash);

describe('replacement and eviction', () => {
  it('a replacement with a 10% bump on fee cap and tip replaces the old tx, in the store too', async () => {
    const store = new MemoryMempoolStore();
    const pool = makePool(new FakeState(), { store });
    const old = await pool.add(await tx1559({ maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: 10n * GWEI }));
    const next = await pool.add(await tx1559({ maxFeePerGas: 110n * GWEI, maxPriorityFeePerGas: 11n * GWEI }));
    assert.equal(pool.size(), 1);
    assert.equal(pool.get(old.hash), undefined);
    assert.equal(pool.get(next.hash)?.maxFeePerGas, 110n * GWEI);
    assert.deepEqual(store.all().map((r) => r.hash), [next.hash]);
  });

  it('a replacement is checked against the balance net of the replaced cost', async () => {
    const s = new FakeState();
    const cost = 21_000n * 100n * GWEI + 1n;
    s.set(ADDR[0]!, { balance: 2n * cost + 21_000n * 10n * GWEI });
    const pool = makePool(s);
    await pool.add(await tx1559({ nonce: 0, maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: 10n * GWEI }));
    await pool.add(await tx1559({ nonce: 1, maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: 10n * GWEI }));
    await assert.rejects(pool.add(await tx1559({ nonce: 0, maxFeePerGas: 120n * GWEI, maxPriorityFeePerGas: 20n * GWEI })), (e: ParallaxError) => {
      assert.equal(e.code, MempoolErrorCode.INSUFFICIENT_FUNDS);
      const balance = 2n * cost + 21_000n * 10n * GWEI;
      const bump = 21_000n * 20n * GWEI;
      assert.equal(
        e.message,
        `insufficient funds for gas * price + value: balance ${balance}, queued cost ${2n * cost}, tx bumped ${bump}, overshot ${2n * cost + bump - balance}`,
      );
      return true;
    });
    // A 10 gwei bump fits the balance exactly.
    await pool.add(await tx1559({ nonce: 0, maxFeePerGas: 110n * GWEI, maxPriorityFeePerGas: 11n * GWEI }));
    assert.equal(pool.size(), 2);
  });

  it('when full, a better-paying tx evicts the cheapest highest-nonce tx of another sender', async () => {
    const store = new MemoryMempoolStore();
    const pool = makePool(new FakeState(), { maxTotal: 3, store });
    await pool.add(await tx1559({ key: 0, nonce: 0, maxPriorityFeePerGas: 3n * GWEI, maxFeePerGas: 10n * GWEI }));
    const cheapTail = await pool.add(await tx1559({ key: 0, nonce: 1, maxPriorityFeePerGas: GWEI / 10n, maxFeePerGas: 10n * GWEI }));
    await pool.add(await tx1559({ key: 1, nonce: 0, maxPriorityFeePerGas: GWEI / 2n, maxFeePerGas: 10n * GWEI }));
    const better = await pool.add(await tx1559({ key: 2, nonce: 0, maxPriorityFeePerGas: GWEI, maxFeePerGas: 10n * GWEI }));
    assert.equal(pool.size(), 3);
    assert.equal(pool.has(cheapTail.hash), false);
    assert.equal(pool.has(better.hash), true);
    assert.equal(store.all().length, 3);
    assert.ok(!store.all().some((r) => r.hash === cheapTail.hash));
  });
});

describe('pendingNonce', () => {
  it('counts only gap-free txs from the state nonce', async () => {
    const pool = makePool(new FakeState());
    for (const n of [0, 1, 2, 4]) await pool.add(await tx1559({ nonce: n }));
    assert.equal(pool.pendingNonce(ADDR[0]!, 0n), 3n);
    assert.equal(pool.pendingNonce(ADDR[0]!.toUpperCase().replace('0X', '0x') as Hex, 0n), 3n);
    assert.equal(pool.pendingNonce(ADDR[1]!, 7n), 7n);
  });
});

describe('selectForBlock', () => {
  const state = new FakeState();
  const baseFee = GWEI;

  it('orders by effective tip across senders, nonce order within a sender, then arrival', async () => {
    let t = 1_000;
    const pool = makePool(state, { now: () => t++ });
    // sender 0: tips 1 then 5 gwei (nonce 1 must wait for nonce 0)
    const a0 = await pool.add(await tx1559({ key: 0, nonce: 0, maxPriorityFeePerGas: GWEI, maxFeePerGas: 10n * GWEI }));
    const a1 = await pool.add(await tx1559({ key: 0, nonce: 1, maxPriorityFeePerGas: 5n * GWEI, maxFeePerGas: 10n * GWEI }));
    // sender 1: tip 3 gwei
    const b0 = await pool.add(await tx1559({ key: 1, nonce: 0, maxPriorityFeePerGas: 3n * GWEI, maxFeePerGas: 10n * GWEI }));
    // sender 2: fee cap limits the effective tip to 2 - 1 = 1 gwei (< its 1.25 gwei tip); arrived after a0
    const c0 = await pool.add(await rawTyped2({ key: 2, nonce: 0, maxPriorityFeePerGas: GWEI * 5n / 4n, maxFeePerGas: 2n * GWEI }));
    // sender 3: legacy, gas price 3 gwei -> tip 2 gwei
    const d0 = await pool.add(await txLegacy({ key: 3, nonce: 0, maxFeePerGas: 3n * GWEI }));
    const sel = await pool.selectForBlock({ baseFee, gasLimit: 30_000_000n, stateNonce: state.nonce });
    assert.deepEqual(hashes(sel), [b0.hash, d0.hash, a0.hash, a1.hash, c0.hash]);
    assert.equal(pool.size(), 5, 'selection removes nothing');
  });

  it('starts at the state nonce, stops at gaps and at fee caps below the base fee', async () => {
    const s = new FakeState();
    s.set(ADDR[0]!, { nonce: 0n });
    const pool = makePool(s);
    const a0 = await pool.add(await tx1559({ key: 0, nonce: 0 }));
    await pool.add(await tx1559({ key: 0, nonce: 2 })); // gap at 1
    await pool.add(await tx1559({ key: 1, nonce: 1 })); // sender 1 is at nonce 0: not executable
    const c0 = await pool.add(await tx1559({ key: 2, nonce: 0 }));
    await pool.add(await tx1559({ key: 2, nonce: 1, maxFeePerGas: GWEI / 2n, maxPriorityFeePerGas: 1n })); // below base fee
    await pool.add(await tx1559({ key: 2, nonce: 2 })); // behind the underpriced one
    const sel = await pool.selectForBlock({ baseFee, gasLimit: 30_000_000n, stateNonce: (a) => s.nonce(a) });
    assert.deepEqual(new Set(hashes(sel)), new Set([a0.hash, c0.hash]));
    // With the state advanced past nonce 0, sender 0's nonce-2 tx is still gapped.
    s.set(ADDR[0]!, { nonce: 1n });
    const sel2 = await pool.selectForBlock({ baseFee, gasLimit: 30_000_000n, stateNonce: async (a) => s.nonce(a) });
    assert.deepEqual(hashes(sel2), [c0.hash]);
  });

  it('skips a tx that does not fit the gas left and keeps looking for smaller ones', async () => {
    const pool = makePool(state);
    const big = await pool.add(await tx1559({ key: 0, gas: 80_000n, maxPriorityFeePerGas: 5n * GWEI, maxFeePerGas: 10n * GWEI }));
    const mid = await pool.add(await tx1559({ key: 1, gas: 60_000n, maxPriorityFeePerGas: 4n * GWEI, maxFeePerGas: 10n * GWEI }));
    const small = await pool.add(await tx1559({ key: 2, gas: 21_000n, maxPriorityFeePerGas: GWEI, maxFeePerGas: 10n * GWEI }));
    const sel = await pool.selectForBlock({ baseFee, gasLimit: 110_000n, stateNonce: state.nonce });
    assert.deepEqual(hashes(sel), [big.hash, small.hash]);
    assert.ok(!hashes(sel).includes(mid.hash));
    const sumGas = sel.reduce((g, t) => g + t.gasLimit, 0n);
    assert.ok(sumGas <= 110_000n);
  });

  it('honours maxTxs', async () => {
    const pool = makePool(state);
    for (let n = 0; n < 5; n++) await pool.add(await tx1559({ nonce: n }));
    const sel = await pool.selectForBlock({ baseFee, gasLimit: 30_000_000n, stateNonce: state.nonce, maxTxs: 2 });
    assert.deepEqual(sel.map((t) => t.nonce), [0n, 1n]);
  });
});

describe('removal', () => {
  it('removeIncluded drops exactly the given txs, in the store too', async () => {
    const store = new MemoryMempoolStore();
    const pool = makePool(new FakeState(), { store });
    const a = [];
    for (let n = 0; n < 4; n++) a.push(await pool.add(await tx1559({ nonce: n })));
    const b0 = await pool.add(await tx1559({ key: 1, nonce: 0 }));
    // The builder refuses nonce 2: nonces 0, 1 stay executable, nonce 3 waits behind the gap.
    const removed = pool.removeIncluded([a[2]!.hash, keccak256('0x1234')]);
    assert.deepEqual(removed, [a[2]!.hash]);
    assert.deepEqual(hashes(pool.pending()), [a[0]!.hash, a[1]!.hash, a[3]!.hash, b0.hash]);
    assert.deepEqual(store.all().map((r) => r.hash), [a[0]!.hash, a[1]!.hash, a[3]!.hash, b0.hash]);
    assert.equal(pool.pendingNonce(ADDR[0]!, 0n), 2n);
    pool.removeIncluded([a[0]!.hash, a[1]!.hash, b0.hash]);
    assert.deepEqual(hashes(pool.pending()), [a[3]!.hash]);
    assert.equal(store.all().length, 1);
  });

  it('prune drops txs below the state nonce and txs the balance cannot pay', async () => {
    const s = new FakeState();
    const store = new MemoryMempoolStore();
    const pool = makePool(s, { store });
    const a0 = await pool.add(await tx1559({ key: 0, nonce: 0 }));
    const a1 = await pool.add(await tx1559({ key: 0, nonce: 1 }));
    const b0 = await pool.add(await tx1559({ key: 1, nonce: 0, value: ETHER }));
    s.set(ADDR[0]!, { nonce: 1n });
    s.set(ADDR[1]!, { balance: ETHER });
    const removed = await pool.prune();
    assert.deepEqual(new Set(removed), new Set([a0.hash, b0.hash]));
    assert.deepEqual(hashes(pool.pending()), [a1.hash]);
    assert.deepEqual(store.all().map((r) => r.hash), [a1.hash]);
  });
});

describe('concurrency', () => {
  it('concurrent adds of one sender see each other (balance for only one)', async () => {
    const s = new FakeState();
    s.set(ADDR[0]!, { balance: 21_000n * 2n * GWEI + 1n });
    const pool = makePool(s);
    const raws = [await tx1559({ nonce: 0 }), await tx1559({ nonce: 1 })];
    const results = await Promise.allSettled(raws.map((r) => pool.add(r)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected']);
    assert.equal(((results[1] as PromiseRejectedResult).reason as ParallaxError).code, MempoolErrorCode.INSUFFICIENT_FUNDS);
    assert.equal(pool.size(), 1);
  });

  it('the tx is in the store when add resolves; a failing store refuses the tx', async () => {
    const store = new MemoryMempoolStore();
    const pool = makePool(new FakeState(), { store });
    const res = await pool.add(await tx1559());
    assert.equal(store.rows.get(res.hash)?.arrival, pool.get(res.hash)?.arrival);
    const broken = makePool(new FakeState(), {
      store: { put: () => { throw new Error('disk full'); }, delete: () => {}, all: () => [] },
    });
    await assert.rejects(broken.add(await tx1559()), (e: ParallaxError) => {
      assert.equal(e.code, MempoolErrorCode.STORE);
      assert.equal(e.message, 'mempool store failed: disk full');
      return true;
    });
    assert.equal(broken.size(), 0);
  });
});
